package cardgen

import (
	"math"
	"runtime"
	"sync"
)

// homography is a 3×3 projective transform, row-major, h[8] normally 1.
type homography [9]float64

// apply maps (x, y).
func (h *homography) apply(x, y float64) (float64, float64) {
	w := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
}

// homographyFrom returns the transform taking src[i] to dst[i] (four point pairs, no
// three collinear), solving the 8×8 linear system with partial pivoting.
func homographyFrom(src, dst [4][2]float64) homography {
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		x, y, u, v := src[i][0], src[i][1], dst[i][0], dst[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := 0; c < 8; c++ {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := 0; r < 8; r++ {
			if r == c || a[r][c] == 0 {
				continue
			}
			k := a[r][c] / a[c][c]
			for j := c; j < 9; j++ {
				a[r][j] -= k * a[c][j]
			}
		}
	}
	var h homography
	for i := 0; i < 8; i++ {
		h[i] = a[i][8] / a[i][i]
	}
	h[8] = 1
	return h
}

// inverse returns the inverse transform (adjugate; the scale is irrelevant).
func (h *homography) inverse() homography {
	return homography{
		h[4]*h[8] - h[5]*h[7], h[2]*h[7] - h[1]*h[8], h[1]*h[5] - h[2]*h[4],
		h[5]*h[6] - h[3]*h[8], h[0]*h[8] - h[2]*h[6], h[2]*h[3] - h[0]*h[5],
		h[3]*h[7] - h[4]*h[6], h[1]*h[6] - h[0]*h[7], h[0]*h[4] - h[1]*h[3],
	}
}

// parallelRows runs fn over [0, n) split into contiguous bands, one per CPU.
func parallelRows(n int, fn func(y0, y1 int)) {
	k := min(runtime.GOMAXPROCS(0), max(n/32, 1))
	var wg sync.WaitGroup
	for i := 0; i < k; i++ {
		y0, y1 := n*i/k, n*(i+1)/k
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(y0, y1)
		}()
	}
	wg.Wait()
}

// quadArea returns the area of a simple quadrilateral (shoelace formula).
func quadArea(q [4][2]float64) float64 {
	s := 0.0
	for i := 0; i < 4; i++ {
		j := (i + 1) % 4
		s += q[i][0]*q[j][1] - q[j][0]*q[i][1]
	}
	return math.Abs(s) / 2
}

// longSide returns the longest edge of a quadrilateral.
func longSide(q [4][2]float64) float64 {
	m := 0.0
	for i := 0; i < 4; i++ {
		j := (i + 1) % 4
		m = math.Max(m, math.Hypot(q[j][0]-q[i][0], q[j][1]-q[i][1]))
	}
	return m
}

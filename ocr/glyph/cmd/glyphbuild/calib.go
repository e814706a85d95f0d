package main

import (
	"math"
	"slices"
	"sync"
)

// nearest2 returns the nearest class, its distance and the distance of the
// nearest other class for y, searching like the reader does: a coarse pass
// on the leading dimensions, then exact distances on a shortlist.
func nearest2(y []float32, protos []float32, k, per, out int) (best int, d1, d2 float64) {
	const coarse, short = 40, 96
	cd := min(coarse, out)
	type cand struct {
		i int
		d float32
	}
	list := make([]cand, 0, k*per)
	for i := 0; i < k*per; i++ {
		p := protos[i*out : i*out+cd]
		var s float32
		for d, v := range y[:cd] {
			t := v - p[d]
			s += t * t
		}
		list = append(list, cand{i, s})
	}
	slices.SortFunc(list, func(a, b cand) int {
		switch {
		case a.d < b.d:
			return -1
		case a.d > b.d:
			return 1
		}
		return 0
	})
	list = list[:min(short, len(list))]
	for i := range list {
		p := protos[list[i].i*out : (list[i].i+1)*out]
		var s float32
		for d, v := range y {
			t := v - p[d]
			s += t * t
		}
		list[i].d = s
	}
	best, d1, d2 = -1, math.Inf(1), math.Inf(1)
	for _, c := range list {
		cl, d := c.i/per, float64(c.d)
		if d < d1 {
			if cl != best {
				d2 = d1
			}
			best, d1 = cl, d
		} else if cl != best && d < d2 {
			d2 = d
		}
	}
	return best, math.Sqrt(d1), math.Sqrt(d2)
}

// calPoint is one calibration sample's distances and whether the nearest
// class was right.
type calPoint struct {
	d1, d2 float64
	ok     bool
}

func classifyAll(lda ldaResult, protos []float32, k, per int, samples []sample, workers int) []calPoint {
	pts := make([]calPoint, len(samples))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(samples); i += workers {
				y := lda.project(samples[i].x)
				c, d1, d2 := nearest2(y, protos, k, per, lda.out)
				pts[i] = calPoint{d1, d2, c == samples[i].class}
			}
		}()
	}
	wg.Wait()
	return pts
}

// calibrate fits P(right | d1, d2) = sigmoid(w0 + w1·(d2−d1) + w2·d1) by
// Newton's method, then shifts w0 so that no more than wrongShare of the
// wrong calibration answers reach the escalation threshold: the target is
// few confident errors, not a pretty reliability curve.
func calibrate(pts []calPoint, threshold, wrongShare float64) [3]float32 {
	const ridge = 1.0
	w := [3]float64{0, 1, 0}
	for it := 0; it < 50; it++ {
		var g [3]float64
		var h [3][3]float64
		for _, p := range pts {
			f := [3]float64{1, p.d2 - p.d1, p.d1}
			z := w[0]*f[0] + w[1]*f[1] + w[2]*f[2]
			q := 1 / (1 + math.Exp(-z))
			y := 0.0
			if p.ok {
				y = 1
			}
			for a := 0; a < 3; a++ {
				g[a] += (q - y) * f[a]
				for b := 0; b < 3; b++ {
					h[a][b] += q * (1 - q) * f[a] * f[b]
				}
			}
		}
		// A ridge keeps the fit finite when the calibration set happens to
		// be separable.
		for a := 0; a < 3; a++ {
			g[a] += ridge * w[a]
			h[a][a] += ridge
		}
		step := solve3(h, g)
		for a := range w {
			w[a] -= step[a]
		}
	}
	var wrong []float64
	for _, p := range pts {
		if !p.ok {
			wrong = append(wrong, w[0]+w[1]*(p.d2-p.d1)+w[2]*p.d1)
		}
	}
	logit := math.Log(threshold / (1 - threshold))
	if len(wrong) > 0 {
		slices.Sort(wrong)
		q := wrong[min(len(wrong)-1, int(float64(len(wrong))*(1-wrongShare)))]
		// Only ever lower confidence: the fitted curve may already be strict.
		if shift := logit - q; shift < 0 {
			w[0] += shift
		}
	}
	return [3]float32{float32(w[0]), float32(w[1]), float32(w[2])}
}

func solve3(a [3][3]float64, b [3]float64) [3]float64 {
	// Cramer's rule is plenty for a well-conditioned 3×3 system.
	det := func(m [3][3]float64) float64 {
		return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
			m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
			m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	}
	d := det(a)
	var x [3]float64
	for i := 0; i < 3; i++ {
		m := a
		for r := 0; r < 3; r++ {
			m[r][i] = b[r]
		}
		x[i] = det(m) / d
	}
	return x
}

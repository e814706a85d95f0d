package glyph

import (
	"math"
	"slices"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/feat"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/model"
)

// coarseDims is how many leading discriminant dimensions the first pass
// uses; the leading dimensions carry most of the separation, so a shortlist
// from them rarely loses the true class and saves most of the arithmetic.
const (
	coarseDims = 40
	shortlist  = 96
	numAlts    = 4
)

// classifier finds the nearest class prototypes in the discriminant space.
type classifier struct {
	m      *model.Model
	k, per int
	lda    int
	norms  []float32 // ‖p‖² per prototype
	pnorms []float32 // ‖p[:coarseDims]‖² per prototype
}

func newClassifier(m *model.Model) *classifier {
	c := &classifier{m: m, k: len(m.Runes), per: m.Per, lda: m.LDA}
	n := c.k * c.per
	c.norms = make([]float32, n)
	c.pnorms = make([]float32, n)
	cd := min(coarseDims, c.lda)
	for i := 0; i < n; i++ {
		p := m.Protos[i*c.lda : (i+1)*c.lda]
		var s float32
		for d, v := range p {
			s += v * v
			if d == cd-1 {
				c.pnorms[i] = s
			}
		}
		c.norms[i] = s
	}
	return c
}

// scored is a class with its squared distance to the sample.
type scored struct {
	class int
	d2    float32
}

// project maps a feature vector into the discriminant space.
func (c *classifier) project(x []float32, y []float32) {
	m := c.m
	clear(y)
	for i := 0; i < m.Dim; i++ {
		v := x[i] - m.Mean[i]
		if v == 0 {
			continue
		}
		row := m.Proj[i*c.lda : (i+1)*c.lda]
		for d, p := range row {
			y[d] += v * p
		}
	}
}

// rank returns the best classes for y, nearest first: a coarse pass over all
// prototypes on the leading dimensions, then exact distances for the
// shortlist.
func (c *classifier) rank(y []float32, buf []scored) []scored {
	cd := min(coarseDims, c.lda)
	yc := y[:cd]
	var ync float32
	for _, v := range yc {
		ync += v * v
	}
	buf = buf[:0]
	worst := float32(math.Inf(1))
	for i := 0; i < c.k*c.per; i++ {
		p := c.m.Protos[i*c.lda : i*c.lda+cd]
		var dot float32
		for d, v := range yc {
			dot += v * p[d]
		}
		d2 := c.pnorms[i] + ync - 2*dot
		if len(buf) < shortlist {
			buf = append(buf, scored{i, d2})
			if len(buf) == shortlist {
				slices.SortFunc(buf, cmpScored)
				worst = buf[len(buf)-1].d2
			}
			continue
		}
		if d2 >= worst {
			continue
		}
		// Insert in order; the shortlist is short enough for this.
		j := len(buf) - 1
		for j > 0 && buf[j-1].d2 > d2 {
			buf[j] = buf[j-1]
			j--
		}
		buf[j] = scored{i, d2}
		worst = buf[len(buf)-1].d2
	}
	var yn float32
	for _, v := range y {
		yn += v * v
	}
	for i := range buf {
		p := c.m.Protos[buf[i].class*c.lda : (buf[i].class+1)*c.lda]
		var dot float32
		for d, v := range y {
			dot += v * p[d]
		}
		buf[i].d2 = max(0, c.norms[buf[i].class]+yn-2*dot)
		buf[i].class /= c.per
	}
	slices.SortFunc(buf, cmpScored)
	// Keep the nearest prototype of each class only.
	out := buf[:0]
	for _, s := range buf {
		dup := false
		for _, o := range out {
			if o.class == s.class {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

// distance returns the squared distance of y to the nearest prototype of class k.
func (c *classifier) distance(y []float32, k int) float32 {
	var yn float32
	for _, v := range y {
		yn += v * v
	}
	best := float32(math.Inf(1))
	for i := k * c.per; i < (k+1)*c.per; i++ {
		p := c.m.Protos[i*c.lda : (i+1)*c.lda]
		var dot float32
		for d, v := range y {
			dot += v * p[d]
		}
		best = min(best, max(0, c.norms[i]+yn-2*dot))
	}
	return best
}

func cmpScored(a, b scored) int {
	switch {
	case a.d2 < b.d2:
		return -1
	case a.d2 > b.d2:
		return 1
	}
	return 0
}

// confidence maps the best and runner-up distances to a calibrated
// probability that the best class is right.
func (c *classifier) confidence(d1, d2 float32) float64 {
	a, b := math.Sqrt(float64(d1)), math.Sqrt(float64(d2))
	cal := c.m.Calib
	z := float64(cal[0]) + float64(cal[1])*(b-a) + float64(cal[2])*a
	return 1 / (1 + math.Exp(-z))
}

// Twins are characters whose prototypes nearly coincide (汩/汨, 祇/祗, 扺/抵,
// 洓/涑: one short stroke apart). A font other than the build's can draw one
// nearer the other's prototype by a wide margin, so the margin says nothing:
// when the runner-up is the best class's twin, the character is never
// confident on the glyph recogniser's word alone. twinDistance is in the
// model's discriminant units, below the nearest-neighbour distance of 99 % of
// the classes (measured on the shipped model; re-measure after a rebuild).
const (
	twinDistance = 13.0
	twinCap      = 0.7
)

// twins reports whether classes a and b have prototypes within twinDistance.
func (c *classifier) twins(a, b int) bool {
	for i := 0; i < c.per; i++ {
		pa := c.m.Protos[(a*c.per+i)*c.lda : (a*c.per+i+1)*c.lda]
		for j := 0; j < c.per; j++ {
			pb := c.m.Protos[(b*c.per+j)*c.lda : (b*c.per+j+1)*c.lda]
			var s float32
			for d, v := range pa {
				x := v - pb[d]
				s += x * x
			}
			if s < twinDistance*twinDistance {
				return true
			}
		}
	}
	return false
}

// cellScratch holds per-call buffers for classifying one cell.
type cellScratch struct {
	fs   feat.Scratch
	x, y []float32
	rank []scored
}

func (c *classifier) newScratch() *cellScratch {
	return &cellScratch{
		x:    make([]float32, c.m.Dim),
		y:    make([]float32, c.lda),
		rank: make([]scored, 0, shortlist),
	}
}

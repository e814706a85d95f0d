package glyph

import (
	"image"
	"math"
)

// Fit is the reading of a line as one member of a closed set of printed texts (the 车辆类型
// and 使用性质 of a vehicle licence), chosen by how well each member's characters explain the
// ink rather than by how far the free reading's text lies from it: a free reading that missed
// two characters of 重型半挂牵引车 (馓掉柈挂牵引车) is as far by edit distance from
// 重型全挂牵引车, while the ink of 半 is much nearer 半 than 全.
//
// Costs are in units of the discriminant dimension count, the expected squared distance of a
// correct match.
type Fit struct {
	// Text is the best member, "" when the set is empty or the line holds no text.
	Text string
	// Extra is how much dearer Text's reading is than the free reading of the same ink,
	// per character of Text: near 0 when the free reading is the member.
	Extra float64
	// Margin is how much dearer the runner-up member's reading is than Text's; +Inf when
	// no other member could be fitted.
	Margin float64
}

// strayAtom is the extra cost of an atom left outside the member at either end of the line
// (the end of a printed label, a speck), on top of its free reading: without it a short
// member (营运) would fit the ink of a longer one (非营运) at the price of the characters it
// leaves out. An atom read as a sure character costs up to straySure more: it is more likely
// part of the value than a label's remnant or a speck (赁 of 租赁 left out to fit 警用).
const (
	strayAtom = 1.0
	straySure = 3.0
)

// FitLine reads the line in img, as ReadLine expects it, as the member of set whose
// characters explain its ink best. Members holding a character the model cannot read are
// not considered.
func (r *Recognizer) FitLine(img image.Image, set []string) Fit {
	lt, ok := r.lattice(img)
	if !ok {
		return Fit{}
	}
	best, _ := lt.cheapest()
	free := best[len(best)-1]
	fit := Fit{Margin: math.Inf(1)}
	first, second := math.Inf(1), math.Inf(1)
	for _, m := range set {
		c, n, ok := lt.cost(m)
		if !ok {
			continue
		}
		switch {
		case c < first:
			second, first = first, c
			fit.Text, fit.Extra = m, (c-free)/float64(n)
		case c < second:
			second = c
		}
	}
	lda := float64(r.cls.lda)
	fit.Extra /= lda
	if !math.IsInf(second, 1) {
		fit.Margin = (second - first) / lda
	}
	return fit
}

// cost is the cheapest reading of the line as text: stray atoms before and after it at
// their free single reading plus the stray costs, and each of text's characters matched by
// one candidate. n is text's length; ok is false when the model lacks one of its characters or
// no path reads it.
func (lt *lattice) cost(text string) (c float64, n int, ok bool) {
	r := lt.r
	var classes []int
	for _, x := range text {
		k := r.class(x)
		if k < 0 {
			return 0, 0, false
		}
		classes = append(classes, k)
	}
	atoms, k := len(lt.singles), len(classes)
	if k == 0 {
		return 0, 0, false
	}
	lda := float64(r.cls.lda)
	bias := segmentBias * lda
	stray := func(i int) float64 {
		if sc := lt.singles[i]; sc != nil {
			return r.segmentCost(sc.ranked[0], sc.box, lt.band) + bias + (strayAtom+straySure*r.sureness(sc))*lda
		}
		return poorAtom * lda
	}
	// d[t][i]: cheapest cost of atoms [0, i) read as text's first t characters (with strays
	// before them when t = 0, and after them when t = k).
	d := make([][]float64, k+1)
	for t := range d {
		d[t] = make([]float64, atoms+1)
		for i := range d[t] {
			d[t][i] = math.Inf(1)
		}
	}
	d[0][0] = 0
	for i := 0; i < atoms; i++ {
		d[0][i+1] = d[0][i] + stray(i)
	}
	for i := 0; i < atoms; i++ {
		for t := 0; t < k; t++ {
			if math.IsInf(d[t][i], 1) {
				continue
			}
			try := func(sc *segCand) {
				if sc == nil {
					return
				}
				m := scored{class: classes[t], d2: sc.distance(r.cls, classes[t])}
				if v := d[t][i] + r.segmentCost(m, sc.box, lt.band) + bias; v < d[t+1][sc.end] {
					d[t+1][sc.end] = v
				}
			}
			try(lt.singles[i])
			for _, sc := range lt.groups[i] {
				try(sc)
			}
		}
		if !math.IsInf(d[k][i], 1) {
			d[k][i+1] = min(d[k][i+1], d[k][i]+stray(i))
		}
	}
	c = d[k][atoms]
	return c, k, !math.IsInf(c, 1)
}

// class returns the model's class of x, or -1.
func (r *Recognizer) class(x rune) int {
	if i, ok := r.index[x]; ok {
		return i
	}
	return -1
}

// distance returns the squared distance of the candidate's ink to class k, remembered: the
// members of a set share most of their characters.
func (sc *segCand) distance(c *classifier, k int) float32 {
	if d, ok := sc.dist[k]; ok {
		return d
	}
	if sc.dist == nil {
		sc.dist = map[int]float32{}
	}
	d := c.distance(sc.y, k)
	sc.dist[k] = d
	return d
}

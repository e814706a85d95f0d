// Package feat turns a text-line image into an ink map and a character cell
// into the feature vector that the glyph model classifies. The model builder
// and the recogniser share it so that training and reading see identical
// features.
package feat

import (
	"image"
)

// Ink is a line image converted to ink coverage: 0 for paper, 1 for full ink.
type Ink struct {
	W, H int
	V    []float32 // row-major coverage
	Mask []bool    // coverage ≥ 0.5
}

// At returns the coverage at (x, y), or 0 outside the image.
func (k *Ink) At(x, y int) float32 {
	if x < 0 || y < 0 || x >= k.W || y >= k.H {
		return 0
	}
	return k.V[y*k.W+x]
}

// NewInk converts img to ink coverage. Paper and ink levels come from grey
// percentiles rather than fixed thresholds, because crops from the camera
// range from grey-on-grey to black-on-white. ok is false when the image has
// too little contrast to hold text.
func NewInk(img image.Image) (ink *Ink, ok bool) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	g := make([]uint8, w*h)
	var hist [256]int
	if gi, isGray := img.(*image.Gray); isGray {
		for y := 0; y < h; y++ {
			copy(g[y*w:(y+1)*w], gi.Pix[(y+b.Min.Y-gi.Rect.Min.Y)*gi.Stride+(b.Min.X-gi.Rect.Min.X):])
		}
	} else {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				r, gg, bb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				// Rec. 601 luma on 16-bit channels.
				g[y*w+x] = uint8((299*r + 587*gg + 114*bb) / 1000 >> 8)
			}
		}
	}
	for _, v := range g {
		hist[v]++
	}
	paper := percentile(&hist, len(g), 0.75)
	dark := percentile(&hist, len(g), 0.01)
	ink = &Ink{W: w, H: h, V: make([]float32, w*h), Mask: make([]bool, w*h)}
	if paper-dark < 40 {
		return ink, false
	}
	// Coverage saturates a little before the darkest percentile so that
	// stroke cores read as full ink even with noise.
	lo := float32(dark) + 0.1*float32(paper-dark)
	span := float32(paper) - lo
	for i, v := range g {
		c := (float32(paper) - float32(v)) / span
		if c < 0 {
			c = 0
		} else if c > 1 {
			c = 1
		}
		ink.V[i] = c
		ink.Mask[i] = c >= 0.5
	}
	ink.thinStrokes()
	return ink, true
}

// thinRidge is the least coverage of a thin stroke's crest.
const thinRidge = 0.25

// thinStrokes adds to the mask the crests of horizontal strokes too thin to reach half
// coverage: a light serif face draws its horizontals a pixel wide, which anti-aliasing spreads
// over two rows at a third of full ink each. A crest is darker than the pixels above and below
// it, over a run of minThinRun pixels; paper noise and the anti-aliased edges of slanted
// strokes rarely are. Vertical strokes are left alone: their crests would join narrow
// neighbours (11 read as 们).
func (k *Ink) thinStrokes() {
	const minThinRun = 4
	w, h := k.W, k.H
	crest := func(i int) bool {
		v := k.V[i]
		return !k.Mask[i] && v >= thinRidge && v >= k.V[i-w] && v >= k.V[i+w] && v > min(k.V[i-w], k.V[i+w])+0.1
	}
	for y := 1; y < h-1; y++ {
		for x := 0; x < w; {
			if !crest(y*w + x) {
				x++
				continue
			}
			run := x
			for run < w && crest(y*w+run) {
				run++
			}
			if run-x >= minThinRun {
				for ; x < run; x++ {
					k.Mask[y*w+x] = true
				}
			}
			x = run
		}
	}
}

func percentile(hist *[256]int, n int, q float64) int {
	target := int(q * float64(n))
	acc := 0
	for v, c := range hist {
		acc += c
		if acc > target {
			return v
		}
	}
	return 255
}

// RemoveSpecks clears mask components smaller than minArea pixels, so that
// sensor noise does not become characters; coverage is left unchanged.
func (k *Ink) RemoveSpecks(minArea int) {
	seen := make([]bool, len(k.Mask))
	stack := make([]int, 0, 64)
	comp := make([]int, 0, 64)
	for i, m := range k.Mask {
		if !m || seen[i] {
			continue
		}
		stack = append(stack[:0], i)
		comp = comp[:0]
		seen[i] = true
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			comp = append(comp, p)
			x, y := p%k.W, p/k.W
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					xx, yy := x+dx, y+dy
					if xx < 0 || yy < 0 || xx >= k.W || yy >= k.H {
						continue
					}
					q := yy*k.W + xx
					if k.Mask[q] && !seen[q] {
						seen[q] = true
						stack = append(stack, q)
					}
				}
			}
		}
		if len(comp) < minArea {
			for _, p := range comp {
				k.Mask[p] = false
			}
		}
	}
}

// Box returns the tight bounding box of mask pixels inside r, and false when
// r holds no ink.
func (k *Ink) Box(r image.Rectangle) (image.Rectangle, bool) {
	r = r.Intersect(image.Rect(0, 0, k.W, k.H))
	x0, y0, x1, y1 := r.Max.X, r.Max.Y, r.Min.X, r.Min.Y
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := k.Mask[y*k.W : (y+1)*k.W]
		for x := r.Min.X; x < r.Max.X; x++ {
			if row[x] {
				x0, y0 = min(x0, x), min(y0, y)
				x1, y1 = max(x1, x+1), max(y1, y+1)
			}
		}
	}
	if x1 <= x0 {
		return image.Rectangle{}, false
	}
	return image.Rect(x0, y0, x1, y1), true
}

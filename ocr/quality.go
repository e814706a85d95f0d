package ocr

import (
	"math"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// Thresholds of CARDS.md §5, starting points to tune on real captures.
const (
	blurVariance  = 100  // variance of the Laplacian of the canvas luma
	glareFraction = 0.02 // share of saturated pixels
	glareLevel    = 250
	darkMean      = 60
	darkSpread    = 40
	minLongSide   = 600  // source pixels
	minAreaShare  = 0.25 // of the frame
	borderTouch   = 2    // source pixels
	photocopyS    = 0.08 // mean HSV saturation
)

// flagSet collects quality flags in a fixed order.
type flagSet map[string]bool

func (f flagSet) add(flag string)      { f[flag] = true }
func (f flagSet) has(flag string) bool { return f[flag] }

// flagOrder is the order flags are reported in: retakes first, then what escalates.
var flagOrder = []string{kiosk.FlagNotACard, kiosk.FlagWrongSide, kiosk.FlagCropped, kiosk.FlagTooSmall,
	kiosk.FlagBlurred, kiosk.FlagGlare, kiosk.FlagTooDark, kiosk.FlagUpsideDown, kiosk.FlagScreenRecapture,
	kiosk.FlagPhotocopy}

func (f flagSet) list() []string {
	out := []string{}
	for _, k := range flagOrder {
		if f[k] {
			out = append(out, k)
		}
	}
	return out
}

// frameFlags judges the card's place in the photo: cut by the frame edge, or too small to read.
// scale converts decoded pixels to the photo's own.
func frameFlags(f found, scale int, flags flagSet) {
	if !f.ok {
		return
	}
	for _, p := range f.q {
		if p.X <= borderTouch || p.Y <= borderTouch ||
			p.X >= float64(f.frame.X-borderTouch) || p.Y >= float64(f.frame.Y-borderTouch) {
			flags.add(kiosk.FlagCropped)
		}
	}
	long := math.Max(f.q.side(0), f.q.side(2)) * float64(scale)
	share := f.q.area() / float64(f.frame.X*f.frame.Y)
	if long < minLongSide || share < minAreaShare && long < 2*minLongSide {
		flags.add(kiosk.FlagTooSmall)
	}
}

// canvasFlags judges the rectified card: sharpness, glare, exposure, colour.
func canvasFlags(c *card, flags flagSet) {
	g := c.luma(c.rect(0, 0, 1, 1))
	w, h := g.Rect.Dx(), g.Rect.Dy()

	// Variance of the 4-neighbour Laplacian: sharp strokes give large second derivatives.
	// Integer sums are exact at canvas size (|l| ≤ 1020, n < 2^20) and far cheaper per pixel.
	var sum, sum2 int64
	n := 0
	for y := 1; y < h-1; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		up := g.Pix[(y-1)*g.Stride : (y-1)*g.Stride+w]
		down := g.Pix[(y+1)*g.Stride : (y+1)*g.Stride+w]
		for x := 1; x < w-1; x++ {
			l := int64(4*int(row[x]) - int(row[x-1]) - int(row[x+1]) - int(up[x]) - int(down[x]))
			sum += l
			sum2 += l * l
		}
		n += w - 2
	}
	mean := float64(sum) / float64(n)
	if float64(sum2)/float64(n)-mean*mean < blurVariance {
		flags.add(kiosk.FlagBlurred)
	}

	// Saturation (hi-lo)/hi summed per value of hi: one division per level, not per pixel.
	var satBy [256]int
	bright := 0
	for p := c.pix; len(p) >= 3; p = p[3:] {
		b, gg, r := p[0], p[1], p[2]
		hi, lo := max(b, gg, r), min(b, gg, r)
		if lo >= glareLevel {
			bright++
		}
		satBy[hi] += int(hi - lo)
	}
	sat := 0.0
	for hi := 1; hi < 256; hi++ {
		sat += float64(satBy[hi]) / float64(hi)
	}
	px := float64(len(c.pix) / 3)
	if float64(bright)/px > glareFraction {
		flags.add(kiosk.FlagGlare)
	}

	// Every 16th pixel, counted by level: the percentiles are those of the sorted sample.
	var hist [256]int
	total, count := 0, 0
	for i := 0; i < len(g.Pix); i += 16 {
		hist[g.Pix[i]]++
		total += int(g.Pix[i])
		count++
	}
	if total/count < darkMean || rank(&hist, count*95/100)-rank(&hist, count*5/100) < darkSpread {
		flags.add(kiosk.FlagTooDark)
	}

	if sat/px < photocopyS && !colourAnchor(c) {
		flags.add(kiosk.FlagPhotocopy)
	}
}

// rank returns the k-th smallest level (from 0) of a histogram.
func rank(hist *[256]int, k int) int {
	acc := 0
	for v, n := range hist {
		acc += n
		if acc > k {
			return v
		}
	}
	return 255
}

// colourAnchor reports whether the kind's coloured cue is present upright.
func colourAnchor(c *card) bool {
	for _, q := range cues {
		if q.kind == c.kind {
			up, _ := q.score(c.bgr)
			return up >= minCue
		}
	}
	return false
}

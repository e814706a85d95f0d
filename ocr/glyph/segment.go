package glyph

import (
	"image"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/feat"
)

// findBand returns the text band of a line: the heaviest run of inked rows,
// with short blank runs inside it bridged, so that slivers of a neighbouring
// line at the top or bottom of a generous crop are left out.
func findBand(k *feat.Ink) (feat.Band, bool) {
	rows := make([]int, k.H)
	for y := 0; y < k.H; y++ {
		for _, m := range k.Mask[y*k.W : (y+1)*k.W] {
			if m {
				rows[y]++
			}
		}
	}
	maxGap := max(2, k.H/8)
	best, bestMass := feat.Band{}, 0
	for y := 0; y < k.H; {
		if rows[y] == 0 {
			y++
			continue
		}
		start, end, mass, gap := y, y, 0, 0
		for ; y < k.H; y++ {
			if rows[y] == 0 {
				gap++
				if gap > maxGap {
					break
				}
				continue
			}
			gap = 0
			end = y + 1
			mass += rows[y]
		}
		if mass > bestMass {
			best, bestMass = feat.Band{Top: start, Bottom: end}, mass
		}
	}
	return best, bestMass > 0
}

// span is a run of columns [x0, x1).
type span struct{ x0, x1 int }

// findAtoms cuts the band into runs of inked columns: every character is
// one or more atoms (左右 structures such as 明 or 川 split into several),
// and the path search below decides which atoms form one character.
// Runs wider than a character, where neighbours touch, are cut at the
// lightest columns near the expected pitch.
func findAtoms(k *feat.Ink, band feat.Band) []span {
	cols := make([]int, k.W)
	for y := band.Top; y < band.Bottom; y++ {
		row := k.Mask[y*k.W : (y+1)*k.W]
		for x, m := range row {
			if m {
				cols[x]++
			}
		}
	}
	var atoms []span
	for x := 0; x < k.W; {
		if cols[x] == 0 {
			x++
			continue
		}
		s := x
		for x < k.W && cols[x] > 0 {
			x++
		}
		atoms = append(atoms, splitWide(span{s, x}, cols, band.Height())...)
	}
	return atoms
}

// splitWide cuts a run wider than 1.25 band heights into pieces of about
// one band height each, at the column with the least ink within ±25 % of
// each expected cut.
func splitWide(s span, cols []int, h int) []span {
	w := s.x1 - s.x0
	if h <= 0 || w*4 <= h*5 {
		return []span{s}
	}
	n := (w + h/2) / h
	if n < 2 {
		n = 2
	}
	var out []span
	start := s.x0
	for i := 1; i < n; i++ {
		c := s.x0 + w*i/n
		lo, hi := max(start+1, c-h/4), min(s.x1-1, c+h/4)
		best := c
		for x := lo; x <= hi; x++ {
			if cols[x] < cols[best] {
				best = x
			}
		}
		out = append(out, span{start, best})
		start = best
	}
	return append(out, span{start, s.x1})
}

// segCand is one candidate character: atoms [j, end) classified.
type segCand struct {
	j, end int
	box    image.Rectangle
	ranked []scored
	y      []float32       // the ink's features in the discriminant space
	dist   map[int]float32 // squared distances to classes, as fitting asked for them
}

// Path-search constants. A segment's cost is its squared distance to the
// nearest prototype plus segmentBias; the bias makes a split into two
// ordinary matches dearer than one ordinary match, so halves of 明 do not win
// over the whole character, while two digits still beat one bad match.
const (
	maxMerge     = 6
	maxWidthBand = 1.3  // widest segment, in band heights
	maxGapBand   = 0.45 // widest blank inside one character, in band heights
)

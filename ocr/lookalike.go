package ocr

import (
	"image"
	"slices"
)

// Look-alike characters that differ in one measure of their ink alone, which both
// recognisers weigh too little: of 士 and 土 only which horizontal stroke is the longer
// (集士港 read 集土港 by both, the glyph recogniser unsure, Tesseract's language model sure),
// of 日 and 曰 only the shape of the box (日丽 read 曰丽, the glyph recogniser sure), of 卜
// and 下 only the cap, of 机 and 樱 under blur only how much ink the right part holds. Where
// a character read is one of a pair, the ink decides between the two when it clearly can:
// this is reading the ink, not correcting a word (CARDS.md §4), and a character changed
// stays doubtful.
var (
	// longerStroke pairs the character whose first horizontal stroke is the longer of its
	// first two with the one whose second is.
	longerStroke = [][2]rune{{'士', '土'}, {'末', '未'}}
	// boxShape pairs the character taller than wide with the one wider than tall.
	boxShape = [][2]rune{{'日', '曰'}}
	// capStroke pairs a character with the one that is it under a long horizontal stroke
	// across its top: a thin face's stroke may come out too pale for the recognisers' ink
	// (留下 read 留卜 by both, the glyph recogniser sure). Only the stroke's presence is
	// taken as evidence: its absence may be the pallor.
	capStroke = [][2]rune{{'卜', '下'}}
	// inkierRight pairs two characters of one left part (木) whose right parts hold
	// little ink and much: under blur 婴 of 樱 runs into a blot the recognisers take for
	// the 几 of 机 (樱花 read 机花), while the ink it holds stays.
	inkierRight = [][2]rune{{'机', '樱'}}
)

// lookAlike returns the member of r's look-alike pair that the ink in box of img shows, and
// whether it differs from r.
func lookAlike(img *image.Gray, box image.Rectangle, r rune) (rune, bool) {
	box = box.Intersect(img.Rect)
	if box.Empty() {
		return r, false
	}
	for _, p := range boxShape {
		if r != p[0] && r != p[1] {
			continue
		}
		// 日 is four fifths as wide as tall or less in the faces measured (0.68–0.81), 曰
		// nearly square (0.88–1.1).
		w, h := box.Dx(), box.Dy()
		switch {
		case w*100 <= h*83:
			return p[0], p[0] != r
		case w*100 >= h*88:
			return p[1], p[1] != r
		}
	}
	for _, p := range capStroke {
		if r == p[0] && hasCap(img, box) {
			return p[1], true
		}
	}
	for _, p := range inkierRight {
		if r != p[0] && r != p[1] {
			continue
		}
		// The right part's ink against the left part's: 0.91–1.11 for 机 and 1.41–1.91 for
		// 樱 in six faces measured, sharp or blurred alike; a bold serif face fills 婴 in
		// (1.32 for 机, 1.25 for 樱), and is left undecided.
		switch q := rightInk(img, box); {
		case q <= 1.2:
			return p[0], p[0] != r
		case q >= 1.38:
			return p[1], p[1] != r
		}
	}
	for _, p := range longerStroke {
		if r != p[0] && r != p[1] {
			continue
		}
		s := horizontalStrokes(img, box)
		if len(s) < 2 {
			return r, false
		}
		// A few pixels tell them apart: a held-out face draws 士's lower stroke only a
		// twelfth shorter than its upper one.
		switch d := s[0] - s[1]; {
		case d >= 2 && d*20 >= s[1]:
			return p[0], p[0] != r
		case -d >= 2 && -d*20 >= s[0]:
			return p[1], p[1] != r
		}
	}
	return r, false
}

// horizontalStrokes returns the lengths of the horizontal strokes in box of img, top to
// bottom. A stroke is a run of rows in which the longest run of ink spans two fifths of the
// box at least; its length is the number of columns whose darkness summed over those rows is
// half the stroke's own or more (see strokeLength).
func horizontalStrokes(img *image.Gray, box image.Rectangle) []int {
	// The crop is stretched to dark text on white paper; a serif face's thin horizontal
	// strokes come out grey at this size.
	const ink = 192
	var strokes []int
	a := -1
	for y := box.Min.Y; y <= box.Max.Y; y++ {
		longest, run := 0, 0
		for x := box.Min.X; x < box.Max.X && y < box.Max.Y; x++ {
			if img.GrayAt(x, y).Y < ink {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
		switch {
		case longest*5 >= box.Dx()*2 && a < 0:
			a = y
		case longest*5 < box.Dx()*2 && a >= 0:
			strokes = append(strokes, strokeLength(img, box, a, y))
			a = -1
		}
	}
	return strokes
}

// strokeLength measures a horizontal stroke lying in rows a–b of box at half its darkness:
// columns whose darkness summed over the rows is half the median column's or more. Blur and
// anti-aliasing spread a stroke's ends alike at both, which a fixed ink level would count
// as ink or paper all or nothing, a pixel or two either way on a stroke's length.
func strokeLength(img *image.Gray, box image.Rectangle, a, b int) int {
	var cols []int
	for x := box.Min.X; x < box.Max.X; x++ {
		d := 0
		for y := a; y < b; y++ {
			d += 255 - int(img.GrayAt(x, y).Y)
		}
		cols = append(cols, d)
	}
	var inked []int
	for _, d := range cols {
		if d > 0 {
			inked = append(inked, d)
		}
	}
	if len(inked) == 0 {
		return 0
	}
	slices.Sort(inked)
	half := inked[len(inked)/2] / 2
	n := 0
	for _, d := range cols {
		if d >= half {
			n++
		}
	}
	return n
}

// hasCap reports whether a horizontal stroke lies across the top of box in img, reaching out
// past the box on at least one side, a third again as long as the box is wide or longer: a
// run of pale ink or darker in one row from a little above the box to a quarter down it,
// across gaps of two pixels.
func hasCap(img *image.Gray, box image.Rectangle) bool {
	const pale = 224
	y0, y1 := max(img.Rect.Min.Y, box.Min.Y-box.Dy()/8), min(img.Rect.Max.Y, box.Min.Y+box.Dy()/4)
	x0, x1 := max(img.Rect.Min.X, box.Min.X-box.Dx()), min(img.Rect.Max.X, box.Max.X+box.Dx())
	for y := y0; y < y1; y++ {
		start, last := -1, -1
		for x := x0; x < x1; x++ {
			if img.GrayAt(x, y).Y >= pale {
				continue
			}
			// Noise breaks a pale stroke into dashes: gaps of two pixels are bridged.
			if start < 0 || x-last > 3 {
				start = x
			}
			last = x
			if (last-start+1)*3 >= box.Dx()*4 {
				return true
			}
		}
	}
	return false
}

// rightInk returns the darkness of the right part of box in img (its right eleven twentieths)
// over that of its left part (its left two fifths), the columns between left out. Darkness is
// counted below the box's brightest pixel, the paper.
func rightInk(img *image.Gray, box image.Rectangle) float64 {
	paper := 0
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			paper = max(paper, int(img.GrayAt(x, y).Y))
		}
	}
	var left, right int
	w := box.Dx()
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			d := paper - int(img.GrayAt(x, y).Y)
			switch {
			case (x-box.Min.X)*5 < w*2:
				left += d
			case (x-box.Min.X)*20 >= w*9:
				right += d
			}
		}
	}
	if left == 0 {
		return 0
	}
	return float64(right) / float64(left)
}

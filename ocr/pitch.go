package ocr

import (
	"image"
	"slices"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph"
)

// pitchWindow returns the part of img that n characters of a line printed at an even pitch
// take up, counted back from the line's last character: a printed name of a closed set
// (小型轿车) whose first character the label's smaller print touches (车辆类型 with 型
// against 小) reads as one character of both, which fits a wider member's first (微), and the
// label is left out only by where the value's characters must stand. The pitch is the glyph
// recogniser's, between neighbouring characters it is sure of. ok is false when it reads no
// two such neighbours, or the window is all of img.
func pitchWindow(line glyph.Line, img *image.Gray, n int) (window *image.Gray, ok bool) {
	cs := line.Chars
	var steps []int
	for i := 1; i < len(cs); i++ {
		if cs[i-1].Confidence >= glyph.Threshold && cs[i].Confidence >= glyph.Threshold {
			steps = append(steps, cs[i].Box.Min.X-cs[i-1].Box.Min.X)
		}
	}
	if len(steps) == 0 {
		return nil, false
	}
	slices.Sort(steps)
	pitch := steps[len(steps)/2]
	last := cs[len(cs)-1].Box
	// The last character's box starts where its ink does, a little right of its cell.
	x0 := last.Min.X - (n-1)*pitch - pitch/8
	if x0 <= img.Rect.Min.X {
		return nil, false
	}
	r := img.Rect
	r.Min.X = x0
	return img.SubImage(r).(*image.Gray), true
}

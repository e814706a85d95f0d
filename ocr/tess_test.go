package ocr

import (
	"image"
	"testing"

	"github.com/otiai10/gosseract/v2"
)

// TestDropOffLineEnds: symbols at the start of a one-line read that stand higher than the
// line (the label's last character, 码, read as 7 and 3) are dropped and the value is not
// settled; on a sloping line every digit stays; shorter digits at the end, where the crop
// also caught a line above the rest, stay too.
func TestDropOffLineEnds(t *testing.T) {
	sym := func(w string, x, y, h int) gosseract.BoundingBox {
		return gosseract.BoundingBox{Word: w, Box: image.Rect(x, y, x+18, y+h), Confidence: 95}
	}
	line := func(text string, x0, y0, h int, slope float64) []gosseract.BoundingBox {
		var out []gosseract.BoundingBox
		for i, r := range text {
			x := x0 + 22*i
			out = append(out, sym(string(r), x, y0+int(slope*float64(x)), h))
		}
		return out
	}
	read := func(boxes []gosseract.BoundingBox) (string, float64) {
		rd := symbolsReading(dropOffLineEnds(boxes, offLine(boxes)))
		c := 1.0
		for _, v := range rd.Conf {
			c = min(c, v)
		}
		return rd.Text, c
	}

	label := append([]gosseract.BoundingBox{sym("7", 0, 0, 30), sym("3", 20, 2, 30)}, line("2DB392965", 50, 14, 32, 0)...)
	if got, c := read(label); got != "2DB392965" || c >= 0.8 {
		t.Errorf("label before the value: %q at %.2f, want 2DB392965 not settled", got, c)
	}
	if got, _ := read(line("330282198605192227", 0, 40, 32, 0.08)); got != "330282198605192227" {
		t.Errorf("sloping line: %q", got)
	}
	tall := line("3302821986051922", 0, 0, 53, 0)
	tall = append(tall, sym("2", 360, 23, 30), sym("7", 382, 23, 30))
	if got, _ := read(tall); got != "330282198605192227" {
		t.Errorf("shorter digits at the end: %q", got)
	}
}

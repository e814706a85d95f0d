package ocr

import (
	"image"
	"slices"
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

// TestDropRunInto: the label's end read as a symbol whose box covers half or more of the
// value's first letter (码X read IX) is dropped and the value is not settled; letters that
// merely touch (serif capitals) stay.
func TestDropRunInto(t *testing.T) {
	sym := func(w string, x0, x1 int) gosseract.BoundingBox {
		return gosseract.BoundingBox{Word: w, Box: image.Rect(x0, 15, x1, 47), Confidence: 98}
	}
	read := func(boxes ...gosseract.BoundingBox) (string, float64) {
		rd := symbolsReading(dropRunInto(boxes))
		return rd.Text, rd.Conf[0]
	}
	if got, c := read(sym("I", 12, 47), sym("X", 33, 59), sym("N", 62, 90), sym("W", 94, 134)); got != "XNW" || c >= 0.8 {
		t.Errorf("label's end over the first letter: %q at %.2f, want XNW not settled", got, c)
	}
	if got, c := read(sym("9", 12, 46), sym("R", 30, 49), sym("2", 50, 68)); got != "R2" || c >= 0.8 {
		t.Errorf("label's end over the first letter: %q at %.2f, want R2 not settled", got, c)
	}
	if got, c := read(sym("Y", 13, 43), sym("W", 13, 80), sym("2", 85, 103)); got != "YW2" || c < 0.8 {
		t.Errorf("second box drawn from the line's start: %q at %.2f, want YW2 settled", got, c)
	}
	if got, c := read(sym("A", 10, 36), sym("V", 33, 58), sym("3", 62, 80)); got != "AV3" || c < 0.8 {
		t.Errorf("touching letters: %q at %.2f, want AV3 settled", got, c)
	}
}

// TestDropDoubled: a letter's ink read twice, a part of it as a letter of its own over the
// letter's box (the left stroke of V read as N), leaves one letter, not settled; touching
// letters and the second box Tesseract draws from the line's start stay.
func TestDropDoubled(t *testing.T) {
	sym := func(w string, x0, x1 int) gosseract.BoundingBox {
		return gosseract.BoundingBox{Word: w, Box: image.Rect(x0, 16, x1, 46), Confidence: 97}
	}
	for _, c := range []struct {
		name    string
		boxes   []gosseract.BoundingBox
		want    string
		settled bool
	}{
		{"V read NV", []gosseract.BoundingBox{sym("Z", 39, 61), sym("N", 60, 73), sym("V", 63, 90), sym("0", 94, 113)}, "ZV0", false},
		{"touching", []gosseract.BoundingBox{sym("A", 10, 36), sym("V", 33, 58), sym("3", 62, 80)}, "AV3", true},
		{"X read X1", []gosseract.BoundingBox{sym("M", 15, 49), sym("X", 54, 79), sym("1", 72, 85), sym("L", 84, 105), sym("1", 110, 123), sym("6", 128, 147)}, "MXL16", false},
		{"blurred", []gosseract.BoundingBox{sym("7", 318, 336), sym("4", 340, 371), sym("0", 357, 383), sym("9", 373, 406), sym("9", 407, 429)}, "74099", true},
		{"blurred date", []gosseract.BoundingBox{sym("2", 363, 384), sym(".", 391, 398), sym("0", 402, 426), sym("9", 422, 443), sym(".", 430, 454), sym("2", 460, 494)}, "2.09.2", true},
		{"from the line's start", []gosseract.BoundingBox{sym("Y", 13, 43), sym("W", 13, 80), sym("2", 85, 103)}, "YW2", true},
		{"wide at the line's end", []gosseract.BoundingBox{sym("7", 317, 334), sym("4", 338, 358), sym("6", 356, 382), sym("6", 360, 426), sym("4", 402, 426)}, "74664", true},
	} {
		rd := symbolsReading(dropDoubled(c.boxes))
		if rd.Text != c.want || slices.Min(rd.Conf) < 0.8 == c.settled {
			t.Errorf("%s: %q %.2f, want %q settled %v", c.name, rd.Text, rd.Conf, c.want, c.settled)
		}
	}
}

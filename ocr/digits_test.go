package ocr

import (
	"image"
	"image/color"
	"testing"
)

func TestDigitRuns(t *testing.T) {
	ch := func(r rune, x0, x1 int, v verdict, tess rune) arbChar {
		return arbChar{r: r, conf: 0.9, verdict: v, tess: tess, box: image.Rect(x0, 0, x1, 30)}
	}
	line := []arbChar{
		ch('路', 0, 30, agreed, '路'),
		ch('1', 35, 42, disputed, '1'),
		ch('l', 45, 52, glyphSure, 0), // narrow Latin: a digit the glyph recogniser took for l
		ch('9', 55, 70, agreed, '9'),
		ch('弄', 75, 105, agreed, '弄'),
		ch('银', 110, 140, glyphUnsure, '3'), // Tesseract saw a digit there
		ch('号', 145, 175, agreed, '号'),
		ch('A', 180, 200, agreed, 'A'), // a letter both read: not a digit
	}
	got := digitRuns(line)
	want := []digitRun{{1, 4}}
	if len(got) != len(want) || got[0] != want[0] {
		t.Fatalf("runs %v, want %v", got, want)
	}
}

// TestDigitRunsMerged: a cell the glyph recogniser could not place, a digit's height (19 read
// as 四), belongs to the number beside it; an unplaceable cell of an ideograph's height does not.
func TestDigitRunsMerged(t *testing.T) {
	ch := func(r rune, x0, x1, h int, v verdict, g float64) arbChar {
		return arbChar{r: r, conf: g, glyph: g, verdict: v, box: image.Rect(x0, 0, x1, h)}
	}
	line := []arbChar{
		ch('道', 0, 40, 40, agreed, 0.98),
		ch('四', 45, 93, 33, glyphUnsure, 0.01), // 19 taken for one ideograph
		ch('7', 98, 118, 32, agreed, 1),
		ch('7', 122, 143, 32, agreed, 1),
		ch('号', 148, 189, 39, agreed, 1),
		ch('溪', 194, 234, 40, glyphUnsure, 0.05), // an unsure ideograph
		ch('2', 238, 258, 32, agreed, 1),
	}
	got := digitRuns(line)
	want := []digitRun{{1, 4}, {6, 7}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("runs %v, want %v", got, want)
	}
}

func TestBlankCol(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 10, 4))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	for y := 0; y < 4; y++ {
		g.Pix[y*g.Stride+3], g.Pix[y*g.Stride+4] = 0, 0
	}
	if x := blankCol(g, 3, 10, 1); x != 5 {
		t.Errorf("rightwards from ink: %d, want 5", x)
	}
	if x := blankCol(g, 4, 0, -1); x != 2 {
		t.Errorf("leftwards from ink: %d, want 2", x)
	}
}

// TestSplice: a number re-read as digits replaces the arbitrated characters one for one when
// it keeps their count; where arbitration took two digits for one ideograph (四 for 19), the
// re-read is longer than the characters it replaces and stays doubtful throughout.
func TestSplice(t *testing.T) {
	box := image.Rect(0, 0, 60, 30)
	ch := func(r rune, v verdict) arbChar { return arbChar{r: r, conf: 0.97, glyph: 0.97, verdict: v, box: box} }
	cases := []struct {
		name  string
		chars []arbChar
		got   string
		want  string
		sure  []bool // conf above doubtConf
	}{
		{"same reading keeps the better confidence", []arbChar{ch('1', disputed), ch('7', agreed)}, "17", "17", []bool{true, true}},
		{"agreed digit stands against the re-read", []arbChar{ch('1', agreed), ch('3', disputed)}, "18", "18", []bool{true, false}},
		{"ideograph for two digits", []arbChar{ch('四', glyphUnsure), ch('7', agreed), ch('7', agreed)}, "1977", "1977", []bool{false, false, false, false}},
		{"merged cell, as many bytes as the re-read", []arbChar{ch('四', glyphUnsure), ch('7', agreed), ch('7', agreed), ch('0', agreed)}, "197701", "197701", []bool{false, false, false, false, false, false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conf := make([]float64, len(c.got))
			for i := range conf {
				conf[i] = 0.95
			}
			out := splice(c.chars, c.got, conf, box)
			s := ""
			for i, o := range out {
				s += string(o.r)
				if sure := o.conf > doubtConf; i < len(c.sure) && sure != c.sure[i] {
					t.Errorf("digit %d (%c): confidence %.2f, want above %.2f: %v", i, o.r, o.conf, doubtConf, c.sure[i])
				}
			}
			if s != c.want {
				t.Errorf("spliced %q, want %q", s, c.want)
			}
		})
	}
}

// TestBeforeDeepPiece: the number ends before a piece that stands taller and deeper than its
// digits (the 巾 of 幢), whatever follows it, not before a last digit as tall as the others.
func TestBeforeDeepPiece(t *testing.T) {
	page := func(pieces ...image.Rectangle) *image.Gray {
		g := image.NewGray(image.Rect(0, 0, 100, 50))
		for i := range g.Pix {
			g.Pix[i] = 255
		}
		for _, p := range pieces {
			for y := p.Min.Y; y < p.Max.Y; y++ {
				for x := p.Min.X; x < p.Max.X; x++ {
					g.SetGray(x, y, color.Gray{})
				}
			}
		}
		return g
	}
	digit := func(x int) image.Rectangle { return image.Rect(x, 8, x+12, 40) } // 32 high
	for _, c := range []struct {
		name string
		g    *image.Gray
		want int
	}{
		{"digit, 巾", page(digit(5), image.Rect(25, 6, 35, 46)), 25},
		{"two digits, 巾", page(digit(5), digit(20), image.Rect(40, 6, 50, 46)), 40},
		{"two digits", page(digit(5), digit(20)), 100},
		{"digit, 巾, sliver of 童", page(digit(5), image.Rect(25, 6, 35, 46), image.Rect(40, 10, 42, 44)), 25},
		{"digit, deeper but no taller", page(digit(5), image.Rect(25, 12, 35, 44)), 100},
		{"digit, taller but no deeper", page(digit(5), image.Rect(25, 2, 35, 41)), 100},
		{"one piece", page(image.Rect(5, 6, 35, 46)), 100},
	} {
		if got := beforeDeepPiece(c.g, c.g.Rect); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

package ocr

import (
	"image"
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

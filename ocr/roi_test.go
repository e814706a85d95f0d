package ocr

import (
	"image"
	"testing"
)

// TestPeelStroke: the stem of the next label's 亻 caught at a value's cut end is peeled off; the
// hook of a J bent back under the letter before it, below the line but not through it, is the
// J's, and the J stays.
func TestPeelStroke(t *testing.T) {
	const w, h, y0, y1 = 60, 60, 20, 44
	var strokes []image.Rectangle
	add := func(x0, ya, x1, yb int) { strokes = append(strokes, image.Rect(x0, ya, x1, yb)) }
	add(36, 22, 39, 45) // the J's stem, standing on the line's foot
	add(32, 45, 37, 46) // its hook, bending left below the line
	add(30, 46, 35, 47)
	add(44, 10, 46, 51) // the label's stem, through the line and beyond it
	ink := func(x, y int) bool {
		for _, r := range strokes {
			if image.Pt(x, y).In(r) {
				return true
			}
		}
		return false
	}
	end, margin := peelStroke(ink, 0, 46, y0, y1, w, h)
	if end != 44 {
		t.Errorf("end %d, want 44: the J's stem (36–38) and nothing of the label's (44–45)", end)
	}
	if margin != 0 {
		t.Errorf("margin %d beside the label's stem, want 0", margin)
	}
}

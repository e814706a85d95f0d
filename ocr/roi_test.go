package ocr

import (
	"image"
	"slices"
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

// TestTrimTrailingLabel: a narrow last letter joined to the next label without a blank column
// between them (the J of …AJ against the 亻 of 使) keeps to the line where the label does not:
// the cut falls after it, not before it.
func TestTrimTrailingLabel(t *testing.T) {
	const lineH, minCol = 34, 3
	cols := make([]int, 62)
	for x := range cols {
		switch {
		case x < 20: // A
			cols[x] = 20
		case x >= 26 && x < 32: // J, 6 columns
			cols[x] = 25
		case x >= 32: // 使用…, joined to the J
			cols[x] = 15
		}
	}
	upper := slices.Clone(cols)
	keeps := func(k span) bool { return k.b <= 32 } // only the J's columns keep to the line
	x1, cut := trimTrailingLabel(cols, upper, minCol, 0, lineH, keeps, keeps)
	if x1 != 32 || !cut {
		t.Errorf("end %d (cut %v), want 32 (cut): the J kept, the label cut off", x1, cut)
	}
}

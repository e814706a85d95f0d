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
	var d drawing
	d.add(36, 22, 39, 45) // the J's stem, standing on the line's foot
	d.add(32, 45, 37, 46) // its hook, bending left below the line
	d.add(30, 46, 35, 47)
	d.add(44, 10, 46, 51) // the label's stem, through the line and beyond it
	ink := d.ink
	end, margin := peelStroke(ink, 0, 46, y0, y1, w, h, true)
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
	x1, cut := trimTrailingLabel(cols, upper, minCol, 0, lineH, keeps, keeps, nil, nil)
	if x1 != 32 || !cut {
		t.Errorf("end %d (cut %v), want 32 (cut): the J kept, the label cut off", x1, cut)
	}
}

// TestTrimHangingLabel: the next label printed against the value's last character, its first
// stroke coming down across the line's top beside it with no blank column between. The value
// ends where that stroke begins. The label's strokes above the line may hang back over the
// character (the 丿 of 亻 over the 3 of K1C3使用性质): they stand apart from it and cut nothing.
// Its English row may begin under the character's end (the U of Use under the C of …HEVC使),
// low on the line and on below it: the value ends before it, or the C with the U's stem reads G.
func TestTrimHangingLabel(t *testing.T) {
	const w, h, y0, y1, lineH, minCol = 80, 60, 20, 44, 24, 2
	for _, c := range []struct {
		name string
		last func(d *drawing) // the value's last character and what of the label reaches it
		want int
	}{
		{"3 under the label's 丿", func(d *drawing) {
			d.add(30, 20, 46, 23) // the 3's bars and its right side, cols 30–45
			d.add(34, 31, 46, 34)
			d.add(30, 41, 46, 44)
			d.add(43, 20, 46, 44)
			for y := 12; y < 18; y++ { // the 丿 of 亻, blank rows 18–19 between it and the 3
				d.add(46-2*(y-12), y, 50-2*(y-12), y+1)
			}
			d.add(47, 38, 70, 50) // the English row, under the line after the 3
		}, 46},
		{"C over the English row's U", func(d *drawing) {
			d.add(30, 20, 44, 24) // the C's bars and its left side, cols 30–43
			d.add(30, 41, 44, 45)
			d.add(30, 20, 34, 45)
			d.add(44, 34, 46, 51) // the U, its first stem against the C's lower bar
			d.add(44, 48, 53, 51)
			d.add(51, 34, 53, 51)
		}, 44},
	} {
		var d drawing
		d.add(5, 20, 25, 44)  // a character before
		d.add(46, 10, 49, 37) // the label's first stroke, down across the line's top
		d.add(52, 10, 70, 33) // the rest of its Chinese row
		c.last(&d)
		x1, cut := trimStrokes(d.ink, w, h, y0, y1, lineH, minCol)
		if x1 != c.want || !cut {
			t.Errorf("%s: end %d (cut %v), want %d (cut)", c.name, x1, cut, c.want)
			continue
		}
		if end, _ := peelStroke(d.ink, 5, x1, y0, y1, w, h, true); end != c.want {
			t.Errorf("%s: peeled to %d, want %d: no stroke through the line before the cut", c.name, end, c.want)
		}
	}
}

// TestTrimLeadingFragment: a piece of the label's last character caught before a Latin value
// (the foot of 号 of 车辆识别代号, high on the line, read as an L before LBV…) is cut off at the
// blank column before the value, blank columns of its own notwithstanding; the bar of a T,
// joined to its stem, stays with the value.
func TestTrimLeadingFragment(t *testing.T) {
	const lineH, minCol, x0 = 30, 2, 3
	type col struct{ n, top, foot int }
	build := func(head []col) ([]int, func(int) (int, int)) {
		cs := slices.Clone(head)
		for len(cs) < 200 { // letters standing on the foot: a stem, then a bottom bar
			for i := range 14 {
				switch {
				case i < 4:
					cs = append(cs, col{30, 0, 29})
				case i < 11:
					cs = append(cs, col{4, 26, 29})
				default:
					cs = append(cs, col{0, 30, -1})
				}
			}
		}
		n := make([]int, len(cs))
		for i, c := range cs {
			n[i] = c.n
		}
		return n, func(x int) (int, int) { return cs[x].top, cs[x].foot }
	}
	var fragment, tee []col
	for x := range 40 {
		switch {
		case x < x0:
			fragment = append(fragment, col{0, 30, -1})
			tee = append(tee, col{0, 30, -1})
		case x < 12:
			fragment = append(fragment, col{5 * (x % 4), 0, 8}) // 码 in two, blank columns between
			tee = append(tee, col{3, 0, 3})                     // the bar of a T …
		case x < 26:
			fragment = append(fragment, col{0, 30, -1})
			if x < 16 {
				tee = append(tee, col{30, 0, 29}) // … its stem
			} else {
				tee = append(tee, col{3, 0, 3})
			}
		}
	}
	fragment = fragment[:26]
	tee = tee[:20]
	cols, extent := build(fragment)
	if got := trimLeadingLabel(cols, minCol, x0, lineH, true, extent); got != 25 {
		t.Errorf("fragment: value starts at %d, want 25 (the last blank column before the L)", got)
	}
	cols, extent = build(tee)
	if got := trimLeadingLabel(cols, minCol, x0, lineH, true, extent); got != x0 {
		t.Errorf("T: value starts at %d, want %d (the T's bar kept)", got, x0)
	}
}

// drawing is an image drawn as rectangles of ink.
type drawing []image.Rectangle

func (d *drawing) add(x0, ya, x1, yb int) { *d = append(*d, image.Rect(x0, ya, x1, yb)) }

func (d drawing) ink(x, y int) bool {
	for _, r := range d {
		if image.Pt(x, y).In(r) {
			return true
		}
	}
	return false
}

// trimStrokes cuts the value off the label on the line y0–y1 of a w×h crop of ink, whose value
// starts at column 5, as crop does.
func trimStrokes(ink func(x, y int) bool, w, h, y0, y1, lineH, minCol int) (int, bool) {
	cols, upper := make([]int, w), make([]int, w)
	for x := range cols {
		for y := y0; y < y1; y++ {
			if ink(x, y) {
				cols[x]++
				if y < (y0+y1)/2 {
					upper[x]++
				}
			}
		}
	}
	return trimTrailingLabel(cols, upper, minCol, 5, lineH,
		func(k span) bool { return onLine(ink, k, y0, y1, h) },
		func(k span) bool { return clearAbove(ink, k, y0, y1, h) },
		func(x int) bool { return crossesTop(ink, x, y0, y1) },
		func(x int) bool { return ink(x, y1) && ink(x, y1+1) })
}

// TestEnglishRowOnTheLine: a label's English row printed as low as the value's line (Use
// Character under 质, in a font whose letters reach the value's foot) is found under the label's
// Chinese row, blank paper between, and its letters go; small pieces low in a value's own
// character are not letters: 灬 close under the strokes above it, a lone 口 under 营's others.
func TestEnglishRowOnTheLine(t *testing.T) {
	const y0, foot = 15, 51
	r := image.Rect(0, 0, 130, 60)
	value := func(d *drawing) { // 非, from column 50
		d.add(55, 15, 58, 51)
		d.add(75, 15, 78, 51)
		d.add(50, 22, 86, 25)
	}
	for _, c := range []struct {
		name    string
		draw    func(d *drawing)
		letters []image.Point // a pixel of each letter of the row, if there is one
	}{
		{"racter under 质", func(d *drawing) {
			d.add(2, 10, 42, 13) // 质 above the line's middle
			d.add(2, 10, 5, 28)
			d.add(20, 16, 40, 28)
			for x := 3; x < 43; x += 8 { // the letters, blank rows 29–39 above them
				d.add(x, 40, x+6, 51)
			}
		}, []image.Point{{4, 45}, {12, 45}, {20, 45}, {28, 45}, {36, 45}}},
		{"灬 of 熊", func(d *drawing) {
			d.add(2, 15, 42, 44) // the strokes above, two rows above the dots
			for x := 3; x < 43; x += 10 {
				d.add(x, 46, x+5, 51)
			}
		}, nil},
		{"口 of 营", func(d *drawing) {
			d.add(2, 15, 42, 18)
			d.add(8, 22, 36, 30)
			d.add(10, 38, 34, 51)
		}, nil},
	} {
		var d drawing
		c.draw(&d)
		value(&d)
		english, standing := englishRow(d.ink, r, 0, 110, y0, foot, true)
		if len(c.letters) == 0 {
			if english != nil {
				t.Errorf("%s: a row of letters found in the value's character", c.name)
			}
			continue
		}
		if english == nil || !standing {
			t.Errorf("%s: no row found within the line", c.name)
			continue
		}
		for _, p := range c.letters {
			if !english[p.Y*r.Dx()+p.X] {
				t.Errorf("%s: letter at %v not taken for the row's", c.name, p)
			}
		}
		for y := y0; y < foot; y++ {
			for x := 50; x < 86; x++ {
				if english[y*r.Dx()+x] {
					t.Fatalf("%s: the value's ink at (%d,%d) taken for the row's", c.name, x, y)
				}
			}
		}
	}
}

// TestTrimSmallLabel: the label's last character (型, smaller than the value's and reaching four
// fifths down its line, blank columns inside it) against a value whose first character begins
// with a piece short of the foot (the dot of 小 before its stem): the value begins in the gap
// after the label, not after the gap inside 小. So after the small 人 of 所有人 standing high on
// the line. A piece short of the foot that is narrow (氵 of 浙) or low (小's dot) is the value's.
func TestTrimSmallLabel(t *testing.T) {
	const lineH, minCol = 37, 3
	type col struct{ n, top, foot int }
	for _, c := range []struct {
		name   string
		head   []col // columns up to the value's first stem
		lo, hi int   // where the value may begin
	}{
		{"型 before 小", slices.Concat(
			slices.Repeat([]col{{8, 4, 29}}, 11),  // 开 of 型
			slices.Repeat([]col{{0, 37, -1}}, 5),  // the gap inside it
			slices.Repeat([]col{{8, 4, 29}}, 26),  // 刂 and 土
			slices.Repeat([]col{{0, 37, -1}}, 7),  // the gap after the label
			slices.Repeat([]col{{6, 12, 27}}, 10), // 小's dot
			slices.Repeat([]col{{0, 37, -1}}, 5),  // the gap inside 小
		), 42, 49},
		{"人 before 宁", slices.Concat(
			slices.Repeat([]col{{5, 0, 15}}, 30), // 人, high on the line
			slices.Repeat([]col{{0, 37, -1}}, 7),
			slices.Repeat([]col{{4, 2, 13}}, 14), // 宀 of 宁, before the stem of its 丁
		), 30, 37},
		{"小 first", slices.Concat(
			slices.Repeat([]col{{0, 37, -1}}, 3),
			slices.Repeat([]col{{6, 12, 27}}, 10), // 小's dot, low on the line
			slices.Repeat([]col{{0, 37, -1}}, 5),
		), 3, 4},
		{"氵 of 浙", slices.Concat(
			slices.Repeat([]col{{0, 37, -1}}, 3),
			slices.Repeat([]col{{8, 2, 30}}, 12), // 氵
			slices.Repeat([]col{{0, 37, -1}}, 4),
		), 3, 4},
	} {
		cs := slices.Clone(c.head)
		cs = append(cs, slices.Repeat([]col{{36, 0, 36}}, 3)...) // the value's stem
		for len(cs) < 200 {                                      // more characters standing on the foot
			cs = append(cs, slices.Repeat([]col{{0, 37, -1}}, 3)...)
			cs = append(cs, slices.Repeat([]col{{12, 0, 36}}, 30)...)
		}
		cols := make([]int, len(cs))
		for i, k := range cs {
			cols[i] = k.n
		}
		x0 := 0 // the first column of ink: 0 where the search box's edge cut the label
		for cols[x0] < minCol {
			x0++
		}
		got := trimLeadingLabel(cols, minCol, x0, lineH, false, func(x int) (int, int) { return cs[x].top, cs[x].foot })
		if got < c.lo || got >= c.hi {
			t.Errorf("%s: value starts at %d, want %d–%d", c.name, got, c.lo, c.hi-1)
		}
	}
}

// TestPastHighPieces: the legs of a label's 人 that the line's band cut, apart from the value,
// reaching down from the line's top and ending high on it, go; a value's first character that
// stands on the line's foot, 一 lying across its middle, or the left tick of 宀 apart from
// its roof, below the line's top, stays.
func TestPastHighPieces(t *testing.T) {
	const w, y0, y1 = 80, 10, 46
	r := image.Rect
	value := r(24, 10, 60, 46)
	cases := []struct {
		name string
		ink  drawing
		want int
	}{
		{"legs of 人 in two pieces", drawing{r(0, 10, 6, 20), r(9, 10, 14, 21), value}, 24},
		{"the left tick of 宀 apart from its roof", drawing{r(0, 15, 3, 22), r(5, 10, 40, 46)}, 0},
		{"一 across the middle", drawing{r(0, 26, 20, 29), value}, 0},
		{"a character on the foot", drawing{r(0, 12, 20, 46), value}, 0},
		{"nothing but the high piece", drawing{r(0, 10, 6, 20)}, 0},
	}
	for _, c := range cases {
		d := c.ink
		cols := make([]int, w)
		for x := range cols {
			for y := y0; y < y1; y++ {
				if d.ink(x, y) {
					cols[x]++
				}
			}
		}
		extent := func(x int) (int, int) { return colExtent(d.ink, x, y0, y1) }
		if got := pastHighPieces(cols, 0, extent, y1-y0); got != c.want {
			t.Errorf("%s: start %d, want %d", c.name, got, c.want)
		}
	}
}

package ocr

import (
	"image"
	"slices"
)

// pad is how far beyond its nominal box a value is searched: the ±3 % layout shifts of
// CARDS.md §1 and a little more for corner error.
const pad = 0.035

// aa is the margin of a crop: a value is cropped tight, a few pixels for anti-aliasing, and
// stretch adds clean white margins; image margins would bring back the ends of neighbouring
// lines and labels.
const aa = 3

// span is a run of indices [a, b).
type span struct{ a, b int }

// crop finds the value of region rg on the canvas and returns it as a grey image ready for OCR,
// or nil when the region holds no ink. intoLabel says that the value ran into the next label
// and was cut from it where the label begins: its last character may have lost strokes to the
// cut, or been cut off whole. It searches the padded box, keeps the text lines whose
// middle lies in the nominal band, and within them the ink clusters whose middle lies in the
// nominal columns: a label printed left of the value, the next label on the right or a photo
// edge are separate clusters outside the nominal box and drop out, whatever the font.
func crop(c *bgr, rg region) (img *image.Gray, intoLabel bool) {
	// Stay off the card's edge: its border and shadow would read as characters.
	const edge = 0.012
	padR := pad
	if rg.padRight > 0 {
		padR = rg.padRight
	}
	outer := c.rect(max(edge, rg.x0-pad), max(edge, rg.y0-pad), min(1-edge, rg.x1+padR), min(1-edge, rg.y1+pad))
	if outer.Empty() {
		return nil, false
	}
	g := c.value(outer)
	th := inkThreshold(g, inkShare(rg.key))
	w, h := g.Rect.Dx(), g.Rect.Dy()
	ink := func(x, y int) bool { return g.Pix[y*g.Stride+x] < th }
	nomX0 := max(0, int(rg.x0*float64(c.w))-outer.Min.X)
	nomX1 := min(w, int(rg.x1*float64(c.w))-outer.Min.X)
	nomY0 := int(rg.y0*float64(c.h)) - outer.Min.Y
	nomY1 := int(rg.y1*float64(c.h)) - outer.Min.Y

	// Rows: text lines are runs of rows with ink, merged across small gaps (accents, dots).
	// Only the nominal columns count, so that a label's two lines (Chinese over English) on
	// the left do not decide where the value's line is.
	// Values are left-aligned, so the left part of the box finds their lines while a photo or
	// seal reaching into the right part cannot add a line.
	rowX1 := nomX0 + (nomX1-nomX0)*7/10
	rows := make([]int, h)
	for y := 0; y < h; y++ {
		for x := nomX0; x < rowX1; x++ {
			if ink(x, y) {
				rows[y]++
			}
		}
	}
	lines := runs(rows, max(2, (rowX1-nomX0)/150), 3)
	var keep []span
	for _, l := range lines {
		mid := (l.a + l.b) / 2
		if mid >= nomY0 && mid < nomY1 && l.b-l.a >= 10 {
			keep = append(keep, l)
		}
	}
	if len(keep) == 0 {
		return nil, false
	}
	if len(keep) > rg.lines {
		keep = tallest(keep, rg.lines)
	}
	if len(keep) == 1 && rg.req.whitelist == wlID {
		if kept, dropped, ok := tallerPart(rows, keep[0]); ok {
			// The other line's ink goes, lest it be taken for a label run into the value.
			keep[0] = kept
			mask := make([]bool, w*h)
			for i := dropped.a * w; i < dropped.b*w; i++ {
				mask[i] = true
			}
			g = paper(g, mask, th)
		}
	}
	y0, y1 := keep[0].a, keep[len(keep)-1].b
	lineH := 0
	for _, l := range keep {
		lineH = max(lineH, l.b-l.a)
	}

	// Columns within those lines: clusters of ink separated by gaps wider than about a glyph.
	cols := make([]int, w)
	for x := 0; x < w; x++ {
		for y := y0; y < y1; y++ {
			if ink(x, y) {
				cols[x]++
			}
		}
	}
	// Text never crosses the blank rows between its lines; a photo's edge or a frame line does.
	// Columns with ink there are not text.
	for i := 1; i < len(keep); i++ {
		for x := 0; x < w; x++ {
			n := 0
			for y := keep[i-1].b; y < keep[i].a; y++ {
				if ink(x, y) {
					n++
				}
			}
			if n > 0 && n*2 >= keep[i].a-keep[i-1].b {
				cols[x] = 0
			}
		}
	}
	// A column needs a few ink pixels to count: dotted value lines and guilloche specks add
	// one or two everywhere and would bridge the gap after a label. How many is measured on
	// the text's own height: guilloche lines running on above and below it may have made the
	// line's band much taller, and the few pixels of a thin stroke (一 of 郭一) would not count.
	dense := 0
	for _, l := range keep {
		dense = max(dense, denseHeight(rows[l.a:l.b]))
	}
	minCol := max(2, dense/10)
	clusters := runs(cols, minCol, lineH*9/10)
	x0, x1 := -1, -1
	for _, k := range clusters {
		mid := (k.a + k.b) / 2
		// A cluster that starts left of the box but reaches two thirds of a character into it
		// is a label run together with its value (性别男: one character past the box's edge);
		// splitLabel separates them below.
		inside := mid >= nomX0 && mid < nomX1 || k.a < nomX0 && (k.b-nomX0)*3 >= lineH*2
		if x0 < 0 && inside {
			x0, x1 = k.a, k.b
		} else if x0 >= 0 && mid < nomX1 && k.a-x1 <= 4*lineH {
			// Keep going right over word gaps, not over the gap to a photo or a far label.
			x1 = k.b
		}
	}
	if x0 < 0 {
		return nil, false
	}
	x0 = splitLabel(cols, minCol, x0, x1, nomX0, int(pad*float64(c.w)), lineH,
		func(x int) (int, int) { return colExtent(ink, x, y0, y1) })
	// Only values printed right after a label: where a value has none before it (the
	// validity line of an ID card's back) its digits' feet are too varied (the arc of a 2).
	left := aa
	if (rg.req.glyph || rg.req.label != "") && len(keep) == 1 && x0 < nomX0 {
		split := x0
		headX1 := min(x1, x0+3*lineH)
		foot := inkFoot(ink, nomX0+lineH, rowX1, y0, y1)
		english, standing := englishRow(ink, g.Rect, x0, headX1, y0, foot, rg.req.glyph)
		head, label, lh := cols[:x1], ink, lineH
		if english != nil {
			if rg.req.glyph {
				// The line's band took in the English row: a Chinese value's characters
				// reach its foot, not the band's (Latin capitals stop short of it).
				lh = min(lineH, foot-y0)
			}
			// The columns counted again without the English row's ink.
			label = func(x, y int) bool { return ink(x, y) && !english[y*w+x] }
			head = slices.Clone(head)
			for x := x0; x < headX1; x++ {
				head[x] = 0
				for y := y0; y < y1; y++ {
					if label(x, y) {
						head[x]++
					}
				}
			}
		}
		x0 = trimLeadingLabel(head, minCol, x0, lh, !rg.req.glyph, func(x int) (int, int) { return colExtent(label, x, y0, y1) })
		if standing && head[x0] > 0 {
			// A row within the line is taken for the label's only where blank paper parts
			// the label from the value: else the cut would go through the one or the other
			// (质 against the 亻 of 货, the row's last letter on 贝's leg).
			x0 = split
		}
		if x0 != split {
			left = 0 // the label's ink ends where it was cut
			if english != nil {
				// The row's letters under the value's first character go, and the line's
				// foot is the value's.
				y1 = min(y1, foot)
				g = paper(g, english, th)
			}
		}
	}
	if len(keep) == 1 {
		x0 = pastHighPieces(cols[:x1], x0, func(x int) (int, int) { return colExtent(ink, x, y0, y1) }, y1-y0)
	}
	// The label's English row, low on the line, may touch the value's last character (the U
	// of Use against the foot of a 1): above it, in the line's upper half, they stand apart.
	last := keep[len(keep)-1]
	upper := make([]int, x1)
	for x := range upper {
		for y := last.a; y < (last.a+last.b)/2; y++ {
			if ink(x, y) {
				upper[x]++
			}
		}
	}
	// Under blur the label's first stroke and the value's last character run together into
	// one blob, in which no stroke's edge is to be found (…EX8使 read EXg): no cut at the
	// label's stroke there.
	var crosses func(x int) bool
	if !c.blurred {
		crosses = func(x int) bool { return crossesTop(ink, x, y0, y1) }
	}
	// A value of several lines has no label after it: what runs on past a line's end below
	// the line is the photo's edge (…149弄 over the photo of a driving licence), not a label.
	if len(keep) == 1 {
		x1, intoLabel = trimTrailingLabel(cols[:x1], upper, minCol, x0, lineH,
			func(k span) bool { return onLine(ink, k, y0, y1, h) },
			func(k span) bool { return clearAbove(ink, k, y0, y1, h) }, crosses,
			func(x int) bool { return ink(x, min(h-1, y1)) && ink(x, min(h-1, y1+1)) })
	}
	right := aa
	if intoLabel && len(keep) == 1 {
		x1, right = peelStroke(ink, x0, x1, y0, y1, w, h, !c.blurred)
	}
	r := image.Rect(x0-left, y0-aa, x1+right, y1+aa).Intersect(g.Rect)
	// A crop cut from a label, or whose edge cuts through ink (the search box's own edge
	// may: 型 of 品牌型号 at its left), keeps the narrow soft edge unless the photo is
	// blurred: the wide one brings back the pale sides of the cut strokes, read as letters
	// (A大众牌…, …L5EF6).
	cutInk := cols[max(0, x0-1)] >= minCol || cols[min(w-1, x1)] >= minCol
	wide := c.blurred || left > 0 && !intoLabel && !cutInk
	return stretch(g.SubImage(r).(*image.Gray), th, max(12, lineH/3), wide), intoLabel
}

// pastHighPieces moves the left end x0 of a one-line value, of height lineH, past pieces of ink
// at its start that blank columns part from what follows and that reach from the line's top
// to no lower than two fifths of its height: the legs of the label's 人 (所有人), standing
// higher than the value, which the line's band cut (read 八 before the owner). No character a
// value begins with is so, nor its left part: 一 lies across the middle, a 丷 or 亠 stands
// over the rest, in its columns, and the left tick of 宁's 宀, which a thin roof may leave
// apart, begins below the line's top.
// extent gives a column's ink rows relative to the line's top. Pieces are parted by columns
// without any ink (cols 0), not by those under the crop's ink count: the columns of a thin
// stroke alone (the roof of 宀 over the left tick of 宁) hold fewer. The last piece is never
// passed.
func pastHighPieces(cols []int, x0 int, extent func(x int) (top, foot int), lineH int) int {
	start := x0
	pieces := runs(cols[start:], 1, 1)
	for i, p := range pieces[:max(0, len(pieces)-1)] {
		foot, top := -1, lineH
		for x := start + p.a; x < start+p.b; x++ {
			t, f := extent(x)
			foot = max(foot, f)
			top = min(top, t)
		}
		if top > 0 || foot*5 >= lineH*2 {
			break
		}
		x0 = start + pieces[i+1].a
	}
	return x0
}

// trimTrailingLabel moves the right end x1 = len(cols) of a value left past pieces at its end
// that do not keep to the line (see onLine): the next label, reached across a gap no wider
// than a word space. cut says the end was cut inside a piece of ink, the value run into the label.
// crossesTop, if not nil, tells the columns where a stroke runs down across the line's top;
// under, those whose ink runs on below the line's foot.
func trimTrailingLabel(cols, upper []int, minCol, x0, lineH int, onLine, clearAbove func(span) bool, crossesTop, under func(x int) bool) (x1 int, cut bool) {
	x1 = len(cols)
	pieces := runs(cols[x0:x1], minCol, max(1, lineH/8))
	for len(pieces) > 1 {
		last, prev := pieces[len(pieces)-1], pieces[len(pieces)-2]
		if onLine(span{x0 + last.a, x0 + last.b}) {
			break
		}
		if crossesTop != nil {
			if end, ok := strokeCut(upper, x0+last.a, x0+last.b, lineH, crossesTop, under); ok {
				return end, true
			}
		}
		// The piece's parts apart in the line's upper half, from the left, as long as they
		// keep to the line: a character joined to the label only at its foot.
		parts := runs(upper[x0+last.a:x0+last.b], 1, 1)
		end := -1
		for _, p := range parts[:max(0, len(parts)-1)] {
			if !onLine(span{x0 + last.a, x0 + last.a + p.b}) {
				break
			}
			end = x0 + last.a + p.b
		}
		if end >= 0 {
			return end, true
		}
		// A value printed into the label (EX8使用性质) keeps the start of the piece that
		// keeps to the line, the label's English row beginning where the label does; that
		// start may be a narrow letter (AJ使用性质: a J's stem, a sixth of the line wide,
		// joined to the 亻 of 使 with no blank column between). It may end in the label's
		// first stroke: the cut is at a blank column just before, if there is one within
		// the piece (the one before it would cut the letter off).
		for x := x0 + last.b - 1; x >= x0+last.a+lineH/6; x-- {
			if onLine(span{x0 + last.a, x}) {
				// The label's English row may begin under the value's last character (the
				// U of Use under the 3 of K1C3使): the character runs on past x, clear of
				// the label above the line, to a blank column before the label.
				for c := x + 1; c < min(x0+last.b, x+lineH/4); c++ {
					if cols[c] < minCol {
						if clearAbove(span{x0 + last.a, c}) {
							return c, true
						}
						break
					}
				}
				for c := x; c >= x-lineH/4 && c > x0+last.a; c-- {
					if cols[c] < minCol {
						return c, true
					}
				}
				return x, true
			}
		}
		// A label closer than a word space was printed against the value, and the piece
		// may have taken the value's last character with it (…K1C3使用性质).
		cut = cut || last.a-prev.b < lineH/2
		x1 = x0 + prev.b
		pieces = pieces[:len(pieces)-1]
	}
	return x1, cut
}

// strokeCut finds the end of a value whose last character the next label's first stroke came
// down against, in the columns a–b of the piece they form, while the label's strokes above the
// line hang back over the character (the 丿 of 亻 over the 3 of K1C3使): the value ends where
// a stroke first runs down across the line's top (crossesTop), if a character's upper half
// stands before it. The label's English row may begin under the character's end (the U of Use
// under the C of …HEVC使), low on the line and running on below it (under): its columns go too.
func strokeCut(upper []int, a, b, lineH int, crossesTop, under func(x int) bool) (int, bool) {
	for x := a; x < b; x++ {
		if !crossesTop(x) {
			continue
		}
		n := 0
		for _, u := range upper[a:x] {
			if u > 0 {
				n++
			}
		}
		if n < lineH/6 {
			return 0, false
		}
		for x > a && upper[x-1] == 0 && under(x-1) {
			x--
		}
		return x, true
	}
	return 0, false
}

// peelStroke moves the end x1 of a value cut where it ran into the next label left of a stroke
// of the label caught at the end (the stem of 亻 of 使 beside the model's last 6, read
// together as q): within half a line's height of the end, a column whose ink runs through the
// value's line y0–y1 (of a crop w by h) and on, without a break, above it, or on below it, in
// a narrow stroke is the label's (sharp; blurred, any ink above the line counts, the label's
// strokes having run together). The cut's test (onLine) weighs whole pieces, in which a stem
// a few columns wide is lost. It returns the margin the crop may take beyond the end: none
// where a label's stroke stands within the anti-aliasing margin, which would bring it back.
func peelStroke(ink func(x, y int) bool, x0, x1, y0, y1, w, h int, sharp bool) (end, margin int) {
	reach := max(2, (y1-y0)/4)
	// A stem is narrow where it leaves the line; under blur the label's characters run
	// together into a wide blob there, whose edge the cut already follows.
	thin := func(x, y int) bool {
		a, b := x, x
		for a > 0 && ink(a-1, y) {
			a--
		}
		for b < w-1 && ink(b+1, y) {
			b++
		}
		return b-a < reach
	}
	// A stem runs through the line. The hook of a J in a serif font, bent back under the
	// letter before it (…AJ使用性质), lies below the line only: taken for a stem, it had the
	// J cut off with the label.
	through := func(x int) bool {
		n := 0
		for y := y0; y < y1; y++ {
			if ink(x, y) {
				n++
			}
		}
		return n >= reach
	}
	outside := func(x int) bool {
		if !through(x) {
			return false
		}
		n, narrow := 0, true
		for y := y0 - 2; y >= max(0, y0-reach); y-- {
			if sharp && !ink(x, y+1) {
				// Sharp, above the line only a stroke that comes down into it counts:
				// the label's strokes that hang back over the value's last character
				// stand apart from it (the 丿 of 亻). Under blur they run together.
				break
			}
			if ink(x, y) {
				n++
				narrow = narrow && thin(x, y)
			}
		}
		for y := y1 + 1; y < min(h, y1+reach); y++ {
			if ink(x, y) {
				n++
				narrow = narrow && thin(x, y)
			}
		}
		return n >= 2 && narrow
	}
	end, margin = x1, aa
	for x := x1 - 1; x >= max(x0, x1-(y1-y0)/2); x-- {
		if outside(x) {
			end = x
		}
	}
	for x := end; x < end+aa; x++ {
		if outside(x) {
			margin = 0
		}
	}
	return end, margin
}

// trimLeadingLabel moves the left end x0 of a one-line value right past the end of the label
// before it (号 of 品牌型号), printed against the value in a font wider than the layout allows
// for, so that neither a gap nor the search box parts them. The label's Chinese row is smaller
// than the value and stands on its English row, which the line's band leaves out: its columns
// stop well above the line's foot. The value begins at the first column that reaches the foot;
// what lies before it is the label's if it is a character's width and most of the line's
// height (not the top stroke of 吉 or 一 of 一汽), or if the search box's edge cut it (刂 of
// 型), or, before a Latin value, if blank columns part it from the value: a Latin value's
// letters all stand on the foot, and a piece high on the line is the foot of the label's last
// character (号 of 车辆识别代号, read as an L before LBV…) while the bar of a T is joined to
// its stem: the cut is at the last blank column before the value. Otherwise it is at the
// column of least ink just before the value's first foot.
func trimLeadingLabel(cols []int, minCol, x0, lineH int, latin bool, extent func(x int) (top, foot int)) int {
	end := min(len(cols), x0+3*lineH)
	footAt := lineH * 4 / 5
	if latin {
		// Capitals and digits all stand on one foot, which a label only a little smaller
		// than the value may stop just short of (码 of 发动机号码 four fifths down the line,
		// against EXW…). The foot is where three quarters of the value's columns past the
		// head end, and a column reaches it within a tenth of the line: the line's band may
		// run lower (blur, a dotted line under it, the tail of a J), and a round letter's
		// first columns (C) stop a little short of it.
		var feet []int
		for x := x0 + lineH; x < len(cols); x++ {
			if cols[x] >= minCol {
				_, f := extent(x)
				feet = append(feet, f)
			}
		}
		if len(feet) == 0 {
			return x0
		}
		slices.Sort(feet)
		footAt = feet[len(feet)*3/4] - lineH/10
	} else if cut, ok := smallLabel(cols, minCol, x0, end, lineH, footAt, extent); ok {
		return cut
	}
	top, foot, first := lineH, -1, -1
	for x := x0; x < end; x++ {
		if cols[x] < minCol {
			continue
		}
		t, f := extent(x)
		if f >= footAt {
			first = x
			break
		}
		top, foot = min(top, t), max(foot, f)
	}
	if first < 0 || foot < 0 || first-x0 < lineH/4 {
		return x0
	}
	if foot-top < lineH*3/5 && x0 > 0 {
		if latin {
			// All of it goes, up to the blank column before the value, whatever blank
			// columns it has of its own (between 石 and 马 of 码).
			for x := first - 1; x > x0; x-- {
				if cols[x] < minCol {
					return x
				}
			}
		}
		return x0
	}
	cut := first
	for x := first - 1; x >= max(x0, first-lineH/3); x-- {
		if cols[x] <= cols[cut] {
			cut = x
		}
	}
	return cut
}

// smallLabel finds the label's last character standing whole before a Chinese value, blank
// columns between: a piece of ink (gaps inside it no wider than a sixth of the line) a
// character wide, followed by ink that reaches the foot, and in the label's smaller print:
// between half and three quarters of the line tall (型 of 车辆类型 four fifths down the line,
// whose foot trimLeadingLabel would take for the value's), or a quarter of it at least and
// standing high, above the line's middle (人 of 所有人). A value's first character that does
// not reach the foot is a stroke (一), narrow (氵 of 浙), or starts lower on the line (the dot
// of 小). The cut is in the middle of the gap.
func smallLabel(cols []int, minCol, x0, end, lineH, footAt int, extent func(x int) (top, foot int)) (int, bool) {
	a := x0
	for a < end && cols[a] < minCol {
		a++
	}
	top, foot, e := lineH, -1, a
	for x := a; x < end; x++ {
		if cols[x] < minCol {
			continue
		}
		if x-e > lineH/6 {
			break
		}
		t, f := extent(x)
		top, foot, e = min(top, t), max(foot, f), x+1
	}
	b := e
	for b < end && cols[b] < minCol {
		b++
	}
	height := foot - top + 1
	smaller := height*2 >= lineH && height*4 <= lineH*3
	high := top <= lineH/8 && foot*2 <= lineH && height*4 >= lineH
	if b-e < 2 || (e-a)*3 < lineH*2 || !smaller && !high {
		return x0, false
	}
	for x := b; x < min(end, b+lineH); x++ {
		if _, f := extent(x); cols[x] >= minCol && f >= footAt {
			return (e + b) / 2, true
		}
	}
	return x0, false
}

// inkFoot returns the row after the last row of a–b with ink in columns x0–x1, or b if none.
func inkFoot(ink func(x, y int) bool, x0, x1, a, b int) int {
	for y := b - 1; y >= a; y-- {
		for x := x0; x < x1; x++ {
			if ink(x, y) {
				return y + 1
			}
		}
	}
	return b
}

// paper returns a copy of g with the pixels marked in mask made paper (th, the ink threshold,
// is the darkest value that is not ink).
func paper(g *image.Gray, mask []bool, th uint8) *image.Gray {
	out := image.NewGray(g.Rect)
	w, p := g.Rect.Dx(), max(th, percentile(g, 0.9))
	for y := 0; y < g.Rect.Dy(); y++ {
		copy(out.Pix[y*out.Stride:y*out.Stride+w], g.Pix[y*g.Stride:])
	}
	for i, m := range mask {
		if m {
			out.Pix[(i/w)*out.Stride+i%w] = p
		}
	}
	return out
}

// englishRow marks the label's English row among the pieces of ink (4-connected, traced within
// r) that reach into columns x0–x1: those that begin in the lower half of the value's line
// y0–foot and end below its foot, as the small Latin letters printed under a label do (Type of
// Vehicle Type, acter of Use Character) while none of the value's strokes does. In a font wider
// than the layout allows for, that row reaches under the value's first character: its letters
// reach the line's foot, and trimLeadingLabel would take the label for the value. foot is read
// from the value's columns a character's width into its box, clear of the label. It returns
// nil when there is no such piece. With under, pieces wholly below the foot are the row's too
// (the letters of a row printed lower, under a Chinese value), and so is a row printed within
// the value's line (see standingRow), which standing reports. Not under a Latin value: its
// foot, the capitals', lies above the tail of a J or Q, which finding such pieces would have
// the crop cut off with the row.
func englishRow(ink func(x, y int) bool, r image.Rectangle, x0, x1, y0, foot int, under bool) (english []bool, standing bool) {
	w, h := r.Dx(), r.Dy()
	seen := make([]bool, w*h)
	below := foot + max(2, (foot-y0)/16)
	var stack, piece []int
	var letters []letterBox // small pieces low on the line: the row's letters, if it is printed within the line
	for x := x0; x < x1; x++ {
		for y := y0; y < h; y++ {
			if seen[y*w+x] || !ink(x, y) {
				continue
			}
			piece = piece[:0]
			stack = append(stack[:0], y*w+x)
			seen[y*w+x] = true
			top, bottom, left, right := y, y, x, x
			for len(stack) > 0 {
				i := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				piece = append(piece, i)
				px, py := i%w, i/w
				top, bottom = min(top, py), max(bottom, py)
				left, right = min(left, px), max(right, px)
				for _, n := range [4][2]int{{px - 1, py}, {px + 1, py}, {px, py - 1}, {px, py + 1}} {
					if n[0] < 0 || n[0] >= w || n[1] < 0 || n[1] >= h || seen[n[1]*w+n[0]] || !ink(n[0], n[1]) {
						continue
					}
					seen[n[1]*w+n[0]] = true
					stack = append(stack, n[1]*w+n[0])
				}
			}
			if top >= foot && under || top*2 >= y0+foot && top < foot && bottom >= below {
				if english == nil {
					english = make([]bool, w*h)
				}
				for _, i := range piece {
					english[i] = true
				}
			} else if b := (letterBox{left, right, top, bottom, nil}); under && lowLetter(b, y0, foot) {
				b.piece = slices.Clone(piece)
				letters = append(letters, b)
			}
		}
	}
	if row := standingRow(ink, letters, w, y0, foot); row != nil {
		if english == nil {
			english = make([]bool, w*h)
		}
		for _, i := range row {
			english[i] = true
		}
		standing = true
	}
	return english, standing
}

// lowLetter reports whether the piece of ink boxed by b could be a small letter of a label's
// English row printed as low as the value's line y0–foot: it begins in the line's lower half
// and is at most half the line's height tall and wide.
func lowLetter(b letterBox, y0, foot int) bool {
	lineH := foot - y0
	return b.top*2 >= y0+foot && (b.bottom-b.top+1)*2 <= lineH && (b.right-b.left+1)*2 <= lineH
}

// standingRow returns the pixels of the label's English row printed within the value's line
// (Use Character in a font whose letters reach down to the value's foot or nearly): small
// pieces in a row (lowLetter), a letter's gap apart at most, three letters or more of them
// two thirds of a line long, with blank paper a sixth of the line high above all of them,
// under the label's Chinese row, and no other ink beside them on the foot (see alone). A
// value's character that has small pieces low on the line has them close under its other
// strokes (灬 of 熊), and a lone low piece (口 of 营) makes no row. It returns nil when there
// is no such row.
func standingRow(ink func(x, y int) bool, boxes []letterBox, w, y0, foot int) []int {
	lineH := foot - y0
	slices.SortFunc(boxes, func(a, b letterBox) int { return a.left - b.left })
	var row []int
	for a := 0; a < len(boxes); {
		b, right, top := a+1, boxes[a].right, boxes[a].top
		for b < len(boxes) && boxes[b].left-right <= lineH/3 {
			right, top = max(right, boxes[b].right), min(top, boxes[b].top)
			b++
		}
		run := boxes[a:b]
		a = b
		// Letters, not specks or the frayed pieces of one stroke.
		n := 0
		for _, c := range run {
			if len(c.piece)*2 >= lineH {
				n++
			}
		}
		clear := true
		for _, c := range run {
			// A speck (the frayed end of a thin stroke) says nothing of what is above it.
			clear = clear && (len(c.piece) < 4 || blankRows(ink, c.left, c.right+1, top-lineH/6, top))
		}
		if n >= 3 && (right-run[0].left)*3 >= lineH*2 && clear && alone(ink, run, w, foot-lineH/4, foot) {
			for _, c := range run {
				row = append(row, c.piece...)
			}
		}
	}
	return row
}

// letterBox is a piece of ink and its box.
type letterBox struct {
	left, right, top, bottom int
	piece                    []int
}

// alone reports whether the letters of run (specks aside) have no other ink beside them in rows
// a–b, the foot of the line: a row whose last letters run under the value's first character
// (its legs on the foot among them) is not cut from it, or the cut would take the character's
// strokes with the row.
func alone(ink func(x, y int) bool, run []letterBox, w, a, b int) bool {
	mine := map[int]bool{}
	left, right := w, -1
	for _, c := range run {
		for _, i := range c.piece {
			mine[i] = true
		}
		if len(c.piece) >= 4 {
			left, right = min(left, c.left), max(right, c.right)
		}
	}
	for y := max(a, 0); y < b; y++ {
		for x := left; x <= min(right+1, w-1); x++ {
			if ink(x, y) && !mine[y*w+x] {
				return false
			}
		}
	}
	return true
}

// blankRows reports whether rows a–b of columns x0–x1 hold no ink (rows above the crop count
// as ink: nothing is known of them).
func blankRows(ink func(x, y int) bool, x0, x1, a, b int) bool {
	if a < 0 {
		return false
	}
	for y := a; y < b; y++ {
		for x := x0; x < x1; x++ {
			if ink(x, y) {
				return false
			}
		}
	}
	return true
}

// colExtent returns the first and last rows of the band y0–y1 with ink in column x, relative to
// y0; top > foot when there is none.
func colExtent(ink func(x, y int) bool, x, y0, y1 int) (top, foot int) {
	top, foot = y1-y0, -1
	for y := y0; y < y1; y++ {
		if ink(x, y) {
			top, foot = min(top, y-y0), y-y0
		}
	}
	return top, foot
}

// onLine reports whether the ink of columns k keeps to the text line y0–y1 (of a crop of
// height ch), as a value's characters do: the line's band was cut where its ink ends. The next
// field's label, which a word gap can bring into the crop at the line's end, is printed in two
// rows (Chinese over English) at its own height, so its ink runs on past the band's top or
// foot.
func onLine(ink func(x, y int) bool, k span, y0, y1, ch int) bool {
	return clearBelow(ink, k, y0, y1, ch) && clearAbove(ink, k, y0, y1, ch)
}

// crossesTop reports whether column x holds a stroke that runs from above the line y0–y1 down
// into it without a break: a label's stroke come down beside the value, not one of its strokes
// that only hang over the value's last character, with blank rows between.
func crossesTop(ink func(x, y int) bool, x, y0, y1 int) bool {
	for y := max(0, y0-1); y < y0+max(2, (y1-y0)/4); y++ {
		if !ink(x, y) {
			return false
		}
	}
	return true
}

// clearAbove is the half of onLine that looks above the line: the next label's Chinese row
// rises past the band's top, its English row lies below the foot.
func clearAbove(ink func(x, y int) bool, k span, y0, y1, ch int) bool {
	reach := max(2, (y1-y0)/4)
	return inkRows(ink, k, y0-reach, y0, ch)*2 <= reach
}

// clearBelow is the half of onLine that looks below the line.
func clearBelow(ink func(x, y int) bool, k span, y0, y1, ch int) bool {
	reach := max(2, (y1-y0)/4)
	return inkRows(ink, k, y1, y1+reach, ch)*2 <= reach
}

// inkRows counts the rows a–b (of a crop of height ch) that hold ink in columns k.
func inkRows(ink func(x, y int) bool, k span, a, b, ch int) int {
	// A row counts when it holds a stroke's worth of ink, not a speck of sensor noise.
	minInk := max(2, (k.b-k.a)/12)
	n := 0
	for y := max(0, a); y < min(ch, b); y++ {
		m := 0
		for x := k.a; x < k.b; x++ {
			if ink(x, y) {
				m++
			}
		}
		if m >= minInk {
			n++
		}
	}
	return n
}

// inkShare is the share of a value's search box that its ink surely covers. A value of one or
// two characters (汉 in the ethnicity box, 男) covers about 1 % of it: a higher share would
// take the guilloche's level for the ink's, and the guilloche would count as ink. So may an
// owner of two characters in the row the longest company names fill.
func inkShare(key string) float64 {
	switch key {
	case "sex", "ethnicity", "nationality", "owner":
		return 0.005
	}
	return inkShareText
}

// inkShareText is the share of its box that a line of text surely covers.
const inkShareText = 0.02

// denseHeight is the height of a line's text without the thin ink above and below it: from the
// first to the last of its rows with at least an eighth of the ink of its fullest row.
func denseHeight(rows []int) int {
	most := slices.Max(rows)
	dense := func(n int) bool { return n*8 >= most }
	a := slices.IndexFunc(rows, dense)
	b := len(rows)
	for !dense(rows[b-1]) {
		b--
	}
	return b - a
}

// runs returns the runs of indices whose count is at least minCount, merging runs separated by
// fewer than gap indices.
func runs(counts []int, minCount, gap int) []span {
	var out []span
	start, last := -1, -1
	for i, n := range counts {
		if n < minCount {
			continue
		}
		if start >= 0 && i-last <= gap {
			last = i
			continue
		}
		if start >= 0 {
			out = append(out, span{start, last + 1})
		}
		start, last = i, i
	}
	if start >= 0 {
		out = append(out, span{start, last + 1})
	}
	return out
}

// tallerPart returns the taller of the two lines that the line l of row ink counts rows holds
// (see valley): the title's English line printed so close above an ID number that a descender
// (the p of People's) bridges the gap. The number is printed larger than the English around it.
// ok is false when l has no valley; dropped spans the other line and the valley.
func tallerPart(rows []int, l span) (kept, dropped span, ok bool) {
	above, below, ok := valley(rows, l)
	switch {
	case !ok:
		return l, span{}, false
	case above.b-above.a > below.b-below.a:
		return above, span{above.b, l.b}, true
	default:
		return below, span{l.a, below.a}, true
	}
}

// valley returns the two lines that the line l of row ink counts rows holds when a valley of
// rows with next to no ink parts them, each at least a quarter of l high: two lines set so close
// that a descender or a dot bridges the gap between them. A line of text leaves no such valley
// inside itself. ok is false when l has none.
func valley(rows []int, l span) (above, below span, ok bool) {
	peak := 0
	for _, n := range rows[l.a:l.b] {
		peak = max(peak, n)
	}
	h := l.b - l.a
	for y := l.a + h/4; y < l.b-h/4; y++ {
		if rows[y]*20 > peak {
			continue
		}
		above, below := span{l.a, y}, span{y + 1, l.b}
		for above.b > above.a && rows[above.b-1]*20 <= peak {
			above.b--
		}
		for below.a < below.b && rows[below.a]*20 <= peak {
			below.a++
		}
		if above.b-above.a < h/4 || below.b-below.a < h/4 {
			continue
		}
		return above, below, true
	}
	return l, span{}, false
}

// tallest keeps the n tallest spans, in their original order.
func tallest(s []span, n int) []span {
	out := append([]span(nil), s...)
	for len(out) > n {
		lo := 0
		for i, x := range out {
			if x.b-x.a < out[lo].b-out[lo].a {
				lo = i
			}
		}
		out = append(out[:lo], out[lo+1:]...)
	}
	return out
}

// stretch copies g onto a white page with a border, mapping the ink to black and everything
// lighter than the ink threshold (paper, guilloche, faint colour) to white: Tesseract does best
// on dark text on a clean light background, and the border keeps glyphs off the edge. wide
// says how far the soft edge above the threshold runs (see below).
func stretch(g *image.Gray, th uint8, border int, wide bool) *image.Gray {
	lo := percentile(g, 0.01)
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w+2*border, h+2*border))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	// Soft edge above the threshold keeps anti-aliasing, which the LSTM models expect, and
	// thin strokes that are paler than the threshold: a blurred photo's (the horizontals of 2
	// and 年, the dashes of a date), and in any photo the joins that make one character of
	// two parts (the 巾 of 幢, read apart as 1 or 由). The wide edge ends half way to the
	// paper, whose grain and guilloche still map to white; the narrow one a quarter of the way
	// to white, or half way to a dark photo's paper.
	bg := int(percentile(g, 0.9))
	hi := (int(th) + bg) / 2
	if !wide {
		hi = min(hi, int(th)+(255-int(th))/4)
	}
	span := max(1, hi-int(lo))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := int(g.Pix[g.PixOffset(g.Rect.Min.X+x, g.Rect.Min.Y+y)])
			s := (v - int(lo)) * 255 / span
			out.Pix[(y+border)*out.Stride+x+border] = uint8(min(255, max(0, s)))
		}
	}
	return out
}

// splitLabel separates a printed label from a value that follows it too closely to form its
// own cluster (licence offices print values a few mm off the label line). When ink starts left
// of the nominal value box, the widest blank gap in the window around the box's left edge is
// taken as the label's end, provided it is clearly wider than the gaps between characters —
// unless the ink before that gap stands as tall as the value while the ink before a gap
// left of it, in the window, is in the label's smaller print (a quarter line wide or more, two
// thirds of its height or less: the 石 of a 码 nearly the value's size is not, nor a speck)
// and the ink after it as tall as the value: the label's last character nearly touching the
// value's first, the wider gap between the value's characters (准驾车型A1: the A a thin
// column off 型, A1 spaced wide).
func splitLabel(cols []int, minCol, x0, x1, nomX0, window, lineH int, extent func(x int) (top, foot int)) int {
	if x0 >= nomX0-window/4 {
		return x0
	}
	var gaps []span // blank columns
	for x := x0; x < x1; {
		if cols[x] >= minCol {
			x++
			continue
		}
		start := x
		for x < x1 && cols[x] < minCol {
			x++
		}
		gaps = append(gaps, span{start, x})
	}
	inWindow := func(g span) bool {
		mid := (g.a + g.b) / 2
		return mid >= nomX0-window && mid <= nomX0+window/2
	}
	// piece is the ink between the gaps i-1 and i (x0 and x1 at the ends); height, its height.
	piece := func(i int) span {
		a, b := x0, x1
		if i > 0 {
			a = gaps[i-1].b
		}
		if i < len(gaps) {
			b = gaps[i].a
		}
		return span{a, b}
	}
	height := func(i int) int {
		k, top, foot := piece(i), lineH, -1
		for x := k.a; x < k.b; x++ {
			t, f := extent(x)
			top, foot = min(top, t), max(foot, f)
		}
		return foot - top + 1
	}
	tall := func(i int) bool { return height(i)*10 >= lineH*9 }
	best := -1
	for i, g := range gaps {
		if inWindow(g) && (best < 0 || g.b-g.a > gaps[best].b-gaps[best].a) {
			best = i
		}
	}
	if best < 0 {
		return x0
	}
	if tall(best) {
		for i := best - 1; i >= 0 && inWindow(gaps[i]); i-- {
			// A character's part at least (石 of 码), not a speck.
			wide := (piece(i).b-piece(i).a)*4 >= lineH
			if wide && height(i)*3 <= lineH*2 && tall(i+1) {
				return gaps[i].b
			}
		}
	}
	bestW := gaps[best].b - gaps[best].a
	if bestW < lineH/4 {
		return x0
	}
	for _, g := range gaps {
		if g.b-g.a > bestW {
			return x0 // a wider gap elsewhere: the one found is between characters
		}
	}
	return gaps[best].b
}

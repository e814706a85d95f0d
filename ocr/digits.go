package ocr

import (
	"context"
	"image"
	"slices"
	"strings"
	"unicode"
)

// House and building numbers in addresses (1175号, 28幢603室) are where the Chinese reads fail
// most: the glyph recogniser knows digits only as part of its 8 105 characters and may merge
// two into one ideograph, and chi_sim with its Chinese context doubles or drops digits. Tesseract's
// eng model with a digit whitelist reads them well (CARDS.md §4), so each run of digits the
// arbitration found is cut out and read again that way.

// digitRun is a stretch [a, b) of a line's arbitrated characters that holds a number.
type digitRun struct{ a, b int }

// digitRuns finds the numbers of one arbitrated line: runs of characters either recogniser read
// as a digit, or Latin and narrow enough to be one.
func digitRuns(line []arbChar) []digitRun {
	// The line's height from the glyph recogniser's cells: a box only Tesseract drew may
	// span the line twice over (a 1 boxed from the line above to below), and would make
	// every ideograph look as short as a digit.
	h := 0
	for _, c := range line {
		if c.verdict != tessOnly && c.verdict != tessLetter {
			h = max(h, c.box.Dy())
		}
	}
	digitish := func(c arbChar) bool {
		if c.verdict == tessOnly {
			return false
		}
		// A character Tesseract read as a digit counts only when narrow: a wide one is an
		// ideograph (号 read as 5) more often than two digits taken for one.
		narrow := c.box.Dx()*10 < h*7
		// A cell the glyph recogniser cannot place at all and no taller than a digit is
		// digits it took for one ideograph (19 as 四, a 1 and the gap after it as 鹤):
		// digits stand about a fifth shorter than the ideographs around them.
		merged := c.verdict == glyphUnsure && c.glyph < unsureKeep && c.box.Dy()*10 < h*9
		return unicode.IsDigit(c.r) || merged || narrow && (unicode.IsDigit(c.tess) || c.r < unicode.MaxASCII && c.verdict != agreed)
	}
	var out []digitRun
	for i := 0; i < len(line); {
		if !digitish(line[i]) {
			i++
			continue
		}
		j := i
		real := 0
		for j < len(line) && digitish(line[j]) {
			if unicode.IsDigit(line[j].r) {
				real++
			}
			j++
		}
		if real > 0 {
			out = append(out, digitRun{i, j})
		}
		i = j
	}
	return out
}

// rereadDigits reads every number of an arbitrated line again with eng and a digit whitelist,
// from line image img, and splices the result in. A number both read alike keeps the better of
// the two confidences. Where they differ, a digit both earlier recognisers agreed on stands
// (when the count of digits is the same); otherwise the digit read, which counts digits more
// reliably, is taken but stays doubtful (doubtConf), so that the field cannot look settled.
func (d *dual) rereadDigits(ctx context.Context, img *image.Gray, line []arbChar) ([]arbChar, error) {
	// Characters only Tesseract saw are left out of the text (see dual.recognize); here they
	// would split numbers and stand in for the ideographs around them.
	var loose []int // centres of the digits only Tesseract saw
	for _, c := range line {
		if c.verdict == tessOnly && unicode.IsDigit(c.r) {
			loose = append(loose, (c.box.Min.X+c.box.Max.X)/2)
		}
	}
	line = slices.DeleteFunc(slices.Clone(line), func(c arbChar) bool { return c.verdict == tessOnly })
	runs := digitRuns(line)
	if len(runs) == 0 {
		return line, nil
	}
	var out []arbChar
	last := 0
	for _, r := range runs {
		out = append(out, line[last:r.a]...)
		last = r.b
		chars := line[r.a:r.b]
		// Between the characters either side of the number, where a digit only Tesseract saw
		// may belong to it.
		lo, hi := chars[0].box.Min.X, chars[len(chars)-1].box.Max.X
		if r.a > 0 {
			lo = line[r.a-1].box.Max.X
		}
		if r.b < len(line) {
			hi = line[r.b].box.Min.X
		}
		missed := slices.ContainsFunc(loose, func(x int) bool { return x >= lo && x < hi })
		if !missed && !slices.ContainsFunc(chars, func(c arbChar) bool { return c.verdict != agreed }) {
			// Both recognisers read every digit alike: a third read would add time, not
			// evidence worth having. Unless Tesseract saw one more digit beside them that the
			// glyph recogniser ran into the word before (幢1 read 咖, then 603 for 1603).
			out = append(out, chars...)
			continue
		}
		box := chars[0].box
		for _, c := range chars[1:] {
			box = box.Union(c.box)
		}
		// Out to the characters on either side, whose boxes are reliable where the digits'
		// are not (a symbol box from chi_sim may cover half a digit), and the full height of
		// the line: digit boxes are shorter than the ideographs around them.
		x0, x1 := box.Min.X-box.Dy()/3, box.Max.X+box.Dy()/3
		if r.a > 0 && line[r.a-1].r != '\n' {
			x0 = after(img, line[r.a-1].box)
		}
		if r.b < len(line) && line[r.b].r != '\n' {
			x1 = before(img, line[r.b].box)
		}
		box = image.Rect(x0, img.Rect.Min.Y, x1, img.Rect.Max.Y).Intersect(img.Rect)
		if r.b < len(line) && strings.ContainsRune(parted, line[r.b].r) {
			if x := beforeDeepPiece(img, box); x < box.Max.X {
				box.Max.X = x
				if line[r.b].r == '童' {
					// 幢 read apart, its 巾 now left out of the number (see splitBuilding).
					line[r.b].r, line[r.b].conf = '幢', min(line[r.b].conf, doubtConf)
				}
			}
		}
		if box.Dx() < 4 {
			out = append(out, chars...)
			continue
		}
		sub := double(onWhite(img.SubImage(box).(*image.Gray), max(8, box.Dy()/3)))
		rd, err := d.tess.recognize(ctx, sub, latin(wlDigits))
		if err != nil {
			return nil, err
		}
		got := strings.TrimSpace(rd.Text)
		if got == "" || strings.ContainsAny(got, "\n ") || len(got) != len(rd.Conf) {
			out = append(out, chars...)
			continue
		}
		out = append(out, splice(chars, got, rd.Conf, box)...)
	}
	return append(out, line[last:]...), nil
}

// splice returns the characters of a number read again as digits (got, one confidence each,
// all in box) in place of chars, the number as arbitration read it. chars may hold ideographs
// where digits ran together (四 for 19), so they are counted in characters, not bytes.
func splice(chars []arbChar, got string, conf []float64, box image.Rectangle) []arbChar {
	was := ""
	for _, c := range chars {
		was += string(c.r)
	}
	out := make([]arbChar, 0, len(got))
	// got is whitelisted digits: byte k is digit k.
	for k, g := range got {
		c := arbChar{r: g, verdict: disputed, tess: g, box: box, conf: min(conf[k], doubtConf)}
		switch {
		case got == was:
			c.verdict, c.conf, c.glyph = chars[k].verdict, max(chars[k].conf, conf[k]), chars[k].glyph
		case len(got) == len(chars) && chars[k].verdict == agreed:
			// The glyph recogniser and chi_sim read this digit alike: two reads against
			// one, and the digit read does not know the count is right either.
			c = chars[k]
		}
		out = append(out, c)
	}
	return out
}

// onWhite copies g onto a white page with a border, as stretch does for whole regions: the
// crop is already clean, so only the margin is added.
func onWhite(g *image.Gray, border int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w+2*border, h+2*border))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	for y := 0; y < h; y++ {
		src := g.Pix[g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y+y):]
		copy(out.Pix[(y+border)*out.Stride+border:], src[:w])
	}
	return out
}

// double scales g up twice in each direction. At the region's 30–40 px, the LSTM model
// sometimes merges two narrow neighbours (11 read as 1); twice that height it separates them.
func double(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, 2*w, 2*h))
	for y := 0; y < 2*h; y++ {
		src := g.Pix[g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y+y/2):]
		row := out.Pix[y*out.Stride:]
		for x := 0; x < 2*w; x++ {
			row[x] = src[x/2]
		}
	}
	return out
}

// parted are the unit words after a number whose left part stands apart from the rest (巾 of
// 幢, 木 of 栋 and 楼), and 童, the rest of 幢 read alone: Tesseract's box of the word may hold
// the rest alone, and the number's box take in the left part (see beforeDeepPiece). Under
// blur the last digit of a number before 室 runs into the word and stands as deep: it stays.
const parted = "幢栋楼童"

// beforeDeepPiece returns where the number in box ends when a piece of its ink, parted from
// the rest by blank columns, reaches deeper than those before it by a twelfth of their height
// and is taller by an eighth: the left part of the ideograph after the number (a sliver of
// the rest of it may follow), which digits never are. Digits stand on the baseline, as tall
// as each other; an ideograph is taller and reaches below the baseline, and the 巾 of 幢 (4幢,
// 39幢), apart from its 童, is boxed with the number where Tesseract's box of 幢 holds the 童
// alone; the digit read then takes the 巾 for one more digit (40幢, 391幢). Else it returns
// box's end.
func beforeDeepPiece(g *image.Gray, box image.Rectangle) int {
	ink := func(x, y int) bool { return g.Pix[g.PixOffset(x, y)] < 128 }
	type piece struct{ x0, top, foot int }
	var ps []piece
	in := false
	for x := box.Min.X; x < box.Max.X; x++ {
		top, foot := colExtent(ink, x, box.Min.Y, box.Max.Y)
		switch {
		case top > foot:
			in = false
		case !in:
			ps = append(ps, piece{x, top, foot})
			in = true
		default:
			p := &ps[len(ps)-1]
			p.top, p.foot = min(p.top, top), max(p.foot, foot)
		}
	}
	// The pieces before piece i: their median foot and greatest height.
	var feet []int
	h := 0
	for i := 1; i < len(ps); i++ {
		feet = append(feet, ps[i-1].foot)
		slices.Sort(feet)
		h = max(h, ps[i-1].foot-ps[i-1].top+1)
		if p := ps[i]; (p.foot-feet[len(feet)/2])*12 >= h && (p.foot-p.top+1-h)*8 >= h {
			return p.x0
		}
	}
	return box.Max.X
}

// blankCol returns the first column from x towards stop (step +1 or -1) without ink, or stop.
func blankCol(g *image.Gray, x, stop, step int) int {
	for ; x != stop && x >= g.Rect.Min.X && x < g.Rect.Max.X; x += step {
		blank := true
		for y := g.Rect.Min.Y; y < g.Rect.Max.Y && blank; y++ {
			blank = g.Pix[g.PixOffset(x, y)] >= 128
		}
		if blank {
			return x
		}
	}
	return stop
}

// after is the first column after the ideograph in box b. A box wider than it is tall has taken
// in the digit that follows it (路1): the ideograph then ends at the first blank column about
// its height past its start.
func after(g *image.Gray, b image.Rectangle) int {
	if b.Dx()*10 <= b.Dy()*11 {
		return b.Max.X
	}
	return blankCol(g, b.Min.X+b.Dy()*4/5, b.Max.X, 1)
}

// before is after for the ideograph that follows a number.
func before(g *image.Gray, b image.Rectangle) int {
	if b.Dx()*10 <= b.Dy()*11 {
		return b.Min.X
	}
	return blankCol(g, b.Max.X-b.Dy()*4/5, b.Min.X, -1) + 1
}

package ocr

import (
	"context"
	"image"
	"image/draw"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/otiai10/gosseract/v2"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/fields"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph"
)

// Confidences the arbitration gives, calibrated on the tuning fonts (noto, wqy) and checked on
// the held-out ones; see arbitrate_test.go for the measurement.
const (
	// agreeConf is the confidence of a character both recognisers read alike. They share no
	// model, features or training fonts, so they rarely make the same mistake; what they do
	// share is the image, so a character too damaged for either is not helped.
	agreeConf = 0.96
	// disputedConf bounds a character the two read differently when the glyph recogniser is
	// sure: it is right far more often than not, but a person should see it.
	disputedConf = 0.75
	// doubtConf bounds every other character: the glyph recogniser unsure and Tesseract
	// silent or of another opinion, or a character only Tesseract saw.
	doubtConf = 0.5
	// unsureKeep is the glyph confidence under which Tesseract's rune replaces the glyph
	// recogniser's in an unsure character.
	unsureKeep = 0.4
)

// verdict says how the arbitration decided one character.
type verdict int

const (
	agreed      verdict = iota // both read the same rune
	glyphSure                  // glyph confident, Tesseract saw nothing there
	disputed                   // glyph confident, Tesseract read another rune
	glyphUnsure                // glyph below its threshold, Tesseract silent or different
	tessOnly                   // Tesseract saw a character where glyph saw none
	// tessLetter is a letter or digit Tesseract alone read, surely, between two characters
	// the glyph recogniser read: two letters run together under blur (XX), which the glyph
	// recogniser took for one while Tesseract, which separates Latin better, read both.
	tessLetter
)

// arbChar is one character of an arbitrated line.
type arbChar struct {
	r       rune
	conf    float64
	verdict verdict
	glyph   float64 // the glyph recogniser's confidence, 0 for tessOnly
	glyphR  rune    // the glyph recogniser's reading of the place, 0 for tessOnly
	tess    rune    // Tesseract's reading of the same place, 0 if none
	box     image.Rectangle
	// tessBox is the box of the Tesseract letter that replaced an unsure glyph character, or
	// that agreed with it.
	tessBox image.Rectangle
}

// dual reads free Chinese text (names, addresses, authorities, vehicle descriptions) with the
// glyph recogniser, which knows all 8 105 characters of the 通用规范汉字表 and is calibrated,
// and with Tesseract's chi_sim, which is often confidently wrong on look-alikes but reads
// digits and Latin letters well. Every other region goes to Tesseract alone.
type dual struct {
	tess  *tesseract
	glyph *glyph.Recognizer
}

func (d *dual) recognize(ctx context.Context, img *image.Gray, req request) (fields.Reading, error) {
	if req.label != "" && d.glyph != nil {
		img = d.blankLabel(img, req.label)
	}
	if !req.glyph || d.glyph == nil {
		return d.tess.recognize(ctx, img, req)
	}
	chars, err := d.read(ctx, img, req)
	if err != nil {
		return fields.Reading{}, err
	}
	var b strings.Builder
	conf := make([]float64, 0, len(chars))
	for i, c := range chars {
		r := c.r
		switch {
		case req.digits && c.verdict == disputed && strayDigit(c, b.String(), chars[i+1:]):
			// A sure digit in the middle of an address's words: the middle stroke of a
			// blurred 山 cut from its sides (象山县 read 象1县), where Tesseract read the
			// character. Numbers in an address stand before a unit word.
			r, c.conf = c.tess, min(c.conf, doubtConf)
		case req.tessFirst && c.verdict == glyphUnsure && c.tess != 0:
			r = c.tess
		case c.verdict == tessOnly && !req.tessFirst:
			// Measured on the tuning fonts, these are nearly always specks, dotted value
			// lines or label strokes that the glyph recogniser rightly left out.
			continue
		case req.digits && c.verdict == glyphUnsure && unitAfterNumber(c.glyphR, c.r, b.String()):
			// After a house number comes the word of its unit: the glyph recogniser's unsure
			// 幢 stands against Tesseract's look-alike 峡, which no address has there.
			r = c.glyphR
		}
		if r == ']' && c.box.Dx()*15 >= c.box.Dy()*8 {
			// No value holds a bracket. Tesseract reads a J as one where the next label's 亻
			// touches its top (…AJ使用性质 read …A]), as wide as a letter; the 亻's stem
			// alone, after a 1 (…HE1]), is about half as wide as high or less, and goes
			// with the label's end.
			r, c.conf = 'J', min(c.conf, doubtConf)
		}
		if alike, changed := lookAlike(img, c.box, r); changed {
			r, c.conf = alike, min(c.conf, doubtConf)
		}
		if req.digits && r == '童' {
			if text, ok := splitBuilding(b.String()); ok {
				// 幢 read apart: its 巾 as the number's last digit, its 童 as a character.
				b.Reset()
				b.WriteString(text)
				conf = conf[:len(conf)-1]
				r, c.conf = '幢', min(c.conf, doubtConf)
			}
		}
		b.WriteRune(r)
		conf = append(conf, c.conf)
	}
	return fields.Reading{Text: b.String(), Conf: conf, Arbitrated: true}, nil
}

// splitBuilding returns the text read before a 童 without its last character when that is a
// digit after another: the 巾 of 幢 (building) read apart as a digit (11童 for 1幢, 110童 for
// 11幢). No address has 童 after a number; the digit before it is dropped only where the
// building's own number, of one digit at least, stands before it.
func splitBuilding(before string) (string, bool) {
	rs := []rune(before)
	n := len(rs)
	if n < 2 || !unicode.IsDigit(rs[n-1]) || !unicode.IsDigit(rs[n-2]) {
		return before, false
	}
	return string(rs[:n-1]), true
}

// strayDigit reports whether c, a digit the glyph recogniser read where Tesseract read a
// Chinese character, stands between two Chinese characters of an address, neither a digit nor
// the unit word that follows a number: the text read so far ends in such a character, and so
// do the characters after c begin (tessOnly ones, left out of the text, aside).
func strayDigit(c arbChar, before string, after []arbChar) bool {
	if c.glyphR < '0' || c.glyphR > '9' || !unicode.Is(unicode.Han, c.tess) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(before)
	k := slices.IndexFunc(after, func(a arbChar) bool { return a.verdict != tessOnly })
	if k < 0 {
		return false
	}
	next := after[k].r
	return unicode.Is(unicode.Han, last) && unicode.Is(unicode.Han, next) && !strings.ContainsRune(unitWords, next)
}

// unitWords are the words of an address's units that follow a number: building (幢 栋 座 楼),
// lane (弄), house (号), flat (室), entrance (单元), floor (层).
const unitWords = "幢栋座楼弄号室单层"

// unitAfterNumber reports whether the glyph recogniser's g, a unit word, should stand against
// Tesseract's t, which is none, after the text read so far: it ends in a digit.
func unitAfterNumber(g, t rune, before string) bool {
	last, _ := utf8.DecodeLastRuneInString(before)
	return g != t && strings.ContainsRune(unitWords, g) && !strings.ContainsRune(unitWords, t) && last >= '0' && last <= '9'
}

// blankLabel returns img with the end of the label blanked out when the glyph recogniser is sure
// that its first characters are the label's: every character up to the last such one, so the
// sliver of the character before (号 of 号码) goes too. A sure character of any other kind
// ends the search: the value has begun.
func (d *dual) blankLabel(img *image.Gray, label string) *image.Gray {
	x1 := img.Rect.Min.X
	// The label's end lies within the first two or three character widths: reading only
	// those keeps the cost at a few milliseconds per field.
	head := img.Rect
	head.Max.X = min(head.Max.X, head.Min.X+3*head.Dy())
	for _, c := range d.glyph.ReadLine(img.SubImage(head).(*image.Gray)).Chars {
		if c.Confidence < glyph.Threshold {
			continue
		}
		if !strings.ContainsRune(label, c.Rune) {
			break
		}
		x1 = c.Box.Max.X
	}
	if x1 == img.Rect.Min.X {
		return img
	}
	out := image.NewGray(img.Rect)
	draw.Draw(out, out.Rect, img, img.Rect.Min, draw.Src)
	blank := image.Rect(img.Rect.Min.X, img.Rect.Min.Y, x1+1, img.Rect.Max.Y)
	draw.Draw(out, blank, image.White, image.Point{}, draw.Src)
	return out
}

// read returns the arbitrated characters of img, lines separated by '\n' characters.
func (d *dual) read(ctx context.Context, img *image.Gray, req request) ([]arbChar, error) {
	syms, err := d.tess.symbols(ctx, img, req)
	if err != nil {
		return nil, err
	}
	lines := []span{{img.Rect.Min.Y, img.Rect.Max.Y}}
	if req.block {
		lines = textLines(img)
	}
	perLine := make([][]gosseract.BoundingBox, len(lines))
	for _, s := range syms {
		if strings.TrimSpace(s.Word) == "" {
			continue
		}
		cy := (s.Box.Min.Y + s.Box.Max.Y) / 2
		i := nearestLine(lines, cy)
		perLine[i] = append(perLine[i], s)
	}
	var out []arbChar
	for i, l := range lines {
		sub := img.SubImage(image.Rect(img.Rect.Min.X, l.a, img.Rect.Max.X, l.b)).(*image.Gray)
		line := arbitrate(d.glyph.ReadLine(sub).Chars, perLine[i])
		if req.digits {
			var err error
			if line, err = d.rereadDigits(ctx, sub, line); err != nil {
				return nil, err
			}
		}
		if len(line) == 0 {
			continue
		}
		if len(out) > 0 {
			out = append(out, arbChar{r: '\n', conf: 1, verdict: agreed})
		}
		out = append(out, line...)
	}
	return out, nil
}

// arbitrate merges one line read by both recognisers. Symbols both read alike are paired first,
// in order (see anchors). A symbol between two pairs goes to the glyph character between them
// in the same place of order when both recognisers saw as many there, else to the one whose
// box holds its centre; a symbol that fits none is kept as tessOnly, for measurement, and left
// out of the text by recognize.
func arbitrate(gs []glyph.Char, ts []gosseract.BoundingBox) []arbChar {
	matched := make([][]gosseract.BoundingBox, len(gs))
	var loose []gosseract.BoundingBox
	var looseAt []int               // each loose symbol's place in Tesseract's order
	replaced := map[int][]arbChar{} // glyph cells whose run Tesseract's reading replaced
	anc := anchors(gs, ts)
	paired := make([]bool, len(gs))
	anchorOf := make([]int, len(gs)) // the symbol paired with each character, or -1
	for i := range anchorOf {
		anchorOf[i] = -1
	}
	for j, i := range anc {
		if i >= 0 {
			paired[i], anchorOf[i] = true, j
		}
	}
	for j := 0; j < len(ts); {
		if i := anc[j]; i >= 0 {
			matched[i] = append(matched[i], ts[j])
			j++
			continue
		}
		// The run of unpaired symbols [j, k) and the glyph characters between the pairs
		// around it.
		k := j
		for k < len(ts) && anc[k] < 0 {
			k++
		}
		lo, hi := -1, len(gs)
		if j > 0 {
			lo = anc[j-1]
		}
		if k < len(ts) {
			hi = anc[k]
		}
		var unpaired []int
		for i := lo + 1; i < hi; i++ {
			if !paired[i] {
				unpaired = append(unpaired, i)
			}
		}
		if cs, ok := mergedRun(gs, unpaired, ts[j:k]); ok {
			// Tesseract's reading of the run replaces the glyph cells (see mergedRun).
			replaced[unpaired[0]] = cs
			for _, i := range unpaired[1:] {
				replaced[i] = nil
			}
			j = k
			continue
		}
		last := -1 // the last of unpaired that a symbol went to
		for n, t := range ts[j:k] {
			i := -1
			if len(unpaired) == k-j {
				i = unpaired[n]
			} else {
				cx := (t.Box.Min.X + t.Box.Max.X) / 2
				if f := slices.IndexFunc(unpaired, func(i int) bool { return cx >= gs[i].Box.Min.X && cx < gs[i].Box.Max.X }); f >= 0 {
					i, last = unpaired[f], f
				} else if collapsed(t) && last+1 < len(unpaired) {
					// A box collapsed to a sliver (淮 given one a pixel wide inside the 江
					// before it) tells nothing of where the symbol was read: it holds its
					// place in Tesseract's order only, at the next character.
					last++
					i = unpaired[last]
				}
			}
			if i < 0 {
				loose, looseAt = append(loose, t), append(looseAt, j+n)
				continue
			}
			matched[i] = append(matched[i], t)
		}
		j = k
	}
	var out []arbChar
	// A symbol within a character the glyph recogniser is sure of is a piece of it that
	// Tesseract read apart (W as VW), not a character of its own. Tesseract's boxes drift
	// from the ink: two thirds of the symbol within the character's box is enough (the V
	// of W read WV, its box four pixels left of the W's).
	withinSure := func(t gosseract.BoundingBox) bool {
		return slices.ContainsFunc(gs, func(g glyph.Char) bool {
			in := min(t.Box.Max.X, g.Box.Max.X+2) - max(t.Box.Min.X, g.Box.Min.X-2)
			return g.Confidence >= glyph.Threshold && 3*in >= 2*t.Box.Dx()
		})
	}
	// Two characters the glyph recogniser is sure of with no room for a third between them
	// leave none to a symbol Tesseract read there: its boxes there drift over the neighbours
	// (HE1 read HEFI1).
	room := func(i int) bool {
		a, b := gs[i-1], gs[i]
		sure := a.Confidence >= glyph.Threshold && b.Confidence >= glyph.Threshold
		return !sure || float64(b.Box.Min.X-a.Box.Max.X) >= 0.4*float64(max(a.Box.Dy(), b.Box.Dy()))
	}
	// A loose symbol comes before a character that lies right of its centre, or that the
	// glyph recogniser is unsure of and is paired with a symbol Tesseract read after it: where
	// it took two letters and a half for one (FH read as an unsure H and a 1), its cell is
	// not the letter's, and Tesseract's order is the letters'.
	emitLoose := func(before, beforeAt int, between bool) {
		for len(loose) > 0 && ((loose[0].Box.Min.X+loose[0].Box.Max.X)/2 < before || looseAt[0] < beforeAt) {
			out = append(out, looseChars(loose[0], between && !withinSure(loose[0]))...)
			loose, looseAt = loose[1:], looseAt[1:]
		}
	}
	for i, g := range gs {
		at := -1
		if g.Confidence < glyph.Threshold {
			at = anchorOf[i]
		}
		emitLoose(g.Box.Min.X, at, i > 0 && room(i))
		if cs, ok := replaced[i]; ok {
			out = append(out, cs...)
			continue
		}
		out = append(out, judge(g, matched[i])...)
	}
	emitLoose(int(^uint(0)>>1), 0, false)
	return trimStrays(pieceOfLetter(out))
}

// mergedRun reads a run of glyph cells between two paired characters as Tesseract's symbols
// there when the glyph recogniser cut the run into fewer cells than there are characters: under
// blur the gaps between Chinese characters close, and it cut 招宝山街 into three cells, unsure
// of each (拙川曲), where Tesseract read the four surely. Taken only when every cell is unsure,
// every symbol a Chinese character read surely, and the run as wide as that many characters at
// the line's pitch (the median step between the glyph recogniser's sure Chinese characters);
// each character takes its share of the run and stays doubtful.
func mergedRun(gs []glyph.Char, run []int, ts []gosseract.BoundingBox) ([]arbChar, bool) {
	if len(run) == 0 || len(ts) <= len(run) || run[len(run)-1]-run[0] != len(run)-1 {
		return nil, false
	}
	for _, i := range run {
		if gs[i].Confidence >= unsureKeep {
			return nil, false
		}
	}
	var rs []rune
	for _, t := range ts {
		w := []rune(strings.TrimSpace(t.Word))
		if len(w) != 1 || !unicode.Is(unicode.Han, w[0]) || t.Confidence < tessLetterConf {
			return nil, false
		}
		rs = append(rs, w[0])
	}
	var steps []float64
	for i := 1; i < len(gs); i++ {
		a, b := gs[i-1], gs[i]
		if a.Confidence >= glyph.Threshold && b.Confidence >= glyph.Threshold && unicode.Is(unicode.Han, a.Rune) && unicode.Is(unicode.Han, b.Rune) {
			steps = append(steps, float64(b.Box.Min.X-a.Box.Min.X))
		}
	}
	if len(steps) < minPitchSteps {
		return nil, false
	}
	slices.Sort(steps)
	pitch := steps[len(steps)/2]
	first, last := gs[run[0]].Box, gs[run[len(run)-1]].Box
	width := float64(last.Max.X - first.Min.X)
	// A run of n characters spans n-1 steps and one character's width.
	if n := (width-float64(first.Dy()))/pitch + 1; math.Abs(n-float64(len(rs))) > 0.5 {
		return nil, false
	}
	out := make([]arbChar, 0, len(rs))
	for k, r := range rs {
		b := first
		b.Max.Y = max(first.Max.Y, last.Max.Y)
		b.Min.X = first.Min.X + int(width)*k/len(rs)
		b.Max.X = first.Min.X + int(width)*(k+1)/len(rs)
		out = append(out, arbChar{r: r, conf: min(ts[k].Confidence/100, doubtConf), verdict: glyphUnsure, tess: r, box: b})
	}
	return out, true
}

// minPitchSteps is how many steps between sure Chinese characters a line needs for its pitch
// to be known.
const minPitchSteps = 3

// pieceOfLetter drops a letter or digit the glyph recogniser alone saw that lies within the box
// of a Tesseract letter taken beside it: the stem of a B that it read as 1, the rest as 3,
// sure or not, where Tesseract read the B alone or in place of an unsure character. The B may
// come after both pieces.
func pieceOfLetter(cs []arbChar) []arbChar {
	within := func(c arbChar, k int) bool {
		if k < 0 || k >= len(cs) {
			return false
		}
		t := cs[k].tessBox
		if cs[k].verdict == tessLetter {
			t = cs[k].box
		}
		return !t.Empty() && c.box.Min.X >= t.Min.X-2 && c.box.Max.X <= t.Max.X+2
	}
	alone := func(c arbChar) bool {
		return c.verdict == glyphSure || c.verdict == glyphUnsure && c.tess == 0
	}
	out := cs[:0:0]
	for i, c := range cs {
		if alone(c) && isLatinOrDigit(c.r) && (within(c, i-1) || within(c, i+1) || within(c, i+2)) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// collapsed reports whether Tesseract's box of symbol t is too narrow for the character it
// read: a Chinese character's, a quarter as wide as it is tall. (A Latin letter's or a digit's
// may be that narrow: 1, I, and drifted boxes of Y.)
func collapsed(t gosseract.BoundingBox) bool {
	w := []rune(strings.TrimSpace(t.Word))
	return len(w) == 1 && unicode.Is(unicode.Han, w[0]) && 4*t.Box.Dx() < t.Box.Dy()
}

// anchors pairs Tesseract's symbols with glyph characters that read alike, in order: the
// longest such sequence, each pair no further apart than a character and a half. It returns,
// for each symbol, the index of its glyph character or -1. Tesseract's symbol boxes on a line
// of Chinese and Latin drift by up to half a character from the ink, so placing every symbol
// by its box alone pairs it with its character's neighbour (宝马牌BMW read BBMW).
func anchors(gs []glyph.Char, ts []gosseract.BoundingBox) []int {
	n, m := len(gs), len(ts)
	h := 0
	for _, g := range gs {
		h = max(h, g.Box.Dy())
	}
	// offset is how far apart a pair's centres are, or -1 when the two cannot pair.
	offset := func(i, j int) int {
		w := []rune(strings.TrimSpace(ts[j].Word))
		d := abs(gs[i].Box.Min.X + gs[i].Box.Max.X - ts[j].Box.Min.X - ts[j].Box.Max.X)
		if len(w) != 1 || !sameChar(w[0], gs[i].Rune) || d > 3*h {
			return -1
		}
		return d
	}
	// best[i][j]: the most pairs among gs[i:] and ts[j:], and of those alignments the least
	// summed offset: of two alike symbols near one character (XX read as X), the one on it.
	type score struct{ pairs, offset int }
	better := func(a, b score) bool { return a.pairs > b.pairs || a.pairs == b.pairs && a.offset < b.offset }
	best := make([][]score, n+1)
	for i := range best {
		best[i] = make([]score, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			best[i][j] = best[i+1][j]
			if better(best[i][j+1], best[i][j]) {
				best[i][j] = best[i][j+1]
			}
			if d := offset(i, j); d >= 0 {
				if p := (score{best[i+1][j+1].pairs + 1, best[i+1][j+1].offset + d}); better(p, best[i][j]) {
					best[i][j] = p
				}
			}
		}
	}
	out := make([]int, m)
	for j := range out {
		out[j] = -1
	}
	for i, j := 0, 0; i < n && j < m; {
		d := offset(i, j)
		switch {
		case d >= 0 && best[i][j] == (score{best[i+1][j+1].pairs + 1, best[i+1][j+1].offset + d}):
			out[j] = i
			i, j = i+1, j+1
		case best[i][j] == best[i+1][j]:
			i++
		default:
			j++
		}
	}
	return out
}

// trimStrays drops characters at either end of a line that stand apart from the text by more
// than a character's height: the edge of the ID photo or of a seal, read as 1 or ·.
func trimStrays(cs []arbChar) []arbChar {
	var hs []float64
	for _, c := range cs {
		if c.verdict != tessOnly {
			hs = append(hs, float64(c.box.Dy()))
		}
	}
	if len(hs) < 3 {
		return cs
	}
	gap := median(hs) * 1.2
	kept := func(c arbChar) bool { return c.verdict != tessOnly }
	cs = trimLabelSliver(cs, kept)
	for {
		i := slices.IndexFunc(cs, kept)
		j := i + 1 + slices.IndexFunc(cs[i+1:], kept)
		if i < 0 || j <= i || float64(cs[j].box.Min.X-cs[i].box.Max.X) <= gap {
			break
		}
		cs = cs[j:]
	}
	for {
		j := len(cs) - 1 - slices.IndexFunc(reversed(cs), kept)
		if j < 1 {
			break
		}
		i := j - 1 - slices.IndexFunc(reversed(cs[:j]), kept)
		if i < 0 || i >= j || float64(cs[j].box.Min.X-cs[i].box.Max.X) <= gap {
			break
		}
		cs = cs[:i+1]
	}
	return cs
}

// trimLabelSliver drops a narrow first character set apart from the rest: the right half of the
// label's last character (止 of 住址), cut by the crop; the new first character is doubtful. A
// value's characters keep an even spacing, and the text lines read this way begin with a
// full-width character or a digit spaced like the rest.
func trimLabelSliver(cs []arbChar, kept func(arbChar) bool) []arbChar {
	var idx []int
	for i, c := range cs {
		if kept(c) {
			idx = append(idx, i)
		}
	}
	if len(idx) < 4 {
		return cs
	}
	var hs, gaps []float64
	for k, i := range idx {
		hs = append(hs, float64(cs[i].box.Dy()))
		if k >= 2 {
			gaps = append(gaps, float64(cs[i].box.Min.X-cs[idx[k-1]].box.Max.X))
		}
	}
	h, g := median(hs), median(gaps)
	first, next := cs[idx[0]], cs[idx[1]]
	gap := float64(next.box.Min.X - first.box.Max.X)
	if float64(first.box.Dx()) < 0.7*h && gap > 0.3*h && gap > 2.5*max(g, 1) {
		// What was dropped may have been the value's own first character, damaged (glare
		// leaving a sliver of 浙江): the line's start stays doubtful.
		out := slices.Clone(cs[idx[1]:])
		out[0].conf = min(out[0].conf, doubtConf)
		return out
	}
	return cs
}

func reversed(cs []arbChar) []arbChar {
	out := slices.Clone(cs)
	slices.Reverse(out)
	return out
}

// judge decides one glyph character against the Tesseract symbols read in its box.
func judge(g glyph.Char, ts []gosseract.BoundingBox) []arbChar {
	c := arbChar{r: g.Rune, glyph: g.Confidence, glyphR: g.Rune, box: g.Box}
	var tr []rune
	for _, t := range ts {
		tr = append(tr, []rune(strings.TrimSpace(t.Word))...)
	}
	// As many digits as the box is wide: Tesseract's symbol boxes on Chinese lines overlap,
	// and a second symbol in the box of one digit is the same digit read twice.
	fits := int(float64(g.Box.Dx())/(0.45*float64(max(1, g.Box.Dy()))) + 0.5)
	allLatin := !slices.ContainsFunc(tr, func(r rune) bool { return !isLatinOrDigit(r) })
	mixed := g.Confidence < unsureKeep && slices.ContainsFunc(tr, isLatinOrDigit)
	if len(tr) > 1 && len(tr) <= fits && (allLatin || mixed) && !(g.Confidence >= glyph.Threshold && splitOf[g.Rune] == string(tr)) {
		// Several digits or letters where the glyph recogniser saw one character ("11" as
		// 皿 or M): Tesseract separates Latin characters better. Or a digit and an ideograph
		// run together where it could not place the one character it saw (1号 read 崿).
		// Doubtful either way.
		// Each takes its share of the cell: Tesseract's symbol boxes drift off the ink
		// here, and a line's ends are judged by the gaps between boxes (see trimStrays).
		out := make([]arbChar, 0, len(tr))
		for k, r := range tr {
			b := g.Box
			b.Min.X, b.Max.X = g.Box.Min.X+g.Box.Dx()*k/len(tr), g.Box.Min.X+g.Box.Dx()*(k+1)/len(tr)
			out = append(out, arbChar{r: r, conf: min(g.Confidence, disputedConf), verdict: disputed, glyph: g.Confidence, tess: r, box: b})
		}
		return out
	}
	if len(tr) > 0 {
		c.tess = tr[0]
	}
	sure := g.Confidence >= glyph.Threshold
	switch {
	case len(tr) == 1 && sameChar(tr[0], g.Rune):
		c.verdict, c.conf = agreed, max(g.Confidence, agreeConf)
		if !sure && len(ts) == 1 {
			// Its glyph cell is in doubt: Tesseract's box tells where the letter lies.
			c.tessBox = ts[0].Box
		}
	case len(tr) == 0 && sure:
		c.verdict, c.conf = glyphSure, g.Confidence
	case sure:
		c.verdict, c.conf = disputed, min(g.Confidence, disputedConf)
		if len(ts) == 1 && len(tr) == 1 && isLatinOrDigit(tr[0]) && isLatinOrDigit(g.Rune) &&
			ts[0].Confidence >= tessLetterConf && ts[0].Box.Dx() >= 2*g.Box.Dx() {
			// A piece of the letter Tesseract read, surely, in a box twice as wide or more:
			// the left stem of an H whose thin bar a serif face leaves below the ink
			// threshold, cut off at blank columns and read 1 (HE1 read 1E1).
			c.r, c.conf, c.tessBox = tr[0], min(c.conf, doubtConf), ts[0].Box
		}
	default:
		c.verdict, c.conf = glyphUnsure, min(g.Confidence, doubtConf)
		// Well below its threshold the glyph recogniser's first choice is right less often
		// than Tesseract's (tuning fonts: 12 % against 36 %); either way the character stays
		// doubtful.
		if len(tr) == 1 && g.Confidence < unsureKeep {
			c.r = tr[0]
		}
		// Latin letters and digits are Tesseract's strength and the glyph recogniser's
		// weakness (few samples each among 8 105 classes): where it is unsure of one and
		// Tesseract sure, Tesseract's stands (BY read as 1W, B as 13).
		if len(tr) == 1 && len(ts) == 1 && isLatinOrDigit(tr[0]) && isLatinOrDigit(g.Rune) && ts[0].Confidence >= tessLetterConf {
			c.r, c.tessBox = tr[0], ts[0].Box
		}
	}
	return []arbChar{c}
}

// splitOf are letters that Tesseract reads as two in a serif face where the glyph recogniser,
// sure of the one, is right: W as VV (BMW read BMVV).
var splitOf = map[rune]string{'W': "VV"}

// looseChars turns a Tesseract symbol outside every glyph box into low-confidence characters;
// between says it lies between two glyph characters.
func looseChars(t gosseract.BoundingBox, between bool) []arbChar {
	w := []rune(strings.TrimSpace(t.Word))
	v := tessOnly
	if between && len(w) == 1 && isLatinOrDigit(w[0]) && t.Confidence >= tessLetterConf {
		v = tessLetter
	}
	var out []arbChar
	for _, r := range w {
		out = append(out, arbChar{r: r, conf: min(t.Confidence/100, doubtConf), verdict: v, tess: r, box: t.Box})
	}
	return out
}

// tessLetterConf is the Tesseract confidence (0–100) a letter or digit only it read needs to be
// kept: specks and label strokes read as letters come far lower.
const tessLetterConf = 90

// sameChar compares two readings, folding full-width forms.
func sameChar(a, b rune) bool { return fields.Width(a) == fields.Width(b) }

func isLatinOrDigit(r rune) bool {
	r = fields.Width(r)
	return r < unicode.MaxASCII && (unicode.IsDigit(r) || unicode.IsLetter(r))
}

// textLines splits a cleaned crop (dark text on white) into its text lines: runs of rows with
// ink, merged across gaps of a few rows, with each line given the blank rows up to half way
// to its neighbours so that no stroke is cut.
func textLines(g *image.Gray) []span {
	h := g.Rect.Dy()
	rows := make([]int, h)
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+g.Rect.Dx()]
		for _, v := range row {
			if v < 128 {
				rows[y]++
			}
		}
	}
	var all []span
	for _, r := range runs(rows, 1, 3) {
		// Lines set closer than the gap the runs are merged across (a dot of one on the
		// descender of the other) part at the valley of ink between them, into two about
		// as tall: the feet of a pale line's strokes, which the valley may part from it, are
		// no line.
		above, below, ok := valley(rows, r)
		ha, hb := above.b-above.a, below.b-below.a
		if ok && 3*min(ha, hb) >= 2*max(ha, hb) {
			all = append(all, above, below)
		} else {
			all = append(all, r)
		}
	}
	tallest := 0
	for _, r := range all {
		tallest = max(tallest, r.b-r.a)
	}
	var ls []span
	for _, r := range all {
		// Specks and slivers of a neighbouring line are not lines.
		if (r.b-r.a)*3 >= tallest {
			ls = append(ls, r)
		}
	}
	if len(ls) <= 1 {
		return []span{{g.Rect.Min.Y, g.Rect.Max.Y}}
	}
	out := make([]span, len(ls))
	for i, l := range ls {
		a, b := 0, h
		if i > 0 {
			a = (ls[i-1].b + l.a) / 2
		}
		if i < len(ls)-1 {
			b = (l.b + ls[i+1].a) / 2
		}
		out[i] = span{g.Rect.Min.Y + a, g.Rect.Min.Y + b}
	}
	return out
}

// nearestLine returns the index of the line holding y, or the nearest one.
func nearestLine(ls []span, y int) int {
	best, bestD := 0, int(^uint(0)>>1)
	for i, l := range ls {
		d := 0
		if y < l.a {
			d = l.a - y
		} else if y >= l.b {
			d = y - l.b + 1
		}
		if d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

package ocr

import (
	"image"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/fields"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph"
)

// labelWindow reads again the first character of a line whose label, printed against it, ran
// into it: the hook of 码 joined to the 氵 of 浙 or to the stem of a P in one piece of ink,
// which no blank column parts and both recognisers read as one character (惭 for 码浙, 聿 for
// 码P). The character stands alone before the line's second one, which the glyph recogniser
// must be sure of; windows of the ink before it, their left edge moved right across the first
// character, leave more and more of the label out, and the first window the glyph recogniser
// reads as one character, surely, holds it whole: if accept takes it and it stands on the
// line's foot as tall as the second character or taller (not a label's remnant, smaller and
// higher), it is returned. (Moved on, the windows cut the character's left part off: 折 of
// 浙, no province.) A first character accept takes already is not read again.
func labelWindow(g *glyph.Recognizer, img *image.Gray, line glyph.Line, accept func(rune) bool) (glyph.Char, bool) {
	if len(line.Chars) < 2 {
		return glyph.Char{}, false
	}
	first, next := line.Chars[0], line.Chars[1]
	if accept(first.Rune) || next.Confidence < glyph.Threshold {
		return glyph.Char{}, false
	}
	b := img.Bounds()
	h := next.Box.Dy()
	for x := first.Box.Min.X + 1; x < first.Box.Max.X-h/3; x++ {
		w := g.ReadLine(img.SubImage(image.Rect(x, b.Min.Y, next.Box.Min.X, b.Max.Y)))
		if len(w.Chars) != 1 || w.Chars[0].Confidence < glyph.Threshold {
			continue
		}
		c := w.Chars[0]
		foot := c.Box.Max.Y - next.Box.Max.Y
		if !accept(c.Rune) || c.Box.Dy()*10 < h*9 || foot < -h/5 || foot > h/5 {
			return glyph.Char{}, false
		}
		return c, true
	}
	return glyph.Char{}, false
}

// provinceWindow gives rd, the Chinese read of a plate, the province that labelWindow finds
// before the serial's first letter in place of what it read there, doubtful: the window was
// chosen, not given.
func provinceWindow(g *glyph.Recognizer, img *image.Gray, rd fields.Reading) fields.Reading {
	if r, _ := utf8.DecodeRuneInString(rd.Text); strings.ContainsRune(ident.PlateProvinces, r) {
		return rd // the read's first character a province already: nothing to read again
	}
	line := g.ReadLine(img)
	p, ok := labelWindow(g, img, line, func(r rune) bool { return strings.ContainsRune(ident.PlateProvinces, r) })
	if !ok || !unicode.IsUpper(line.Chars[1].Rune) {
		return rd
	}
	rs := []rune(rd.Text)
	k := slices.Index(rs, line.Chars[1].Rune)
	if k < 1 || len(rd.Conf) != len(rs) || slices.ContainsFunc(rs[:k], func(r rune) bool { return r < unicode.MaxASCII }) {
		return rd
	}
	return fields.Reading{Text: string(p.Rune) + string(rs[k:]), Conf: append([]float64{doubtConf}, rd.Conf[k:]...), Arbitrated: rd.Arbitrated}
}

// firstInWindow gives a Latin line's two reads, Tesseract's rd and second, the glyph
// recogniser's of its line (see latinOf, which leaves out what it read outside the whitelist
// wl), the first character that labelWindow finds within the whitelist where the label ran
// into it. Tesseract passed over it when its read is the glyph read's without it: it gets it,
// doubtful.
func firstInWindow(g *glyph.Recognizer, img *image.Gray, line glyph.Line, rd, second fields.Reading, wl string) (fields.Reading, fields.Reading) {
	c, ok := labelWindow(g, img, line, func(r rune) bool { return strings.ContainsRune(wl, r) })
	if !ok || !strings.HasPrefix(second.Text, string(line.Chars[1].Rune)) {
		return rd, second
	}
	if rd.Text == second.Text && len(rd.Conf) == len([]rune(rd.Text)) {
		rd = fields.Reading{Text: string(c.Rune) + rd.Text, Conf: append([]float64{doubtConf}, rd.Conf...), Arbitrated: rd.Arbitrated}
	}
	second = fields.Reading{Text: string(c.Rune) + second.Text, Conf: append([]float64{c.Confidence}, second.Conf...)}
	return rd, second
}

// memberInWindow reads a closed set's member (a 使用性质) from img and its glyph line, whose
// first character the label's end ran into (质 against the 货 of 货运, read 渍运): labelWindow
// finds a character that begins a member, and with the rest of the line as the glyph
// recogniser read it, surely, it must make a member. It is doubtful, at fitConf, as a fitted
// member is.
func memberInWindow(g *glyph.Recognizer, img *image.Gray, line glyph.Line, members []string) (fields.Reading, bool) {
	starts := func(r rune) bool {
		return slices.ContainsFunc(members, func(m string) bool { return strings.HasPrefix(m, string(r)) })
	}
	c, ok := labelWindow(g, img, line, starts)
	if !ok {
		return fields.Reading{}, false
	}
	text := []rune{c.Rune}
	for _, ch := range line.Chars[1:] {
		if ch.Confidence < glyph.Threshold {
			return fields.Reading{}, false
		}
		text = append(text, ch.Rune)
	}
	if !slices.Contains(members, string(text)) {
		return fields.Reading{}, false
	}
	return fields.Reading{Text: string(text), Conf: slices.Repeat([]float64{fitConf}, len(text))}, true
}

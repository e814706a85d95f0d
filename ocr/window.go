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

// labelWindow reads again the character of a line before its character k, the first that is
// the value's own, where the label, printed against the value, ran into it: the hook of 码
// joined to the 氵 of 浙 or to the stem of a P in one piece of ink, which no blank column
// parts and both recognisers read as one character (惭 for 码浙, 聿 for 码P). Character k,
// which the glyph recogniser must be sure of, is the line's second, or later where more of the
// label stands apart before (号 of 号码). Windows of the ink before it, their left edge moved
// right across character k−1, leave more and more of the label out, and the first window the
// glyph recogniser reads as one character, surely, holds it whole: if accept takes it and it
// stands on the line's foot as tall as character k or taller (not a label's remnant, smaller
// and higher), it is returned. (Moved on, the windows cut the character's left part off: 折 of
// 浙, no province.) A character k−1 accept takes already is not read again.
func labelWindow(g *glyph.Recognizer, img *image.Gray, line glyph.Line, k int, accept func(rune) bool) (glyph.Char, bool) {
	if k < 1 || k >= len(line.Chars) {
		return glyph.Char{}, false
	}
	first, next := line.Chars[k-1], line.Chars[k]
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
	p, ok := labelWindow(g, img, line, 1, func(r rune) bool { return strings.ContainsRune(ident.PlateProvinces, r) })
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
// into it: before the first character the glyph recogniser read within wl, surely, and after
// none but the label's. Tesseract passed over it when its read is the glyph read's without it,
// or read the label's ink before it as more characters, unsurely, when its read ends with the
// glyph read's with it (34854C7… for 54C7…, 码 run into the 5 and 号 apart before): its read
// gets it, or loses what it read before it, and the character is doubtful. (What it read
// there surely is the value's: a J, which the glyph recogniser does not know, run into the C
// after it, and the window found the C.) A value of a known length n (a VIN: 17) must keep
// it; n = 0 for none.
func firstInWindow(g *glyph.Recognizer, img *image.Gray, line glyph.Line, rd, second fields.Reading, wl string, n int) (fields.Reading, fields.Reading) {
	within := func(r rune) bool { return strings.ContainsRune(wl, r) }
	k := slices.IndexFunc(line.Chars, func(c glyph.Char) bool { return within(c.Rune) && c.Confidence >= glyph.Threshold })
	if k < 1 || slices.ContainsFunc(line.Chars[:k-1], func(c glyph.Char) bool { return within(c.Rune) }) {
		return rd, second
	}
	c, ok := labelWindow(g, img, line, k, within)
	if !ok || !strings.HasPrefix(second.Text, string(line.Chars[k].Rune)) {
		return rd, second
	}
	rs, with := []rune(rd.Text), string(c.Rune)+second.Text
	// before is how many characters Tesseract read before the glyph read with c, if it ends so.
	before := len(rs) - utf8.RuneCountInString(with)
	switch {
	case len(rd.Conf) != len(rs):
	case rd.Text == second.Text:
		rd = fields.Reading{Text: with, Conf: append([]float64{doubtConf}, rd.Conf...), Arbitrated: rd.Arbitrated}
	case before > 0 && strings.HasSuffix(rd.Text, with) && (n == 0 || len(rs)-before == n) &&
		!slices.ContainsFunc(rd.Conf[:before], func(c float64) bool { return c >= tessSure }):
		conf := slices.Clone(rd.Conf[before:])
		conf[0] = min(conf[0], doubtConf)
		rd = fields.Reading{Text: with, Conf: conf, Arbitrated: rd.Arbitrated}
	}
	second = fields.Reading{Text: with, Conf: append([]float64{c.Confidence}, second.Conf...)}
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
	c, ok := labelWindow(g, img, line, 1, starts)
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

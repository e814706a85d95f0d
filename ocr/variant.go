package ocr

import (
	"image"
	"strings"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph"
)

// variant is an older printing of a kind whose rows differ from the current one (CARDS.md
// §2.3, §2.4). Which printing a page is comes from the text of one pre-printed label, read with
// the glyph recogniser: fields are located by what their labels say, not by row order. A label
// too blurred to read either way may leave a second cue: a stretch of the row where only the
// older printing's value reaches.
type variant struct {
	// Where the deciding label's Chinese line is printed, with the margin of CARDS.md §1.
	x0, y0, x1, y1 float64
	current, older string // the label's text on each printing
	regions        []region
	olderInk       *olderInk
}

// olderInk is where a value runs on the older printing and the current one leaves blank paper
// (the older 行驶证's long brand and model, where the current one has the short use).
type olderInk struct {
	x0, x1 float64 // the stretch, as fractions of the canvas width
	y0, y1 float64 // its row
}

// minOlderInk is the share of the stretch's columns with ink that shows the older printing:
// measured on the reference sets, the current printing leaves at most 30 % (guilloche, glare),
// the older at least 46 %.
const minOlderInk = 0.38

// of reports whether the stretch holds a value on card c. Ink is told from paper by the
// threshold of the row's left half, which has a label and a value on either printing: a blank
// stretch alone would make its darkest guilloche look like ink, and the whole row would take
// the level of the right half's ink when glare has paled the left half.
func (o *olderInk) of(c *card) bool {
	th := inkThreshold(c.value(c.rect(0.03, o.y0, 0.5, o.y1)), inkShareText)
	g := c.value(c.rect(o.x0, o.y0, o.x1, o.y1))
	w, h := g.Rect.Dx(), g.Rect.Dy()
	inked := 0
	for x := 0; x < w; x++ {
		n := 0
		for y := 0; y < h; y++ {
			if g.Pix[y*g.Stride+x] < th {
				n++
			}
		}
		if n >= 3 {
			inked++
		}
	}
	return w > 0 && float64(inked) >= minOlderInk*float64(w)
}

var variants = map[kiosk.DocKind]variant{
	// The older 行驶证 has 品牌型号 where the current one has 使用性质, 使用性质 on the right,
	// and the engine row above the VIN row.
	kiosk.KindVehicleLicence: {0.035, 0.51, 0.19, 0.585, "使用性质", "品牌型号", changedFrom(kiosk.KindVehicleLicence,
		region{"brand_model", 0.16, 0.52, 0.50, 0.62, free, 1, 0},
		region{"use_nature", 0.625, 0.52, 0.97, 0.62, free, 1, 0},
		region{"engine_number", 0.42, 0.63, 0.97, 0.73, labelled(wlEngine, "发动机号码"), 1, 0},
		region{"vin", 0.45, 0.74, 0.97, 0.84, labelled(wlVIN, "车辆识别代号"), 1, 0},
		// 注册登记日期 is a longer label than 注册日期.
		region{"register_date", 0.435, 0.85, 0.64, 0.95, labelled(wlDate, "注册登记日期"), 1, 0},
	), &olderInk{0.29, 0.38, 0.52, 0.60}},
	// The older 驾驶证 prints 有效起始日期 and the date, then 有效期限 and a term (6年, 10年,
	// 长期) on the same bottom row. The term is read by both recognisers: chi_sim alone takes
	// a blurred 长 for 发.
	kiosk.KindDrivingLicence: {0.035, 0.84, 0.25, 0.905, "有效期限", "有效起始日期", changedFrom(kiosk.KindDrivingLicence,
		region{"validity", 0.22, 0.85, 0.44, 0.95, labelled(wlDate, "有效起始日期"), 1, 0},
		region{"validity", 0.58, 0.85, 0.72, 0.95, free, 1, 0},
	), nil},
}

// changedFrom returns kind's current layout with the regions of the fields named in changed
// replaced by those, so that a variant states only how its printing differs.
func changedFrom(kind kiosk.DocKind, changed ...region) []region {
	replaced := map[string]bool{}
	for _, r := range changed {
		replaced[r.key] = true
	}
	var out []region
	for _, r := range layouts[kind] {
		if !replaced[r.key] {
			out = append(out, r)
		}
	}
	return append(out, changed...)
}

// regionsFor returns the regions to read on card c: the kind's current layout, or its older
// variant when the deciding label reads as the older text.
func regionsFor(c *card, g *glyph.Recognizer) []region {
	v, ok := variants[c.kind]
	if !ok || g == nil {
		return layouts[c.kind]
	}
	votes := labelVotes(g.ReadLine(labelLine(c.luma(c.rect(v.x0, v.y0, v.x1, v.y1)))), v.older, v.current)
	if votes > 0 || votes == 0 && v.olderInk != nil && v.olderInk.of(c) {
		return v.regions
	}
	return layouts[c.kind]
}

// labelLine returns the Chinese line of a bilingual label's box: the tallest of its text lines,
// on a clean page. The English line below it, read as part of the same line, would turn every
// character into a look-alike.
func labelLine(g *image.Gray) *image.Gray {
	clean := stretch(g, inkThreshold(g, inkShareText), 4, false)
	best := tallest(textLines(clean), 1)[0]
	return clean.SubImage(image.Rect(clean.Rect.Min.X, best.a, clean.Rect.Max.X, best.b)).(*image.Gray)
}

// labelVotes counts the characters read that only text a has, minus those only b has. A
// character's runners-up vote too, at half weight: a label read through blur or glare is often
// second choice.
func labelVotes(l glyph.Line, a, b string) float64 {
	only := func(r rune, x, y string) bool { return strings.ContainsRune(x, r) && !strings.ContainsRune(y, r) }
	votes := 0.0
	for _, ch := range l.Chars {
		cands := []rune{ch.Rune}
		for i, alt := range ch.Alternatives {
			if i < 2 && alt.Score > 0.3 {
				cands = append(cands, alt.Rune)
			}
		}
		for i, r := range cands {
			w := 1.0
			if i > 0 {
				w = 0.5
			}
			switch {
			case only(r, a, b):
				votes += w
			case only(r, b, a):
				votes -= w
			}
		}
	}
	return votes
}

package ocr

import (
	"context"
	"fmt"
	"image"
	"slices"
	"strconv"
	"strings"

	"github.com/otiai10/gosseract/v2"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/fields"
)

// script selects the Tesseract model for a region: Chinese text, or Latin letters and digits.
// They are separate pools because a client's languages are fixed at initialisation, and
// re-initialising costs far more than the read.
type script int

const (
	scriptHan   script = iota // chi_sim
	scriptLatin               // eng with a whitelist: chi_sim inserts digits (CARDS.md §4)
)

// request says how to read one region.
type request struct {
	script    script
	block     bool   // several lines (addresses) rather than one
	whitelist string // Latin only; "" allows everything the model knows
	glyph     bool   // Chinese free text: read by the glyph recogniser too and arbitrate
	digits    bool   // with glyph: read the numbers in the text again as digits (addresses)
	// label holds the characters of the label printed left of a Latin value. Where the two
	// nearly touch, the crop keeps the label's end, which a digit read makes into digits
	// (码 read as 34); the glyph recogniser finds it and it is blanked out first.
	label string
	// tessFirst, with glyph, gives Tesseract's reading wherever the glyph recogniser is
	// unsure, Tesseract-only characters included: a second opinion on a value of a closed
	// set, whose own check then tells which reading holds a member.
	tessFirst bool
}

// recognizer reads the text of one region image. It is the seam where another recognizer (for
// rare characters, say) can replace or arbitrate Tesseract for text fields.
type recognizer interface {
	recognize(ctx context.Context, img *image.Gray, req request) (fields.Reading, error)
}

// tesseract is a recognizer backed by two pools of warm gosseract clients. A client is not safe
// for concurrent use and creating one costs most of a read, so clients are borrowed from a
// buffered channel and returned after each region.
type tesseract struct {
	han, latin chan *gosseract.Client
	n          int // clients created per pool
}

func newTesseract(n int, tessdata string) (*tesseract, error) {
	t := &tesseract{han: make(chan *gosseract.Client, n), latin: make(chan *gosseract.Client, n)}
	for i := 0; i < n; i++ {
		for _, p := range []struct {
			ch   chan *gosseract.Client
			lang string
		}{{t.han, "chi_sim"}, {t.latin, "eng"}} {
			c, err := newClient(p.lang, tessdata)
			if err != nil {
				// Nothing is borrowed yet: free whatever was created.
				for _, ch := range []chan *gosseract.Client{t.han, t.latin} {
					for len(ch) > 0 {
						(<-ch).Close()
					}
				}
				return nil, err
			}
			p.ch <- c
		}
		t.n++
	}
	return t, nil
}

// newClient configures a client and runs one tiny read, so that the model is loaded now rather
// than during the first applicant's read.
func newClient(lang, tessdata string) (*gosseract.Client, error) {
	c := gosseract.NewClient()
	if tessdata != "" {
		if err := c.SetTessdataPrefix(tessdata); err != nil {
			c.Close()
			return nil, err
		}
	}
	if err := c.SetLanguage(lang); err != nil {
		c.Close()
		return nil, err
	}
	_ = c.SetVariable("debug_file", "/dev/null")
	// Regions carry no resolution; 300 dpi makes our 30–40 px glyphs ordinary 8–10 pt text.
	_ = c.SetVariable("user_defined_dpi", "300")
	// Regions are dark ink on white by construction (stretch, onWhite), so the second
	// recognition of a doubtful line inverted, which Tesseract otherwise makes, cannot win.
	_ = c.SetVariable("tessedit_do_invert", "0")
	blank := image.NewGray(image.Rect(0, 0, 64, 32))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	if err := c.SetImageFromBytes(pgm(blank)); err != nil {
		c.Close()
		return nil, err
	}
	if _, err := c.Text(); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: load tesseract %s: %w", lang, err)
	}
	return c, nil
}

// close waits for every client to come back from the reads in progress, then frees them.
func (t *tesseract) close() {
	for _, ch := range []chan *gosseract.Client{t.han, t.latin} {
		for i := 0; i < t.n; i++ {
			(<-ch).Close()
		}
	}
}

func (t *tesseract) recognize(ctx context.Context, img *image.Gray, req request) (fields.Reading, error) {
	boxes, err := t.symbols(ctx, img, req)
	if err != nil {
		return fields.Reading{}, err
	}
	if !req.block {
		boxes = dropOffLineEnds(boxes, offLine(boxes))
	}
	if req.label != "" {
		boxes = dropRunInto(boxes)
	}
	if req.whitelist != "" {
		boxes = dropDoubled(boxes)
	}
	return symbolsReading(boxes), nil
}

// dropDoubled drops, of two neighbouring symbols of a Latin read, one narrower than three
// quarters of most symbols whose box lies half or more within the other's: Tesseract read one
// letter's ink twice, a part of it as a letter of its own (the left stroke of a V as an N: ZZNV
// for ZZV, boxes 60–73 and 63–90; the right arm of an X as a 1). Letters side by side touch at
// most, and the boxes blur widens to overlap are a letter's width each (4 and 0 boxed 340–371
// and 357–383). The one kept is not settled. A box drawn from where the one before it begins,
// over it and on (Y and W boxed 13–43 and 13–80), is Tesseract's way with a line's second
// symbol at times, and one half as wide again as most (6 boxed 360–426 over the 6 and 4 it
// stands between) its way with a line's end: both stay.
func dropDoubled(boxes []gosseract.BoundingBox) []gosseract.BoundingBox {
	var widths []int
	for _, s := range boxes {
		if strings.TrimSpace(s.Word) != "" {
			widths = append(widths, s.Box.Dx())
		}
	}
	if len(widths) < 3 {
		return boxes
	}
	slices.Sort(widths)
	median := widths[len(widths)/2]
	var out []gosseract.BoundingBox
	prev := -1 // the last symbol kept that is not blank
	for _, s := range boxes {
		if strings.TrimSpace(s.Word) == "" {
			out = append(out, s)
			continue
		}
		if prev >= 0 {
			a, b := out[prev].Box, s.Box
			narrow := min(a.Dx(), b.Dx())
			in := min(a.Max.X, b.Max.X) - max(a.Min.X, b.Min.X)
			over := b.Min.X <= a.Min.X+1 && b.Max.X >= a.Max.X
			part := 4*narrow < 3*median && 2*in >= narrow
			if part && !over && 2*max(a.Dx(), b.Dx()) <= 3*median {
				keep := out[prev]
				if b.Dx() > a.Dx() {
					keep = s
				}
				keep.Confidence = min(keep.Confidence, 100*trimmedConf)
				out[prev] = keep
				continue
			}
		}
		out = append(out, s)
		prev = len(out) - 1
	}
	return out
}

// dropRunInto drops the first symbol of a value read after its label when its box covers half
// or more of the next symbol's: the end of the label, cut by the crop and touching the value's
// first letter, read as a character of its own over that letter's ink (码X read IX, boxes
// 12–47 and 33–59; 9U, 9R). Letters side by side touch at most: a box reaching half way over
// the next is no letter of its own. The value may have lost a character there: it is not
// settled.
func dropRunInto(boxes []gosseract.BoundingBox) []gosseract.BoundingBox {
	i := slices.IndexFunc(boxes, func(b gosseract.BoundingBox) bool { return strings.TrimSpace(b.Word) != "" })
	if i < 0 || i+1 >= len(boxes) || strings.TrimSpace(boxes[i+1].Word) == "" {
		return boxes
	}
	a, b := boxes[i].Box, boxes[i+1].Box
	narrow := min(a.Dx(), b.Dx())
	if in := min(a.Max.X, b.Max.X) - max(a.Min.X, b.Min.X); 2*in < narrow || 4*(b.Min.X-a.Min.X) < narrow {
		// Apart, or the second box begun where the first does: Tesseract draws the box of
		// a line's second symbol from the line's start at times (Y and W boxed 13–43 and
		// 13–80), over two letters both recognisers read.
		return boxes
	}
	boxes[i+1].Confidence = min(boxes[i+1].Confidence, 100*trimmedConf)
	return boxes[i+1:]
}

// trimmedConf bounds the characters of a one-line read next to where off-line symbols were
// dropped: the value may have lost a character with them, so it must not look settled.
const trimmedConf = 0.75

// dropOffLineEnds drops the symbols at either end of a one-line read that are off its line
// (off[i]): a label run into the value (发动机号码2DB…, its 码 read as 73) rather than part of
// it. Symbols off the line between others stay, at the confidence offLine gave them.
func dropOffLineEnds(boxes []gosseract.BoundingBox, off []bool) []gosseract.BoundingBox {
	blank := func(i int) bool { return strings.TrimSpace(boxes[i].Word) == "" }
	a, b := 0, len(boxes)
	for a < b && (blank(a) || off[a]) {
		a++
	}
	for b > a && (blank(b-1) || off[b-1]) {
		b--
	}
	if a == b {
		return boxes
	}
	for _, i := range []int{a, b - 1} {
		if i > 0 && off[i-1] || i < len(boxes)-1 && off[i+1] {
			boxes[i].Confidence = min(boxes[i].Confidence, 100*trimmedConf)
		}
	}
	return boxes[a:b]
}

// offLineConf bounds a letter or digit that does not sit on the line the others share.
const offLineConf = 0.5

// offLine lowers the confidence of letters and digits of a one-line read whose box is off the
// line the others share: a value is printed in one size on one baseline, so capitals and
// digits have one height and one centre. A symbol much shorter or taller, or centred well
// above or below, is something else read as a character: a label's Chinese over English
// lines caught in the crop, a stroke of the neighbouring row, a seal's edge. It reports which
// symbols stand taller or higher than the line, as a label's Chinese row does beside a value
// (shorter ones may be the value's own, where the crop caught a line above with the rest).
func offLine(boxes []gosseract.BoundingBox) []bool {
	off := make([]bool, len(boxes))
	var idx []int
	var hs, cxs, cys []float64
	for i, b := range boxes {
		w := []rune(strings.TrimSpace(b.Word))
		if len(w) != 1 || !(w[0] >= '0' && w[0] <= '9' || w[0] >= 'A' && w[0] <= 'Z') {
			continue
		}
		idx = append(idx, i)
		hs = append(hs, float64(b.Box.Dy()))
		cxs = append(cxs, float64(b.Box.Min.X+b.Box.Max.X)/2)
		cys = append(cys, float64(b.Box.Min.Y+b.Box.Max.Y)/2)
	}
	if len(idx) < 4 {
		return off
	}
	// The line may slope (a card turned a little, or photographed at an angle): centres are
	// compared with a line through them, its slope the median of the pairwise slopes, which
	// the few symbols off it cannot pull.
	var slopes []float64
	for a := range cxs {
		for b := a + 1; b < len(cxs); b++ {
			if dx := cxs[b] - cxs[a]; dx != 0 {
				slopes = append(slopes, (cys[b]-cys[a])/dx)
			}
		}
	}
	slope := 0.0
	if len(slopes) > 0 {
		slope = median(slopes)
	}
	level := make([]float64, len(cys))
	for k := range cys {
		level[k] = cys[k] - slope*cxs[k]
	}
	h, c0 := median(hs), median(level)
	for k, i := range idx {
		high := hs[k] > 1.4*h || c0-level[k] > 0.25*h
		if high || hs[k] < 0.7*h || level[k]-c0 > 0.25*h {
			boxes[i].Confidence = min(boxes[i].Confidence, 100*offLineConf)
			off[i] = high
		}
	}
	return off
}

// symbols reads img and returns Tesseract's symbols with their boxes in img's coordinates.
func (t *tesseract) symbols(ctx context.Context, img *image.Gray, req request) ([]gosseract.BoundingBox, error) {
	ch := t.han
	if req.script == scriptLatin {
		ch = t.latin
	}
	var c *gosseract.Client
	select {
	case c = <-ch:
	case <-ctx.Done():
		return nil, kiosk.Errorf(kiosk.EUNAVAILABLE, "识别超时，请重试。")
	}
	defer func() { ch <- c }()

	if err := c.SetImageFromBytes(pgm(img)); err != nil {
		return nil, fmt.Errorf("ocr: set image: %w", err)
	}
	// Page segmentation is not sticky across reads, so it is set for every region.
	psm := gosseract.PSM_SINGLE_LINE
	if req.block {
		psm = gosseract.PSM_SINGLE_BLOCK
	}
	_ = c.SetPageSegMode(psm)
	_ = c.SetWhitelist(req.whitelist)
	boxes, err := c.GetBoundingBoxes(gosseract.RIL_SYMBOL)
	if err != nil {
		return nil, fmt.Errorf("ocr: recognize: %w", err)
	}
	// Boxes are relative to the image Tesseract was given, which starts at 0,0.
	for i := range boxes {
		boxes[i].Box = boxes[i].Box.Add(img.Rect.Min)
	}
	return boxes, nil
}

// symbolsReading turns Tesseract's symbols into text with one confidence per rune. Symbols come
// in reading order; a new line starts where a symbol begins left of the previous one.
func symbolsReading(boxes []gosseract.BoundingBox) fields.Reading {
	var b strings.Builder
	var conf []float64
	prevX := -1
	for _, s := range boxes {
		w := strings.TrimSpace(s.Word)
		if w == "" {
			continue
		}
		if prevX >= 0 && s.Box.Min.X < prevX-s.Box.Dx() {
			b.WriteByte('\n')
			conf = append(conf, 1)
		}
		prevX = s.Box.Max.X
		for _, r := range w {
			b.WriteRune(r)
			conf = append(conf, s.Confidence/100)
		}
	}
	return fields.Reading{Text: b.String(), Conf: conf}
}

// pgm encodes a grey image as binary PGM, the cheapest format Leptonica reads from memory.
func pgm(img *image.Gray) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	head := "P5\n" + strconv.Itoa(w) + " " + strconv.Itoa(h) + "\n255\n"
	out := make([]byte, 0, len(head)+w*h)
	out = append(out, head...)
	for y := 0; y < h; y++ {
		off := img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y)
		out = append(out, img.Pix[off:off+w]...)
	}
	return out
}

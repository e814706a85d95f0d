package ocr

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/fields"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph"
)

// Config configures a Reader.
type Config struct {
	// Clients is the number of warm Tesseract clients per script (Chinese, Latin), and so the
	// number of reads that can recognise text at the same time. Zero means one per CPU.
	Clients int
	// TessData is the directory holding chi_sim and eng traineddata; empty means Tesseract's
	// default (TESSDATA_PREFIX or the compiled-in path).
	TessData string
	// MaxPixels refuses larger images before decoding them. Zero means 40 megapixels.
	MaxPixels int
	// Now gives "today" for date checks (no date but a validity end may lie after it). Nil
	// means time.Now.
	Now func() time.Time
}

// Reader reads ID cards and licences from photos. It implements kiosk.Reader and is safe for
// concurrent use: reads share a pool of warm Tesseract clients.
type Reader struct {
	cfg    Config
	logger *slog.Logger
	tess   *tesseract
	text   recognizer
}

var _ kiosk.Reader = (*Reader)(nil)

// NewReader loads the Tesseract models into cfg.Clients clients per script, which takes about a
// second per client; keep the Reader and reuse it.
func NewReader(cfg Config, logger *slog.Logger) (*Reader, error) {
	if cfg.Clients <= 0 {
		cfg.Clients = runtime.NumCPU()
	}
	if cfg.MaxPixels <= 0 {
		cfg.MaxPixels = 40_000_000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	t, err := newTesseract(cfg.Clients, cfg.TessData)
	if err != nil {
		return nil, kiosk.Errorf(kiosk.EUNAVAILABLE, "文字识别组件不可用。")
	}
	g, err := glyph.Default()
	if err != nil {
		t.close()
		return nil, fmt.Errorf("ocr: glyph model: %w", err)
	}
	return &Reader{cfg: cfg, logger: logger.With("component", "ocr"), tess: t, text: &dual{tess: t, glyph: g}}, nil
}

// Close waits for reads in progress and frees the Tesseract clients.
func (r *Reader) Close() error {
	r.tess.close()
	return nil
}

// Read finds the document in the photo, rectifies it and reads its fields. kind may be
// kiosk.KindAuto. It returns EUNREADABLE for bytes that are not a decodable image or exceed the
// pixel limit, EUNAVAILABLE when ctx ends while waiting for a Tesseract client, and otherwise a
// Document: a poor photo comes back with quality flags and low confidences, not an error.
func (r *Reader) Read(ctx context.Context, img []byte, kind kiosk.DocKind) (_ kiosk.Document, err error) {
	// A bug met reading one photo fails that read, not the process: the command line reads
	// many files in one run, and a worker serves many reads.
	defer func() {
		if p := recover(); p != nil {
			r.logger.Error("read failed on a bug", "panic", p, "stack", string(debug.Stack()))
			err = kiosk.Errorf(kiosk.EINTERNAL, "证件识别出错，请重试或联系工作人员。")
		}
	}()
	if kind != kiosk.KindAuto && !kind.Valid() {
		return kiosk.Document{}, kiosk.Errorf(kiosk.EUNSUPPORTED, "不支持的证件类型。")
	}
	c, flags, err := r.rectify(img, kind)
	if err != nil {
		return kiosk.Document{}, err
	}
	doc := kiosk.Document{Kind: kind, Fields: map[string]string{}, Confidence: map[string]float64{}}
	if c == nil {
		doc.Flags = flags.list()
		return doc, nil
	}
	doc.Kind = c.kind
	if flags.has(kiosk.FlagWrongSide) {
		doc.Flags = flags.list()
		return doc, nil
	}
	vals, err := r.readFields(ctx, c)
	if err != nil {
		return kiosk.Document{}, err
	}
	glared := flags.has(kiosk.FlagGlare)
	for k, v := range vals {
		if glared && !v.Valid {
			// Glare washes characters out whole, where neither recogniser sees ink to
			// doubt (宁波市公安局鄞州分局 read 宁波市公安局, itself an office's name): on a
			// glared photo, text that no check confirms is not settled.
			v.Conf = min(v.Conf, glaredUnchecked)
		}
		doc.Fields[k] = v.Text
		doc.Confidence[k] = v.Conf
	}
	doc.Flags = flags.list()
	return doc, nil
}

// glaredUnchecked bounds the confidence of an unchecked value read from a glared photo: below
// the 0.80 at which a case goes to a person.
const glaredUnchecked = 0.79

// card is a rectified document of a decided kind, upright.
type card struct {
	*bgr
	kind kiosk.DocKind
}

// rectify decodes the photo, finds and warps the card, decides kind and orientation and
// computes the quality flags. It returns a nil card when no document was found.
func (r *Reader) rectify(img []byte, kind kiosk.DocKind) (*card, flagSet, error) {
	flags := flagSet{}
	m, scale, err := decode(img, r.cfg.MaxPixels)
	if err != nil {
		return nil, flags, err
	}
	defer m.Close()
	f := findCard(m)
	frameFlags(f, scale, flags)
	if !f.ok && aspectError(float64(f.frame.X)/float64(f.frame.Y)) > 0.1 &&
		aspectError(float64(f.frame.Y)/float64(f.frame.X)) > 0.1 {
		flags.add(kiosk.FlagNotACard)
		return nil, flags, nil
	}
	if !f.ok {
		// A photo cropped to the card itself has no border to find: the frame is the card.
		f.q = orderQuad([]image.Point{{0, 0}, {f.frame.X, 0}, {f.frame.X, f.frame.Y}, {0, f.frame.Y}})
	}
	family := kind
	if kind == kiosk.KindAuto {
		family = kiosk.KindIDCardFront
		if a := f.q.aspect(); a < (aspectID+aspectLicence)/2 {
			family = kiosk.KindDrivingLicence
		}
	}
	w, h := canvasSize(family)
	c := &card{bgr: warp(m, f.q, w, h), kind: kind}
	r.classify(c, family, flags)
	canvasFlags(c, flags)
	if flags.has(kiosk.FlagGlare) {
		c.flatten()
	}
	// A dark photo is mostly sensor noise, which is taken out; a blurred one's strokes are
	// sharpened (sharpening a dark one would make its noise into ink).
	switch {
	case flags.has(kiosk.FlagTooDark):
		c.denoise()
	case flags.has(kiosk.FlagBlurred):
		c.sharpen()
	}
	c.blurred = flags.has(kiosk.FlagBlurred)
	return c, flags, nil
}

// readFields crops and reads every region of the card's layout, then normalises and checks the
// values together.
func (r *Reader) readFields(ctx context.Context, c *card) (map[string]fields.Value, error) {
	rd := fields.Readings{}
	var g *glyph.Recognizer
	if d, ok := r.text.(*dual); ok {
		g = d.glyph
	}
	regions := regionsFor(c, g)
	today := ident.Today(r.cfg.Now())
	for i, rg := range regions {
		img, intoLabel := crop(c.bgr, rg)
		if img == nil {
			continue
		}
		reading, err := r.text.recognize(ctx, img, rg.req)
		if err != nil {
			return nil, err
		}
		if intoLabel && len(reading.Conf) > 0 {
			// Whatever the recognisers make of the cut end, it may be a character short
			// (…K1C3 read …K1C, both sure) or a stroke short: a person should look.
			reading.Conf[len(reading.Conf)-1] = min(reading.Conf[len(reading.Conf)-1], doubtConf)
		}
		if rg.key == "brand_model" && g != nil {
			if reading, err = r.latinCode(ctx, g, img, reading); err != nil {
				return nil, err
			}
			reading = brandFit(g, img, reading)
		}
		if rg.key == "plate_number" && rg.req.script == scriptHan && g != nil {
			reading = provinceWindow(g, img, reading)
		}
		if (rg.key == "vin" || rg.key == "engine_number") && g != nil {
			// Tesseract is sure of most of its misreads here (S for 5, O for 0), and the check
			// digit may repair a character only where the read is doubtful (CARDS.md §4).
			// Where the glyph recogniser reads another character, the position is doubtful,
			// and its reading is taken when it is sure.
			n := 0
			if rg.key == "vin" {
				n = ident.VINLength
			}
			line := g.ReadLine(img)
			first, second := firstInWindow(g, img, line, reading, latinOf(line, rg.req.whitelist, true), rg.req.whitelist, n)
			reading = mergeLatin(first, second, n)
		}
		if rg.req.whitelist == wlID && g != nil {
			// Tesseract is sure of its misreads of an ID number's digits too (3 read 5 at its
			// end): where the number fails its checks, a digit the glyph recogniser reads
			// otherwise becomes a place where the check character may repair it (CARDS.md §4).
			if _, err := ident.ParseIDNumber(reading.Text, today); err != nil {
				second := glyphLatin(g, img, wlID, false)
				if utf8.RuneCountInString(reading.Text) == ident.IDLength+1 {
					// A digit too many (235X read for 23X), which the glyph read, as
					// long as a number, leaves out (see mergeLatin).
					if m := mergeLatin(reading, second, ident.IDLength); utf8.RuneCountInString(m.Text) == ident.IDLength {
						reading = m
					}
				}
				if _, err := ident.ParseIDNumber(reading.Text, today); err != nil {
					reading = doubtTail(reading, second)
				}
			}
		}
		rd[rg.key] = append(rd[rg.key], reading)
		if rg.req.whitelist == wlDate && g != nil && !startsDate(rg.key, reading, today) {
			// The end of a label caught before a date (期 read as 173, or as the 4 of
			// 4221-09-04 for 期 2021-09-04 on a validity line) that the glyph recogniser,
			// cutting at blank columns, leaves apart. Its read is not checked against
			// another: doubtful.
			again := glyphLatin(g, img, rg.req.whitelist, false)
			for i := range again.Conf {
				again.Conf[i] = min(again.Conf[i], disputedConf)
			}
			rd[rg.key] = append(rd[rg.key], again)
		}
		if set, ok := closedSets[rg.key]; ok && rg.req.glyph {
			v := set.check(reading)
			// The glyph recogniser, unsure of a character of a printed name (卜 for 小 in
			// 小型轿车) or missing one run into the label's end (重 of 重型厢式货车), may be
			// outvoted by Tesseract there; the set's check tells which reading to keep.
			if !v.Valid {
				q := rg.req
				q.tessFirst = true
				again, err := r.text.recognize(ctx, img, q)
				if err != nil {
					return nil, err
				}
				rd[rg.key] = append(rd[rg.key], again)
				if g != nil && !set.check(again).Valid {
					rd[rg.key] = append(rd[rg.key], fitMember(g, img, set.members)...)
				}
			} else if fields.EndsAnother(v.Text, set.members) && utf8.RuneCountInString(reading.Text) > utf8.RuneCountInString(v.Text) {
				// The member read is the end of a longer one, after more ink: 非 of 非营运 run
				// into the end of the label's English (Character非, read 俳营运), which the
				// arbitration, placing Tesseract's 非 by its box, cannot put back. Tesseract's
				// own read, when it holds the longer member ending so, goes first, disputed:
				// the glyph recogniser read the ink otherwise.
				again, err := r.tess.recognize(ctx, img, rg.req)
				if err != nil {
					return nil, err
				}
				for i := range again.Conf {
					again.Conf[i] = min(again.Conf[i], disputedConf)
				}
				if w := set.check(again); w.Valid && w.Text != v.Text && strings.HasSuffix(w.Text, v.Text) {
					rd[rg.key] = slices.Insert(rd[rg.key], len(rd[rg.key])-1, again)
				}
			}
		}
		if rg.key == "classes" && !fields.Classes(reading).Valid {
			// Under blur the 1 after a class letter (C1, A1) merges into the letter; at twice
			// the size the model separates them, as for house numbers.
			again, err := r.text.recognize(ctx, double(img), rg.req)
			if err != nil {
				return nil, err
			}
			rd[rg.key] = append(rd[rg.key], again)
			// Tesseract also reads a short line short (C1 as C, even when clean); the glyph
			// recogniser, cutting at blank columns, does not.
			if g != nil && !fields.Classes(again).Valid {
				rd[rg.key] = append(rd[rg.key], glyphLatin(g, img, rg.req.whitelist, false))
			}
		}
		// A second validity region (the older driving licence's term) supplies the end.
		last := i == len(regions)-1 || regions[i+1].key != rg.key
		if rg.key == "validity" && rg.req.script != scriptLatin && last && fields.ParseValidity(today, reading).Until.Text == "" {
			// Under blur the thin strokes of 年 in 10年 fade below the ink threshold and
			// the Chinese read loses the term (H0舍); its digits still read.
			again, err := r.text.recognize(ctx, img, latin(wlDigits))
			if err != nil {
				return nil, err
			}
			var second fields.Reading
			if g != nil {
				second = glyphLatin(g, img, wlDigits, false)
			}
			if t, ok := printedTerm(again, second); ok {
				rd[rg.key] = append(rd[rg.key], t)
			}
		}
		if rg.key == "validity" && rg.req.script == scriptLatin && last && !twoDates(reading) {
			// 长期 is Chinese: read the line again with the Chinese model for its end.
			again, err := r.text.recognize(ctx, img, han)
			if err != nil {
				return nil, err
			}
			rd[rg.key] = append(rd[rg.key], again)
		}
	}
	switch c.kind {
	case kiosk.KindIDCardFront:
		return fields.IDFront(rd, today), nil
	case kiosk.KindIDCardBack:
		return fields.IDBack(rd, today), nil
	case kiosk.KindDrivingLicence:
		return fields.DrivingLicence(rd, today), nil
	case kiosk.KindVehicleLicence:
		return fields.VehicleLicence(rd, today), nil
	}
	return nil, fmt.Errorf("ocr: no layout for %q", c.kind)
}

// fitMember reads a closed set's member from the ink of img where neither read named one: the
// label's end may have run into its first character, which a window leaves out (see
// memberInWindow); else the member whose characters explain the ink best, when it explains it
// nearly as well as the free reading and clearly better than any other member, is what is
// printed. Doubtful all the same. It returns no reading when neither finds a member.
func fitMember(g *glyph.Recognizer, img *image.Gray, members []string) []fields.Reading {
	line := g.ReadLine(img)
	if m, ok := memberInWindow(g, img, line, members); ok {
		return []fields.Reading{m}
	}
	f := g.FitLine(img, members)
	if n := utf8.RuneCountInString(f.Text); n > 0 {
		// The label's end touching the first character fits a member whose first
		// character is wider: as many characters as the member's, where their pitch puts
		// them, may fit another as long, and better.
		if w, ok := pitchWindow(line, img, n); ok {
			fw := g.FitLine(w, members)
			if utf8.RuneCountInString(fw.Text) == n && fw.Extra < f.Extra && fitTaken(fw) {
				f = fw
			}
		}
	}
	if f.Text == "" || !fitTaken(f) {
		return nil
	}
	return []fields.Reading{{Text: f.Text, Conf: slices.Repeat([]float64{fitConf}, utf8.RuneCountInString(f.Text))}}
}

// startsDate reports whether a date region's reading rd gives a valid date: a validity line
// its start.
func startsDate(key string, rd fields.Reading, today ident.Date) bool {
	if key == "validity" {
		return fields.ParseValidity(today, rd).From.Valid
	}
	return fields.Date(rd, today).Valid
}

// tessSure is the Tesseract confidence above which a character of a value of no fixed length
// is not dropped for being absent from the glyph read.
const tessSure = 0.95

// Where the glyph recogniser is certain of every character of a value (glyphCertain each),
// Tesseract must be surer still of a character the glyph read lacks for it to stay: on clean
// photos it reads the characters it reads right at 0.98–0.99, and invents one inside a code
// at 0.95–0.96 (the S of 5SPE410011, the I of GGC9I32343 for 5PE410011 and GGC932343).
const (
	glyphCertain = 0.999
	tessClean    = 0.97
)

// A closed set's member fitted to the ink is taken when its reading costs at most fitExtra
// more per character than the free reading and at least fitMargin less than the next member's
// (glyph.Fit's units), at fitConf.
const (
	fitExtra  = 4.5
	fitMargin = 2.0
	fitConf   = 0.7
)

// fitTaken reports whether a closed set's fitted member f is taken (see fitExtra).
func fitTaken(f glyph.Fit) bool { return f.Extra <= fitExtra && f.Margin >= fitMargin }

// brandMargin is the fitMargin of a vehicle's brand: a name read that is no brand on the list
// is most often a listed one misread, and brands are told apart by one character of two (丰田
// and 本田, 宝马 and 海马), whose ink under blur leaves a margin of about 1 between them.
const brandMargin = 0.5

// brandExtra is the fitExtra of a vehicle's brand. Under blur the strokes of a brand's
// characters come apart (丰田 read as four pieces, 丰 and the sides of 田), and the free reading
// of the pieces costs less than any whole character's: the listed brand's reading of them costs
// 5 to 7.5 more per character. The margin to the next brand, not this, keeps a wrong brand out.
const brandExtra = 7.5

// closedSets are the checks of the Chinese values printed from a closed set of names.
var closedSets = map[string]struct {
	check   func(fields.Reading) fields.Value
	members []string
}{
	"vehicle_type": {fields.VehicleType, fields.VehicleTypes},
	"use_nature":   {fields.UseNature, fields.UseNatures},
	"ethnicity":    {fields.Ethnicity, fields.Ethnicities},
}

// mergeLatin checks a Tesseract read rd of a line of letters and digits against the glyph
// recogniser's read of it, second. Where the two are as long and differ, the character is the
// glyph recogniser's if it is sure (on 96 engine numbers of three reference sets, of the five
// such disputes where it was sure it was right in four, Tesseract in none; where it was unsure,
// Tesseract was right), at disputedConf; otherwise it stays Tesseract's, at doubtConf.
//
// A read Tesseract made one character longer is the glyph recogniser's when dropping one
// character of Tesseract's gives it (1L0 for 10: the foot of a 1 read as L; DS5 for D5): the
// two agree on every other character, and those beside the dropped one stay disputed. For a
// value of a known length n (a VIN: 17) the glyph read must be that long; for one of no fixed
// length (n = 0) the glyph recogniser must be sure of every character and Tesseract unsure of
// the one dropped (see tessClean), which must lie within the value: the glyph recogniser
// loses a value's first letter to the label's end about as often as Tesseract reads the
// label's end as one more (on two reference sets, cutting Tesseract's reads to the glyph
// read's end mended three engine numbers and spoiled four). A read one character shorter, where the glyph read, sure of every
// character and not holed, holds it whole and adds one within the value (not at either end,
// where a label's remnant would be), passed over that character (95143370 for 95X143370): the
// glyph read is taken, the added character disputed. A shorter glyph read, sure, is checked
// against the read's end (see mendTail); otherwise, of reads of different lengths, the
// characters only Tesseract read are made doubtful (see doubtUnmatched). A glyph read with holes in it (see glyphLatin) lost no
// first letters: it is not checked against the read's end.
func mergeLatin(rd, second fields.Reading, n int) fields.Reading {
	a, b := []rune(rd.Text), []rune(second.Text)
	if len(rd.Conf) != len(a) || len(second.Conf) != len(b) {
		return rd
	}
	second, beside := withoutHoles(second)
	holed := beside != nil
	b = []rune(second.Text)
	sure := !slices.ContainsFunc(second.Conf, func(c float64) bool { return c < glyph.Threshold })
	keep := tessSure
	if !slices.ContainsFunc(second.Conf, func(c float64) bool { return c < glyphCertain }) {
		keep = tessClean
	}
	if len(a) == len(b)+1 && (n == 0 && sure || len(b) == n) {
		for i := range a {
			if n == 0 && (rd.Conf[i] >= keep || i == 0 || i == len(a)-1) {
				continue
			}
			if string(a[:i])+string(a[i+1:]) == second.Text {
				conf := slices.Delete(slices.Clone(rd.Conf), i, i+1)
				for _, k := range []int{i - 1, i} {
					if k >= 0 && k < n {
						conf[k] = min(conf[k], disputedConf)
					}
				}
				return fields.Reading{Text: second.Text, Conf: conf, Arbitrated: rd.Arbitrated}
			}
		}
	}
	if sure && !holed && len(b) == len(a)+1 && (n == 0 || len(b) == n) {
		for i := 1; i < len(b)-1; i++ {
			if string(b[:i])+string(b[i+1:]) == rd.Text {
				return fields.Reading{Text: second.Text, Conf: slices.Insert(slices.Clone(rd.Conf), i, disputedConf), Arbitrated: rd.Arbitrated}
			}
		}
	}
	if sure && !holed && len(b) < len(a) && len(b)*2 >= len(a) {
		if m := mendTail(rd, second); m.Text != rd.Text {
			return m
		}
	}
	if len(a) != len(b) {
		return doubtUnmatched(rd, b)
	}
	conf := slices.Clone(rd.Conf)
	for i := range a {
		switch {
		case a[i] == b[i]:
		case second.Conf[i] >= glyph.Threshold && !(holed && beside[i]):
			// Not where the glyph recogniser cut a letter in two and knew one half: the V
			// it read after a hole is the right half of Tesseract's W.
			a[i], conf[i] = b[i], min(conf[i], disputedConf)
		default:
			conf[i] = min(conf[i], doubtConf)
		}
	}
	rd.Text, rd.Conf = string(a), conf
	return rd
}

// withoutHoles returns rd without its unreadable characters (see glyphLatin), and for each
// character kept whether a hole stood beside it; nil if there were no holes.
func withoutHoles(rd fields.Reading) (fields.Reading, []bool) {
	if !strings.ContainsRune(rd.Text, utf8.RuneError) {
		return rd, nil
	}
	rs := []rune(rd.Text)
	var b strings.Builder
	var conf []float64
	var beside []bool
	for i, r := range rs {
		if r != utf8.RuneError {
			b.WriteRune(r)
			conf = append(conf, rd.Conf[i])
			beside = append(beside, i > 0 && rs[i-1] == utf8.RuneError || i+1 < len(rs) && rs[i+1] == utf8.RuneError)
		}
	}
	return fields.Reading{Text: b.String(), Conf: conf, Arbitrated: rd.Arbitrated}, beside
}

// doubtUnmatched returns rd with the characters that a longest common subsequence with the
// other read b leaves out made doubtful: where two recognisers read a line to different
// lengths, what only one of them saw is not settled, however sure that one was (Tesseract's
// sure L in LJL6RAD…, where the glyph recogniser read J1 as one unreadable character). A
// VIN's check digit may then repair it (CARDS.md §4).
func doubtUnmatched(rd fields.Reading, b []rune) fields.Reading {
	a := []rune(rd.Text)
	// l[i][j]: the longest common subsequence of a[i:] and b[j:].
	l := make([][]int, len(a)+1)
	for i := range l {
		l[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	conf := slices.Clone(rd.Conf)
	for i, j := 0, 0; i < len(a); {
		switch {
		case j < len(b) && a[i] == b[j]:
			i, j = i+1, j+1
		case j < len(b) && l[i][j+1] >= l[i+1][j]:
			j++
		default:
			conf[i] = min(conf[i], doubtConf)
			i++
		}
	}
	return fields.Reading{Text: rd.Text, Conf: conf, Arbitrated: rd.Arbitrated}
}

// mendTail checks the end of a Tesseract read rd against a shorter glyph read, sure of every
// character, that lost the value's first characters to the label's end (16RAD… of LJ16RAD…):
// where the two differ in one character only and Tesseract was unsure of it (L for 1 in a
// serif face), the glyph recogniser's character is taken, disputed.
func mendTail(rd, second fields.Reading) fields.Reading {
	a, b := []rune(rd.Text), []rune(second.Text)
	off := len(a) - len(b)
	diff := -1
	for i := range b {
		if a[off+i] == b[i] {
			continue
		}
		if diff >= 0 || rd.Conf[off+i] >= tessSure {
			return rd
		}
		diff = off + i
	}
	if diff < 0 {
		return rd
	}
	a[diff] = b[diff-off]
	conf := slices.Clone(rd.Conf)
	conf[diff] = min(conf[diff], disputedConf)
	return fields.Reading{Text: string(a), Conf: conf, Arbitrated: rd.Arbitrated}
}

// doubtTail makes doubtful the last character of Tesseract's read rd of a line of digits that
// the glyph recogniser's read of it, second, aligned at the end, reads otherwise, the two
// characters before it read alike by both. The glyph recogniser merges an ID number's digits
// where Tesseract does not, so only the end of the two reads can be aligned; one place is
// enough for the check character's single repair, and more would let a wrong candidate pass.
func doubtTail(rd, second fields.Reading) fields.Reading {
	a, b := []rune(rd.Text), []rune(second.Text)
	if len(rd.Conf) != len(a) {
		return rd
	}
	for k := 1; k <= min(len(a), len(b))-2; k++ {
		i, j := len(a)-k, len(b)-k
		if a[i] == b[j] {
			continue
		}
		if a[i-1] != b[j-1] || a[i-2] != b[j-2] {
			return rd
		}
		conf := slices.Clone(rd.Conf)
		conf[i] = min(conf[i], doubtConf)
		return fields.Reading{Text: rd.Text, Conf: conf, Arbitrated: rd.Arbitrated}
	}
	return rd
}

// latinCode reads again the model's code after 牌 in a brand and model rd whose code holds a
// Chinese character, which it cannot: the glyph recogniser joined letters into one ideograph
// (BY as 皿, HE as 皿, 7 as 刀) and Tesseract did not outvote it. Tesseract reads the ink
// right of 牌 (as the glyph recogniser placed it) as letters and digits, and its code replaces
// the one read, doubtful. (Read so throughout, codes lose more than they gain: Tesseract's
// I for 1 and S for 5.)
func (r *Reader) latinCode(ctx context.Context, g *glyph.Recognizer, img *image.Gray, rd fields.Reading) (fields.Reading, error) {
	rs := []rune(rd.Text)
	at := slices.Index(rs, '牌')
	if at < 0 || len(rd.Conf) != len(rs) || !slices.ContainsFunc(rs[at+1:], func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		return rd, nil
	}
	free := g.ReadLine(img)
	k := slices.IndexFunc(free.Chars, func(c glyph.Char) bool { return c.Rune == '牌' })
	if k < 0 {
		return rd, nil
	}
	b := img.Bounds()
	sub := img.SubImage(image.Rect(free.Chars[k].Box.Max.X+1, b.Min.Y, b.Max.X, b.Max.Y)).(*image.Gray)
	code, err := r.tess.recognize(ctx, sub, request{script: scriptLatin, whitelist: wlEngine})
	if err != nil || code.Text == "" || len(code.Conf) != len([]rune(code.Text)) {
		return rd, err
	}
	conf := slices.Clone(rd.Conf[:at+1])
	for _, c := range code.Conf {
		conf = append(conf, min(c, doubtConf))
	}
	return fields.Reading{Text: string(rs[:at+1]) + code.Text, Conf: conf, Arbitrated: rd.Arbitrated}, nil
}

// brandFit reads again the brand of a brand and model rd whose brand, the name before 牌, is
// not one of fields.VehicleBrands: a blurred 丰 read as 非, 上 or 棒, the end of the label
// read before the name (旺宝马). Of the brands, the one whose characters explain the ink left
// of 牌 best, when it explains it nearly as well as the free reading and better than any other
// brand (the ink tells 丰田 from 本田, which an edit of one character does not), replaces the
// name, doubtful. A brand not on the list stays as read when none fits so.
func brandFit(g *glyph.Recognizer, img *image.Gray, rd fields.Reading) fields.Reading {
	rs := []rune(rd.Text)
	at := slices.Index(rs, '牌')
	if at < 0 || len(rd.Conf) != len(rs) || slices.Contains(fields.VehicleBrands, string(rs[:at])) {
		return rd
	}
	free := g.ReadLine(img)
	k := slices.IndexFunc(free.Chars, func(c glyph.Char) bool { return c.Rune == '牌' })
	if k < 0 {
		return rd
	}
	b := img.Bounds()
	sub := img.SubImage(image.Rect(b.Min.X, b.Min.Y, free.Chars[k].Box.Min.X, b.Max.Y)).(*image.Gray)
	f := g.FitLine(sub, fields.VehicleBrands)
	if f.Text == "" || f.Extra > brandExtra || f.Margin < brandMargin {
		return rd
	}
	conf := append(slices.Repeat([]float64{fitConf}, utf8.RuneCountInString(f.Text)), rd.Conf[at:]...)
	return fields.Reading{Text: f.Text + string(rs[at:]), Conf: conf, Arbitrated: rd.Arbitrated}
}

// glyphLatin reads a line of Latin letters and digits with the glyph recogniser, keeping
// the characters of the whitelist wl: the end of a label caught in the crop (型 of 准驾车型) is
// left out. Its confidences are the recogniser's, not checked against a second reading. With
// holes, a character outside wl between two within it stays, as unreadable (U+FFFD) at
// confidence 0: letters run together into one ideograph (J1 as 皿 in LJ16RAD…) hold their
// place, so that the read is not taken for one that lost the value's first letters.
func glyphLatin(g *glyph.Recognizer, img *image.Gray, wl string, holes bool) fields.Reading {
	return latinOf(g.ReadLine(img), wl, holes)
}

// latinOf is glyphLatin of a line the glyph recogniser has read.
func latinOf(line glyph.Line, wl string, holes bool) fields.Reading {
	var b strings.Builder
	var conf []float64
	hole := false
	for _, ch := range line.Chars {
		if !strings.ContainsRune(wl, ch.Rune) {
			hole = holes && b.Len() > 0
			continue
		}
		if hole {
			b.WriteRune(utf8.RuneError)
			conf = append(conf, 0)
			hole = false
		}
		b.WriteRune(ch.Rune)
		conf = append(conf, ch.Confidence)
	}
	return fields.Reading{Text: b.String(), Conf: conf}
}

// printedTerm reads a driving licence's term from Tesseract's digit-only read of its term
// region (N年), rd: the term's digits and at most one more character, the 年 that the
// whitelist made a digit, often surely (104 for 10年). The term is one of fields.DrivingTerms
// or nothing, and no two of them begin with the same digit: the first digit tells them apart
// and must be sure, or the glyph recogniser's digit read, second, must begin with it too (a
// blurred 6 both read unsure), or be, sure, the term without its first digit, which the end
// of the label standing over it took into one character (为0年 for 10年); a term's later
// digits need only be there (the 0 of a blurred 10 is often unsure). Its 年 restored, the
// term is doubtful: nothing but the region's place says that the digits are a term.
func printedTerm(rd, second fields.Reading) (fields.Reading, bool) {
	for _, years := range fields.DrivingTerms {
		t := strconv.Itoa(years)
		n := len(t)
		if !strings.HasPrefix(rd.Text, t) || len(rd.Text) > n+1 || len(rd.Conf) < n {
			continue
		}
		rest := n > 1 && second.Text == t[1:] && !slices.ContainsFunc(second.Conf, func(c float64) bool { return c < glyph.Threshold })
		if rd.Conf[0] < tessSure && !strings.HasPrefix(second.Text, t[:1]) && !rest {
			continue
		}
		conf := slices.Repeat([]float64{disputedConf}, n+1)
		return fields.Reading{Text: t + "年", Conf: conf}, true
	}
	return fields.Reading{}, false
}

func twoDates(rd fields.Reading) bool {
	v := fields.ParseValidity(ident.Date{}, rd)
	return v.From.Text != "" && v.Until.Text != "" && v.Until.Text != fields.Forever
}

package glyph

import (
	"image"
	"math"
	"strings"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/feat"
)

// segmentBias is added to each segment's squared distance in the path
// search, in units of the discriminant dimension count (the expected squared
// distance of a correct match). It makes one good match cheaper than two
// halves of a character, while two digits still beat one poor match.
const segmentBias = 0.25

// widthWeight scales the width penalty of the path search, per squared
// standard deviation of a character's width, in units of the discriminant
// dimension count.
const widthWeight = 0.05

// digitSure is the confidence above which a lone atom counts as a digit
// that must not be merged with its neighbours.
const digitSure = 0.02

// ReadLine reads a single line of roughly fixed-pitch text: a crop, already
// rectified, holding one line of glyphs about 20–60 pixels tall, dark on a
// light background. A blank or contrast-free crop yields an empty Line.
//
// The line is cut into atoms at blank columns; a path search then chooses
// which neighbouring atoms form one character by classifying every
// plausible grouping and keeping the cheapest sequence.
func (r *Recognizer) ReadLine(img image.Image) Line {
	lt, ok := r.lattice(img)
	if !ok {
		return Line{}
	}
	return lt.read(img.Bounds().Min)
}

// read returns the cheapest path's characters, their boxes offset by origin.
func (lt *lattice) read(origin image.Point) Line {
	_, from := lt.cheapest()
	var chars []Char
	for j := len(lt.singles); j > 0; {
		sc := from[j]
		if sc == nil {
			j--
			continue
		}
		chars = append(chars, lt.r.makeChar(sc, origin))
		j = sc.j
	}
	for a, b := 0, len(chars)-1; a < b; a, b = a+1, b-1 {
		chars[a], chars[b] = chars[b], chars[a]
	}
	var sb strings.Builder
	for _, c := range chars {
		sb.WriteRune(c.Rune)
	}
	return Line{Text: sb.String(), Chars: chars}
}

// lattice is a line cut into atoms with every plausible grouping of neighbouring atoms
// classified once: the free reading and the fitting of a closed set search the same
// candidates.
type lattice struct {
	r    *Recognizer
	band feat.Band
	// singles[i] is atom i alone (nil when it holds no ink); groups[i] are the groupings of
	// two or more atoms starting at atom i.
	singles []*segCand
	groups  [][]*segCand
}

func (r *Recognizer) lattice(img image.Image) (*lattice, bool) {
	ink, ok := feat.NewInk(img)
	if !ok {
		return nil, false
	}
	ink.RemoveSpecks(max(2, ink.H*ink.H/600))
	band, ok := findBand(ink)
	if !ok {
		return nil, false
	}
	bh := float64(band.Height())
	atoms := findAtoms(ink, band)
	bridged := bridgedGaps(ink, band)
	n := len(atoms)
	if n == 0 {
		return nil, false
	}
	s := r.scratch.Get().(*cellScratch)
	defer r.scratch.Put(s)

	lt := &lattice{r: r, band: band, singles: make([]*segCand, n), groups: make([][]*segCand, n)}
	// Rows above and below the band are included when boxing a segment so
	// that a stroke poking out of the band is not cut off.
	margin := int(bh / 6)
	// Every atom alone first: a group of atoms that each read confidently as
	// a digit is never merged into one ideograph ("11" as 皿), which the
	// distances alone do not prevent.
	digit := make([]bool, n)
	for i := range atoms {
		area := image.Rect(atoms[i].x0, band.Top-margin, atoms[i].x1, band.Bottom+margin)
		box, ok := ink.Box(area)
		if !ok {
			continue
		}
		sc := r.candidate(ink, box, band, s, i)
		if sc == nil {
			continue
		}
		lt.singles[i] = sc
		if c := r.cls.m.Runes[sc.ranked[0].class]; c >= '0' && c <= '9' {
			digit[i] = r.sureness(sc) >= digitSure
		}
	}
	for i := 0; i < n; i++ {
		allDigits := digit[i]
		for j := i + 2; j <= n && j-i <= maxMerge; j++ {
			allDigits = allDigits && digit[j-1]
			w := float64(atoms[j-1].x1 - atoms[i].x0)
			if w > maxWidthBand*bh || !bridged(atoms[j-2].x1, atoms[j-1].x0) && float64(atoms[j-1].x0-atoms[j-2].x1) > maxGapBand*bh {
				break
			}
			if allDigits {
				continue
			}
			area := image.Rect(atoms[i].x0, band.Top-margin, atoms[j-1].x1, band.Bottom+margin)
			box, ok := ink.Box(area)
			if !ok {
				continue
			}
			if sc := r.candidate(ink, box, band, s, i); sc != nil {
				sc.end = j
				lt.groups[i] = append(lt.groups[i], sc)
			}
		}
	}
	return lt, true
}

// candidate classifies the ink in box as one character starting at atom i.
func (r *Recognizer) candidate(ink *feat.Ink, box image.Rectangle, band feat.Band, s *cellScratch, i int) *segCand {
	ranked := r.classify(ink, box, band, s)
	if len(ranked) == 0 {
		return nil
	}
	return &segCand{j: i, end: i + 1, box: box, ranked: ranked, y: append([]float32(nil), s.y...)}
}

// cheapest runs the path search of the free reading: best[j] is the cheapest cost of reading
// atoms [0, j), from[j] the last character of that path.
func (lt *lattice) cheapest() (best []float64, from []*segCand) {
	n := len(lt.singles)
	lda := float64(lt.r.cls.lda)
	bias := segmentBias * lda
	best = make([]float64, n+1)
	from = make([]*segCand, n+1)
	for j := 1; j <= n; j++ {
		best[j] = math.Inf(1)
	}
	for i := 0; i < n; i++ {
		if math.IsInf(best[i], 1) {
			continue
		}
		if sc := lt.singles[i]; sc != nil {
			if c := best[i] + lt.r.segmentCost(sc.ranked[0], sc.box, lt.band) + bias; c < best[i+1] {
				best[i+1], from[i+1] = c, sc
			}
		}
		for _, sc := range lt.groups[i] {
			if c := best[i] + lt.r.segmentCost(sc.ranked[0], sc.box, lt.band) + bias; c < best[sc.end] {
				best[sc.end], from[sc.end] = c, sc
			}
		}
		// A character wider than the limit still needs a path: take the
		// lone atom even if it is poor.
		if math.IsInf(best[i+1], 1) {
			best[i+1] = best[i] + poorAtom*lda
		}
	}
	return best, from
}

// rarePenalty is added to a segment read as a character of the table's third level, in
// units of the discriminant dimension count: such characters are rare in print outside
// names, and a font the model was not built from can draw a common character so that its
// parts, or a digit with a part, match rare ones better than it matches itself (7幢 read
// as 翀𦒍: 7 with 巾, then 童). A rare character that is there still matches far better than
// the penalty (the level-3 names of the reference sets all read as before).
const rarePenalty = 2.0

// poorAtom is the cost of an atom no candidate explains, in units of the discriminant
// dimension count.
const poorAtom = 10

// faintInk is the coverage of a stroke too thin or light to be in the ink mask, which still
// joins the parts of one character: the sides of 口 in a light serif font.
const faintInk = 0.2

// bridgedGaps returns a function telling whether every column of the gap [a, b) between two
// atoms holds faint ink: a stroke crosses it, and the atoms may be one character however
// wide the gap. The blurred edges of two separate characters reach into a gap from both
// sides but leave its middle blank.
func bridgedGaps(ink *feat.Ink, band feat.Band) func(a, b int) bool {
	blank := make([]int, ink.W+1) // blank[x]: columns in [0, x) without even faint ink
	for x := 0; x < ink.W; x++ {
		empty := 1
		for y := band.Top; y < band.Bottom; y++ {
			if ink.V[y*ink.W+x] >= faintInk {
				empty = 0
				break
			}
		}
		blank[x+1] = blank[x] + empty
	}
	return func(a, b int) bool { return blank[b] == blank[a] }
}

// segmentCost scores one candidate segment for the path search: the
// squared distance to the nearest character plus a penalty when the
// segment's width does not fit that character's usual width. Without it two
// narrow digits side by side ("11") read as one ideograph (皿, 口) about as
// well as they read as two digits. A rare character adds rarePenalty.
func (r *Recognizer) segmentCost(m scored, box image.Rectangle, band feat.Band) float64 {
	c := m.class
	w := float64(box.Dx()) / float64(max(1, band.Height()))
	mu, sd := float64(r.cls.m.Width[2*c]), math.Max(float64(r.cls.m.Width[2*c+1]), 0.05)
	z := (w - mu) / sd
	rare := 0.0
	if r.cls.m.Levels[c] == 3 {
		rare = rarePenalty * float64(r.cls.lda)
	}
	return float64(m.d2) + widthWeight*float64(r.cls.lda)*z*z + rare
}

// classify returns the ranked classes for one ink box. The result is a
// fresh slice: the path search keeps it.
func (r *Recognizer) classify(ink *feat.Ink, box image.Rectangle, band feat.Band, s *cellScratch) []scored {
	feat.Extract(ink, box, band, &s.fs, s.x)
	r.cls.project(s.x, s.y)
	s.rank = r.cls.rank(s.y, s.rank)
	n := min(len(s.rank), numAlts+1)
	return append([]scored(nil), s.rank[:n]...)
}

// sureness is the calibrated confidence of a candidate's best class, from its margin over the
// runner-up.
func (r *Recognizer) sureness(sc *segCand) float64 {
	d2 := sc.ranked[0].d2 + float32(4*r.cls.lda) // no runner-up: treat as distant
	if len(sc.ranked) > 1 {
		d2 = sc.ranked[1].d2
	}
	return r.cls.confidence(sc.ranked[0].d2, d2)
}

func (r *Recognizer) makeChar(sc *segCand, origin image.Point) Char {
	rk := sc.ranked
	m := r.cls.m
	c := Char{Rune: m.Runes[rk[0].class], Box: sc.box.Add(origin), Confidence: r.sureness(sc)}
	if len(rk) > 1 && r.cls.twins(rk[0].class, rk[1].class) {
		c.Confidence = min(c.Confidence, twinCap)
	}
	for _, a := range rk[1:] {
		c.Alternatives = append(c.Alternatives, Alternative{
			Rune:  m.Runes[a.class],
			Score: math.Exp(-float64(m.Calib[1]) * (math.Sqrt(float64(a.d2)) - math.Sqrt(float64(rk[0].d2)))),
		})
	}
	return c
}

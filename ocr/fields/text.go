// Package fields turns the raw text OCR read from each region of a document into normalised
// field values with confidences, as CARDS.md §2–§4 define them. It is pure Go so that its
// rules can be golden-tested and fuzzed without OpenCV or Tesseract.
package fields

import (
	"slices"
	"strings"
	"unicode"
)

// Reading is what OCR returned for one region: its text and, when the engine reports them, a
// confidence in [0,1] for each rune of Text (len(Conf) == number of runes). Line breaks in Text
// separate printed lines.
type Reading struct {
	Text string
	Conf []float64
	// Arbitrated says that Conf comes from two independent recognisers checked against each
	// other (or from a recogniser calibrated on fonts it was not built from), so it may be
	// trusted above capUnverified: a character both read alike, or one the calibrated
	// recogniser is sure of, is rarely wrong, while every other character is already low.
	Arbitrated bool
}

// Value is one normalised field. Conf is in [0,1] and already lowered when validation failed,
// when the value was snapped to a closed set, or when it was repaired by a checksum. Valid
// reports whether a format, closed-set or checksum check confirmed the value; free text (names,
// addresses) that nothing can check is never Valid. Problem says why a check failed.
type Value struct {
	Text    string
	Conf    float64
	Valid   bool
	Problem string
}

// Confidence caps. A value that failed its check must never look confident (CARDS.md §4: report
// it with low confidence and let the case escalate); snaps and repairs are right far more often
// than not but still deserve a look.
const (
	capInvalid  = 0.5
	capSnapped  = 0.75
	capRepaired = 0.85
	capDerived  = 0.7
	unknownConf = 0.6 // an engine that reports no per-rune confidence
	// capUnverified bounds free text that no check can confirm (names, addresses, authorities,
	// printed descriptions). Tesseract's per-character confidences stay high on look-alike
	// Chinese characters (霞/暇, 幢/峡), so a single read of such text must not look settled;
	// an independent second recogniser agreeing is what may lift it later.
	capUnverified = 0.79
	// capAgreed bounds a value that independent reads agree on: they share the photo, so
	// they are not fully independent.
	capAgreed = 0.99
)

// freeCap is the confidence cap of free text read as rd.
func freeCap(rd Reading) float64 {
	if rd.Arbitrated {
		return 1
	}
	return capUnverified
}

// glyph is one rune with the confidence OCR gave it, so that confidences follow characters
// through normalisation.
type glyph struct {
	r rune
	c float64
}

type glyphs []glyph

func toGlyphs(rd Reading) glyphs {
	rs := []rune(rd.Text)
	out := make(glyphs, len(rs))
	for i, r := range rs {
		c := unknownConf
		if len(rd.Conf) == len(rs) {
			c = clamp01(rd.Conf[i])
		}
		out[i] = glyph{r, c}
	}
	return out
}

func (g glyphs) String() string {
	var b strings.Builder
	for _, x := range g {
		b.WriteRune(x.r)
	}
	return b.String()
}

// conf aggregates per-rune confidences. The weakest character dominates: a field is as wrong as
// its worst character, and a mean alone would hide one misread among many good ones.
func (g glyphs) conf() float64 {
	if len(g) == 0 {
		return 0
	}
	sum, lo := 0.0, 1.0
	for _, x := range g {
		sum += x.c
		lo = min(lo, x.c)
	}
	mean := sum / float64(len(g))
	return clamp01(0.3*mean + 0.7*lo)
}

func (g glyphs) filter(keep func(rune) bool) glyphs {
	out := make(glyphs, 0, len(g))
	for _, x := range g {
		if keep(x.r) {
			out = append(out, x)
		}
	}
	return out
}

func (g glyphs) mapRunes(f func(rune) rune) glyphs {
	out := make(glyphs, len(g))
	for i, x := range g {
		out[i] = glyph{f(x.r), x.c}
	}
	return out
}

// trimPrefixText removes a leading occurrence of any of the label texts (a padded region may
// catch part of the printed label). Only whole labels are removed, never guessed fragments.
func (g glyphs) trimLabels(labels ...string) glyphs {
	s := g.String()
	for _, l := range labels {
		if i := strings.Index(s, l); i >= 0 && i <= 1 {
			n := len([]rune(s[:i+len(l)]))
			g = g[n:]
			s = g.String()
		}
	}
	return g
}

// Width folds full-width ASCII variants (U+FF01–U+FF5E) and the ideographic space to ASCII.
func Width(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFF01 + 0x21
	case r == 0x3000:
		return ' '
	}
	return r
}

// middleDots are the characters OCR and fonts use for the separator in transliterated names.
const middleDots = "·•・.．‧∙⋅˙"

// Dot maps the separator variants of transliterated names to U+00B7.
func Dot(r rune) rune {
	if strings.ContainsRune(middleDots, r) {
		return '·'
	}
	return r
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == 0x3000 }

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// digitFix maps the safe look-alikes of CARDS.md §4 to digits. It is applied only where the
// format admits nothing but a digit.
func digitFix(r rune) rune {
	switch r {
	case 'O', 'o', 'D', 'Q':
		return '0'
	case 'I', 'l', '|', '丨', 'i', '!':
		return '1'
	case 'Z', 'z':
		return '2'
	case 'S', 's':
		return '5'
	case 'B':
		return '8'
	case 'G':
		return '6'
	}
	return r
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func clamp01(x float64) float64 {
	if x < 0 {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}

func invalid(text string, c float64, problem string) Value {
	return Value{Text: text, Conf: min(c, capInvalid), Problem: problem}
}

func valid(text string, c float64) Value { return Value{Text: text, Conf: c, Valid: true} }

// editDistance is the Levenshtein distance over runes; closed sets here are short.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// snap returns the member of set equal to s, or the unique member at edit distance 1 (snapped
// reports that), or ok=false when none or several are that close.
func snap(s string, set []string) (m string, snapped, ok bool) {
	for _, x := range set {
		if x == s {
			return x, false, true
		}
	}
	n := 0
	for _, x := range set {
		if editDistance(s, x) == 1 && len([]rune(x)) > 1 {
			m, n = x, n+1
		}
	}
	return m, true, n == 1
}

// strayDropped lists the distinct strings s gives by dropping its first or last character, or
// one of two equal neighbours: a speck or the end of a label before a number, the card's edge
// after it, a character read twice. A stray character elsewhere cannot be told from a misread
// one, and more candidates would let a wrong one pass a check digit by chance. s is ASCII.
func strayDropped(s string) []string {
	var out []string
	for i := range s {
		if i != 0 && i != len(s)-1 && s[i] != s[i-1] {
			continue
		}
		v := s[:i] + s[i+1:]
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// onlyOne returns the single element of found, if there is exactly one: a repair is made only
// when one candidate alone passes the check.
func onlyOne[T any](found []T) (T, bool) {
	if len(found) != 1 {
		var zero T
		return zero, false
	}
	return found[0], true
}

package fields

import (
	"errors"
	"slices"
	"strings"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// Person is what other fields of the same document say about the holder, used to confirm an ID
// number and its repairs. Empty strings mean "not read".
type Person struct {
	Birth string // YYYY-MM-DD
	Sex   string // 男 or 女
	// BirthDigits are the digits of a birth date read without its marks, when Birth is not
	// known (1998年7月26日 read 1998726): a number whose date prints so agrees with it.
	BirthDigits string
}

// repairBelow is the per-character confidence under which a digit may be swapped for a
// look-alike during check-character repair: confident characters are left alone.
const repairBelow = 0.9

// confusable lists the digit look-alikes of CARDS.md §4 tried by the single-substitution repair.
var confusable = map[byte]string{
	'0': "8", '1': "7", '3': "58", '5': "38", '6': "8", '7': "1", '8': "0356",
}

// IDNumber reads an 18-character citizen ID number. Digit look-alikes are mapped in positions
// 1–17, and x/× becomes X in position 18 only. A number that fails its check character is
// repaired only when exactly one single substitution at a low-confidence position passes every
// check and agrees with the separately read birth date and sex (CARDS.md §4). A valid number
// with an unknown province code keeps a lowered confidence.
func IDNumber(rd Reading, p Person, today ident.Date) Value {
	g := toGlyphs(rd).mapRunes(Width).filter(func(r rune) bool { return !isSpace(r) && r != '-' })
	raw := g.String()
	if n := len(g); n == 18 {
		last := g[17].r
		if last == 'x' || last == '×' || last == 'X' {
			g[17].r = 'X'
		} else {
			g[17].r = digitFix(last)
		}
		for i := 0; i < 17; i++ {
			g[i].r = digitFix(g[i].r)
		}
	}
	s, c := g.String(), g.conf()
	if len(g) == 19 && len(s) == 19 {
		if id, ok := idWithout(s, p, today); ok {
			return Value{Text: id.Number, Conf: min(c, capRepaired), Valid: true, Problem: "extra character removed"}
		}
	}
	if n := len(g); (n == 20 || n == 21) && len(s) == n {
		// Two or three characters too many: the end of the label read as digits before the
		// number (23 of 证号 under blur), or the card's edge after it.
		if id, ok := idWithin(s, p, today); ok {
			return Value{Text: id.Number, Conf: min(c, capRepaired), Valid: true, Problem: "extra characters removed"}
		}
	}
	if len(g) != 18 {
		return invalid(raw, c, "not 18 characters")
	}
	id, err := ident.ParseIDNumber(s, today)
	if err == nil {
		return idValue(id, c, p, today)
	}
	fixed, ok := repairID(g, p, today)
	if !ok {
		return invalid(s, c, "fails validation: "+err.Error())
	}
	return Value{Text: fixed.Number, Conf: min(c, capRepaired), Valid: true, Problem: "check character repair"}
}

// idWithout returns the unique valid ID number that s (19 characters) gives without one stray
// character (see strayDropped), provided it agrees with the birth date and sex read apart.
func idWithout(s string, p Person, today ident.Date) (ident.IDNumber, bool) {
	return idAmong(strayDropped(s), p, today)
}

// idWithin returns the unique valid ID number among the 18-character stretches of s that
// agrees with the birth date and sex read apart.
func idWithin(s string, p Person, today ident.Date) (ident.IDNumber, bool) {
	var cands []string
	for i := 0; i+18 <= len(s); i++ {
		cands = append(cands, s[i:i+18])
	}
	return idAmong(cands, p, today)
}

// idAmong returns the one candidate that, its digits' look-alikes mapped (idDigits), is a valid
// ID number agreeing with the birth date and sex read apart.
func idAmong(cands []string, p Person, today ident.Date) (ident.IDNumber, bool) {
	var found []ident.IDNumber
	for _, v := range cands {
		if id, err := ident.ParseIDNumber(idDigits(v), today); err == nil && agrees(id, p) {
			found = append(found, id)
		}
	}
	return onlyOne(found)
}

// idDigits maps the look-alikes of digits in an 18-character candidate to digits, all but an
// X in the check position.
func idDigits(v string) string {
	b := []byte(v)
	for i := range b {
		if i < 17 || b[i] != 'X' && b[i] != 'x' {
			b[i] = byte(digitFix(rune(b[i])))
		}
	}
	return strings.ToUpper(string(b))
}

func idValue(id ident.IDNumber, c float64, p Person, today ident.Date) Value {
	v := valid(id.Number, c)
	if ws := id.Warnings(today); len(ws) > 0 {
		// Unknown province or implausible age: a warning, not a rejection (CARDS.md §3.1).
		v.Conf, v.Problem = min(c, capSnapped), ws[0].Error()
	}
	if p.Birth != "" && p.Birth != id.Birth.String() || p.Sex != "" && p.Sex != id.Sex {
		// The number is self-consistent; the disagreement is with another field, which the
		// document-level check lowers. Keep the number's confidence but say so.
		v.Problem = strings.TrimPrefix(v.Problem+"; disagrees with birth date or sex", "; ")
	}
	return v
}

// repairID tries every single substitution among confusable digits at low-confidence positions
// and returns the only candidate that validates and agrees with p. The check character itself
// is a position like any other.
func repairID(g glyphs, p Person, today ident.Date) (ident.IDNumber, bool) {
	s := []byte(g.String())
	if len(s) != 18 {
		return ident.IDNumber{}, false
	}
	var found []ident.IDNumber
	for i := 0; i < 18; i++ {
		if g[i].c >= repairBelow {
			continue
		}
		orig := s[i]
		for _, alt := range confusable[orig] {
			s[i] = byte(alt)
			if id, err := ident.ParseIDNumber(string(s), today); err == nil && agrees(id, p) {
				found = append(found, id)
			}
		}
		s[i] = orig
	}
	return onlyOne(found)
}

// agrees requires both birth date and sex to have been read and to match: a repair is only
// safe when independent evidence confirms it. A birth date read as its digits alone matches
// when they are the number's date as printed (see printedDates).
func agrees(id ident.IDNumber, p Person) bool {
	birth := p.Birth != "" && id.Birth.String() == p.Birth ||
		p.Birth == "" && p.BirthDigits != "" && slices.Contains(printedDates(id.Birth.String()), p.BirthDigits)
	return birth && p.Sex != "" && id.Sex == p.Sex
}

// errPassport marks a licence number that is not shaped like an ID number.
var errPassport = errors.New("not an ID number")

// LicenceNumber reads a driving licence number: the holder's ID number, or for a foreign
// national a passport number (letters and digits, no ID checks).
func LicenceNumber(rd Reading, p Person, today ident.Date) Value {
	g := toGlyphs(rd).mapRunes(Width).filter(func(r rune) bool { return !isSpace(r) })
	g = g.trimLabels("证号")
	digits := 0
	for _, x := range g {
		if isDigit(x.r) {
			digits++
		}
	}
	if len(g) == 18 || digits >= 15 {
		return IDNumber(Reading{Text: g.String(), Conf: confs(g)}, p, today)
	}
	s := strings.ToUpper(g.String())
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || isDigit(r)) {
			return invalid(s, g.conf(), errPassport.Error())
		}
	}
	if len(s) < 6 {
		return invalid(s, g.conf(), errPassport.Error())
	}
	return Value{Text: s, Conf: min(g.conf(), capSnapped), Problem: errPassport.Error()}
}

func confs(g glyphs) []float64 {
	out := make([]float64, len(g))
	for i, x := range g {
		out[i] = x.c
	}
	return out
}

package fields

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// Forever is the printed and normalised value of an open-ended validity (长期).
const Forever = "长期"

// digitRuns splits g into runs of digit-like characters with the safe look-alikes of
// CARDS.md §4 mapped to digits. A run counts only if at least half of it was printed as real
// digits, so that label words ("Valid", "For") never turn into numbers.
func digitRuns(g glyphs) []glyphs {
	var runs []glyphs
	var cur glyphs
	real := 0
	flush := func() {
		if len(cur) > 0 && real*2 >= len(cur) {
			runs = append(runs, cur)
		}
		cur, real = nil, 0
	}
	for _, x := range g {
		r := Width(x.r)
		switch {
		case isDigit(r):
			cur = append(cur, glyph{r, x.c})
			real++
		case isDigit(digitFix(r)):
			cur = append(cur, glyph{digitFix(r), x.c})
		default:
			flush()
		}
	}
	flush()
	return runs
}

// inDigitRun reports whether digitRuns takes r into a run: a digit, or a safe look-alike of one.
func inDigitRun(r rune) bool {
	r = Width(r)
	return isDigit(r) || isDigit(digitFix(r))
}

// dateAt reads one date from the digit runs starting at runs[i]: either YYYYMMDD in one run or
// year, month and day in three. It returns the glyphs of the date (for confidence), the
// normalised text and how many runs it used, or n=0.
func dateAt(runs []glyphs, i int) (d glyphs, text string, n int) {
	if i < len(runs) && len(runs[i]) == 8 {
		r := runs[i]
		return r, fmt.Sprintf("%s-%s-%s", r[:4], r[4:6], r[6:]), 1
	}
	if i+2 < len(runs) && len(runs[i]) >= 4 && len(runs[i+1]) <= 2 && len(runs[i+2]) <= 2 {
		// A longer first run is label ink read as digits before the year: keep its last four.
		y, m, dd := runs[i][len(runs[i])-4:], runs[i+1], runs[i+2]
		d = append(append(append(glyphs{}, y...), m...), dd...)
		return d, fmt.Sprintf("%s-%02s-%02s", y, m.String(), dd.String()), 3
	}
	return nil, "", 0
}

// dated reports whether a date begins at runs[i].
func dated(runs []glyphs, i int) bool {
	_, _, n := dateAt(runs, i)
	return n > 0
}

// pastDate checks a date that must not lie ahead (checkDate). Years printed on a document
// begin 19 or 20: a 20 misread as 90, 70 or 10 (the 2's foot lost, or the 2 run into the
// label's end) is a 20. Only the 2's own look-alikes are taken for it: a year of other
// digits (3922, label ink before 22) may have lost more than its first. Nothing confirms the
// rest of the year: the date stays for a person to confirm.
func pastDate(text string, g glyphs, today ident.Date) (Value, ident.Date) {
	v, d := checkDate(text, g, today, false)
	if v.Valid || text[1] != '0' || !strings.ContainsRune("179", rune(text[0])) {
		return v, d
	}
	if w, wd := checkDate("2"+text[1:], g, today, false); w.Valid {
		return Value{Text: w.Text, Conf: min(w.Conf, capSnapped), Valid: true, Problem: "year's first digit from its second"}, wd
	}
	return v, d
}

// checkDate validates a normalised YYYY-MM-DD, also refusing dates after today unless future is
// allowed (only a validity end may lie ahead).
func checkDate(text string, g glyphs, today ident.Date, future bool) (Value, ident.Date) {
	text = strings.ReplaceAll(text, " ", "0")
	d, err := ident.ParseDate(text)
	if err != nil {
		return invalid(text, g.conf(), "not a calendar date"), d
	}
	if !future && d.String() > today.String() {
		return invalid(text, g.conf(), "date after today"), d
	}
	if d.Year < firstYear {
		// No holder living was born, and no card was issued, before then: 1026 is a
		// 2 misread as 1.
		return invalid(text, g.conf(), "year before 1900"), d
	}
	return valid(text, g.conf()), d
}

// runTogether reads a birth date left invalid whose year, month and day ran together when the
// marks between them were lost (1998年7月26日, its 年 and 月 faded: 1998726), where the calendar
// parts the month from the day one way only (not 1994125: 1-25 or 12-5). Nothing confirms the
// parting: doubtful. Only where no valid ID number gives the date (see crossCheck): a read that
// lost a digit (200612 for 2006912) would be parted too, and against the number's date.
func runTogether(v Value, today ident.Date) (Value, bool) {
	r := digitRuns(toGlyphs(Reading{Text: v.Text}))
	if v.Valid || len(r) != 1 || len(r[0]) < 6 || len(r[0]) > 7 {
		return v, false
	}
	y, md := r[0][:4].String(), r[0][4:].String()
	var found []Value
	for m := 1; m <= 2; m++ {
		if d := len(md) - m; d >= 1 && d <= 2 {
			if w, _ := checkDate(fmt.Sprintf("%s-%02s-%02s", y, md[:m], md[m:]), r[0], today, false); w.Valid {
				found = append(found, w)
			}
		}
	}
	if len(found) != 1 {
		return v, false
	}
	return Value{Text: found[0].Text, Conf: min(v.Conf, capSnapped), Valid: true, Problem: "month and day parted by the calendar"}, true
}

// firstYear is the earliest year a date on a document in use can have.
const firstYear = 1900

// Date reads a date printed as digits with any separators: `1985 年 3 月 12 日`,
// `2015.02.18`, `2018-07-13`, `19850312`. Dates after today are invalid.
func Date(rd Reading, today ident.Date) Value {
	raw := toGlyphs(rd)
	g := slices.Clone(raw)
	// A date is printed on one line: a line break between two digits is the reader's, a
	// blurred line's halves taken for two (200\n9-06-15).
	for i := len(g) - 2; i > 0; i-- {
		if g[i].r == '\n' && inDigitRun(g[i-1].r) && inDigitRun(g[i+1].r) {
			g = slices.Delete(g, i, i+1)
		}
	}
	runs := digitRuns(g)
	for i := range runs {
		if dg, text, n := dateAt(runs, i); n > 0 {
			v, _ := pastDate(text, dg, today)
			return v
		}
	}
	// A year parted by a speck read as a mark (20.22-04-27): two runs of four digits together
	// before a month and a day. Nothing but the calendar checks the join: doubtful.
	for i := 0; i+3 < len(runs); i++ {
		if len(runs[i])+len(runs[i+1]) != 4 || len(runs[i+2]) > 2 || len(runs[i+3]) > 2 {
			continue
		}
		joined := slices.Concat(runs[:i], []glyphs{slices.Concat(runs[i], runs[i+1])}, runs[i+2:])
		if dg, text, n := dateAt(joined, i); n > 0 {
			if v, _ := pastDate(text, dg, today); v.Valid {
				return Value{Text: v.Text, Conf: min(v.Conf, capSnapped), Valid: true, Problem: "year's parts joined"}
			}
		}
	}
	// A year that lost its 2 to the label's end (024-12-09): no year of a document in use
	// begins 0, and of 19 and 20 only 20 goes on with 0. Nothing confirms the 2: doubtful.
	for i := 0; i+2 < len(runs); i++ {
		if len(runs[i]) != 3 || runs[i][0].r != '0' || len(runs[i+1]) > 2 || len(runs[i+2]) > 2 {
			continue
		}
		whole := slices.Concat(runs[:i], []glyphs{slices.Concat(glyphs{{'2', capSnapped}}, runs[i])}, runs[i+1:])
		if dg, text, n := dateAt(whole, i); n > 0 {
			if v, _ := pastDate(text, dg, today); v.Valid {
				return Value{Text: v.Text, Conf: min(v.Conf, capSnapped), Valid: true, Problem: "year's 2 restored"}
			}
		}
	}
	return invalid(raw.String(), raw.conf(), "no date")
}

// Validity is a period of validity as printed: a start date and an end date or 长期.
type Validity struct {
	From, Until Value
	Years       int // the printed term (older driving licences: 有效期限 6年); 0 if none
}

// ParseValidity reads the three printed forms of CARDS.md §2.2–§2.3 from one or more readings
// of the same line (for instance a digit-only read and a Chinese read): `2015.02.18-2035.02.18`,
// `2018-07-13 至 长期`, and `2011-05-23 … 6年`. The first reading that yields a start date
// gives it, unless a later one reads a valid date where it read none, or the same date more
// surely; so for the end (a second date, 长期 or a term in years), a term counted from the
// start as finally read.
// A term runs to the same month and day N years on (02-29 → 02-28 when not a leap year).
func ParseValidity(today ident.Date, reads ...Reading) Validity {
	var v Validity
	var from ident.Date
	haveFrom, haveUntil := false, false
	years, termConf := 0, 0.0
	for _, rd := range reads {
		g := toGlyphs(rd)
		runs := joinedDates(digitRuns(weakAsGaps(g)))
		i := 0
		if len(runs) > 1 && len(runs[0]) <= 2 && !dated(runs, 0) && dated(runs, 1) {
			// The label's end read as a digit or two before the date (期 as 8), apart from
			// it: a date begins with its year.
			i = 1
		}
		dg, text, n := dateAt(runs, i)
		if n > 0 {
			w, wd := pastDate(text, dg, today)
			if i > 0 {
				w.Conf = min(w.Conf, capRepaired)
			}
			// A later reading's start replaces one read as no date (the label's 期 taken
			// for a digit of the year: 4221-09-04), or the same date read less surely.
			if !haveFrom || w.Valid && (!v.From.Valid || w.Text == v.From.Text && w.Conf > v.From.Conf) {
				v.From, from, haveFrom = w, wd, true
			}
		}
		i += n
		if years > 0 {
			continue
		}
		var u Value
		ok := false
		if dg, text, m := dateAt(runs, i); n > 0 && m > 0 {
			u, _ = checkDate(text, dg, today, true)
			ok = true
		} else if u, ok = forever(g); !ok && !haveUntil {
			if y, c, ok := term(g, runs, i); ok && haveFrom {
				years, termConf = y, c
			}
		}
		// So for the end: the first reading's, or the same end read more surely.
		if ok && (!haveUntil || u.Valid && (!v.Until.Valid || u.Text == v.Until.Text && u.Conf > v.Until.Conf)) {
			v.Until, haveUntil = u, true
		}
	}
	// A term counts from the start as finally read.
	if !haveUntil && years > 0 && v.From.Valid {
		v.Years = years
		v.Until = valid(from.AddYears(years).String(), min(termConf, v.From.Conf))
		haveUntil = true
	}
	if !haveFrom {
		v.From = invalid("", 0, "no start date")
	}
	if !haveUntil {
		v.Until = invalid("", 0, "no end of validity")
		// Without its end the start cannot be checked against a term.
		v.From.Conf = min(v.From.Conf, capSnapped)
	}
	return v
}

// joinedDates parts a run of six or seven digits between a year and month before it and a
// month and day after it (YYYY MM DDYYYY MM DD): the 至 between a validity's dates taken into
// the next year's first digit, or read as a digit of its own (0982036 for 09至2036), not
// weakly enough for weakAsGaps. Nothing else in a validity line has that shape.
func joinedDates(runs []glyphs) []glyphs {
	for k := 2; k+2 < len(runs); k++ {
		n := len(runs[k])
		if (n == 6 || n == 7) && len(runs[k-2]) == 4 && len(runs[k-1]) <= 2 && len(runs[k+1]) <= 2 && len(runs[k+2]) <= 2 {
			day, year := slices.Clone(runs[k][:2]), slices.Clone(runs[k][n-4:])
			if n == 7 {
				// A character dropped by its place alone: both dates are doubtful, lest a
				// digit misread in each (2020 to 2030 for 2026 to 2036) make a term that holds.
				day[1].c, year[0].c = min(day[1].c, capSnapped), min(year[0].c, capSnapped)
			}
			return slices.Concat(runs[:k], []glyphs{day, year}, runs[k+1:])
		}
	}
	return runs
}

// weakAsGaps turns into a gap a character read with next to no confidence that joins a day to
// the year after it (DD?YYYY): the 至 between a validity's dates, which a digit read makes
// into a digit. Where the weak character is the year's first digit (DDYYYY, the 至 taken
// into the 2 of 2036), the gap goes before it.
func weakAsGaps(g glyphs) glyphs {
	out := make(glyphs, 0, len(g))
	for i, x := range g {
		if x.c >= weakConf || !inDigitRun(x.r) {
			out = append(out, x)
			continue
		}
		a, b := i, i+1
		for a > 0 && inDigitRun(g[a-1].r) {
			a--
		}
		for b < len(g) && inDigitRun(g[b].r) {
			b++
		}
		switch {
		case i-a == 2 && b-i-1 == 4:
			out = append(out, glyph{' ', x.c})
		case i-a == 2 && b-i-1 == 3:
			out = append(out, glyph{' ', x.c}, x)
		default:
			out = append(out, x)
		}
	}
	return out
}

// weakConf is the confidence under which a character of a validity line is taken for a gap.
const weakConf = 0.3

// forever finds 长期 in g; 长 alone is enough, at a snapped confidence.
func forever(g glyphs) (Value, bool) {
	s := g.String()
	if i := strings.Index(s, Forever); i >= 0 {
		k := len([]rune(s[:i]))
		return valid(Forever, g[k:k+2].conf()), true
	}
	// 期 alone is no evidence: the label 有效期限 has it too.
	for _, x := range g {
		if x.r == '长' {
			return valid(Forever, min(x.c, capSnapped)), true
		}
	}
	return Value{}, false
}

// term finds a printed term `N年` after the start date (skip runs already used by it).
func term(g glyphs, runs []glyphs, skip int) (years int, c float64, ok bool) {
	s := g.String()
	if !strings.Contains(s, "年") || len(runs) <= skip {
		return 0, 0, false
	}
	r := runs[len(runs)-1]
	if len(r) > 2 {
		return 0, 0, false
	}
	for _, x := range r {
		years = years*10 + int(x.r-'0')
	}
	return years, r.conf(), years > 0
}

// CheckIDTerm lowers both ends of an ID card's validity when the end is not the start plus
// one of the terms of CARDS.md §3.5 (5, 10 or 20 years, or 长期): a mismatch means one of them
// was misread, or the card is not genuine; either way the values need a human.
func CheckIDTerm(v *Validity) { checkTerm(v, 5, 10, 20) }

// DrivingTerms are the terms in years a driving licence is issued for, besides 长期.
var DrivingTerms = []int{6, 10}

// CheckDrivingTerm does the same for a driving licence: one of DrivingTerms or 长期.
func CheckDrivingTerm(v *Validity) { checkTerm(v, DrivingTerms...) }

func checkTerm(v *Validity, terms ...int) {
	// One end misread: the other cannot be checked against a term, and a blurred line that
	// spoilt one date has often spoilt a digit of the other in a way that still parses
	// (2026 read 2020 beside 2030-00-29).
	if v.From.Valid != v.Until.Valid {
		v.From.Conf = min(v.From.Conf, capSnapped)
		v.Until.Conf = min(v.Until.Conf, capSnapped)
		return
	}
	if !v.From.Valid || v.Until.Text == Forever {
		return
	}
	from, err := ident.ParseDate(v.From.Text)
	if err != nil {
		return
	}
	for _, n := range terms {
		if from.AddYears(n).String() == v.Until.Text {
			return
		}
	}
	problem := fmt.Sprintf("term is not %s years", yearsList(terms))
	v.From = invalid(v.From.Text, v.From.Conf, problem)
	v.Until = invalid(v.Until.Text, v.Until.Conf, problem)
}

// yearsList writes 5, 10, 20 as "5, 10 or 20".
func yearsList(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

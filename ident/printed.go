package ident

import (
	"fmt"
	"strings"
)

// ParsePrintedDate parses a date as printed on a card: "1985 年 3 月 12 日" or
// "1985年03月12日" (ID card front), "2015.02.18" (ID card back), "2018-07-13" (licences).
// Spaces are ignored; month and day may have one or two digits; the date must exist.
func ParsePrintedDate(s string) (Date, error) {
	t := strings.Join(strings.Fields(s), "")
	var parts []string
	switch {
	case strings.Contains(t, "年"):
		rest, ok := strings.CutSuffix(t, "日")
		y, md, ok2 := strings.Cut(rest, "年")
		m, d, ok3 := strings.Cut(md, "月")
		if !ok || !ok2 || !ok3 {
			return Date{}, fmt.Errorf("%w: %q is not a printed date", ErrDate, s)
		}
		parts = []string{y, m, d}
	case strings.Count(t, ".") == 2:
		parts = strings.Split(t, ".")
	case strings.Count(t, "-") == 2:
		parts = strings.Split(t, "-")
	default:
		return Date{}, fmt.Errorf("%w: %q is not a printed date", ErrDate, s)
	}
	y, okY := digits(parts[0])
	m, okM := digits(parts[1])
	d, okD := digits(parts[2])
	if !okY || !okM || !okD || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
		return Date{}, fmt.Errorf("%w: %q is not a printed date", ErrDate, s)
	}
	return makeDate(y, m, d, s)
}

package cardgen

import (
	"fmt"
	"time"
)

// Date is a calendar date as printed. It may hold an impossible date (02-30) so that
// deliberately invalid records can print one; Permanent marks the literal 长期.
type Date struct {
	Y, M, D   int
	Permanent bool
}

// Long is the open-ended validity printed as 长期.
var Long = Date{Permanent: true}

// LongTerm is the normalised and printed value of an open-ended validity.
const LongTerm = "长期"

func dateOf(t time.Time) Date { return Date{Y: t.Year(), M: int(t.Month()), D: t.Day()} }

func (d Date) time() time.Time { return time.Date(d.Y, time.Month(d.M), d.D, 0, 0, 0, 0, time.UTC) }

// String returns the normalised form: YYYY-MM-DD, or 长期.
func (d Date) String() string {
	if d.Permanent {
		return LongTerm
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Y, d.M, d.D)
}

// dotted returns the ID-back form 2015.02.18.
func (d Date) dotted() string {
	if d.Permanent {
		return LongTerm
	}
	return fmt.Sprintf("%04d.%02d.%02d", d.Y, d.M, d.D)
}

// compact returns YYYYMMDD as in digits 7–14 of an ID number.
func (d Date) compact() string { return fmt.Sprintf("%04d%02d%02d", d.Y, d.M, d.D) }

// Valid reports whether d is a real calendar date (or 长期).
func (d Date) Valid() bool {
	if d.Permanent {
		return true
	}
	if d.M < 1 || d.M > 12 || d.D < 1 {
		return false
	}
	return d.time().Month() == time.Month(d.M) && d.time().Day() == d.D
}

// Before reports whether d is strictly earlier than e (长期 is later than any date).
func (d Date) Before(e Date) bool {
	switch {
	case d.Permanent:
		return false
	case e.Permanent:
		return true
	}
	return d.time().Before(e.time())
}

// AddYears adds n years keeping month and day; 02-29 becomes 02-28 when the target
// year is not leap (CARDS.md §2.3), unlike time.AddDate, which rolls to 03-01.
func (d Date) AddYears(n int) Date {
	if d.Permanent {
		return d
	}
	e := Date{Y: d.Y + n, M: d.M, D: d.D}
	if !e.Valid() && d.M == 2 && d.D == 29 {
		e.D = 28
	}
	return e
}

// addDays moves a real date by n days.
func (d Date) addDays(n int) Date { return dateOf(d.time().AddDate(0, 0, n)) }

// yearsBetween returns the whole years from d to e (age at e for a birth date d).
func yearsBetween(d, e Date) int {
	y := e.Y - d.Y
	if e.M < d.M || (e.M == d.M && e.D < d.D) {
		y--
	}
	return y
}

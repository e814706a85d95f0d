package ident

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ErrDate reports a string that is not a real calendar date in the expected layout.
var ErrDate = errors.New("not a valid date")

// Date is a calendar date without a time of day or a zone. The zero Date means "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// shanghai is China Standard Time. It has no daylight saving, so a fixed zone is exact and
// needs no tzdata on the kiosk PC.
var shanghai = time.FixedZone("Asia/Shanghai", 8*60*60)

// ParseDate parses a strict "YYYY-MM-DD" string holding a real calendar date (leap years
// included). Years run from 0001 to 9999.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrDate, s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrDate, s)
	}
	return makeDate(y, m, d, s)
}

// makeDate checks that y-m-d exists in the calendar; src is quoted in the error.
func makeDate(y, m, d int, src string) (Date, error) {
	if y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, fmt.Errorf("%w: %q is not a calendar date", ErrDate, src)
	}
	return Date{Year: y, Month: time.Month(m), Day: d}, nil
}

// digits parses a string of ASCII digits only (no sign, no spaces).
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// daysIn returns the number of days of month m in year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// String formats d as "YYYY-MM-DD".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date, which stands for "no date".
func (d Date) IsZero() bool { return d == Date{} }

// Compare returns -1 if d is before o, 0 if they are the same day and +1 if d is after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return sign(d.Year - o.Year)
	case d.Month != o.Month:
		return sign(int(d.Month) - int(o.Month))
	default:
		return sign(d.Day - o.Day)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is strictly after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Time returns midnight UTC at the start of d; dates travel through CEL this way.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// AddDays returns d moved by n days (n may be negative).
func (d Date) AddDays(n int) Date {
	return DateOf(d.Time().AddDate(0, 0, n))
}

// AddMonths returns d moved by n months, clamped to the last day of the target month:
// 2026-03-31 − 1 month is 2026-02-28, never 2026-03-03 as time.AddDate would give.
func (d Date) AddMonths(n int) Date {
	total := d.Year*12 + int(d.Month) - 1 + n
	y, m := floorDiv(total, 12), time.Month(floorMod(total, 12)+1)
	day := min(d.Day, daysIn(y, m))
	return Date{Year: y, Month: m, Day: day}
}

// AddYears returns d moved by n years, clamped like AddMonths: 2024-02-29 + 1 year is
// 2025-02-28.
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }

// AgeOn returns the full years between birth and today. A 29 February birthday falls on
// 28 February in other years. It is negative when birth is after today.
func AgeOn(birth, today Date) int {
	age := today.Year - birth.Year
	if today.Before(birth.AddYears(age)) {
		age--
	}
	return age
}

// Today returns the date of t in Asia/Shanghai (UTC+8): 23:30 UTC is already the next day.
func Today(t time.Time) Date { return DateOf(t.In(shanghai)) }

// Shanghai returns the Asia/Shanghai location as a fixed UTC+8 zone.
func Shanghai() *time.Location { return shanghai }

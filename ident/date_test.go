package ident

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func mustDate(tb testing.TB, s string) Date {
	tb.Helper()
	d, err := ParseDate(s)
	if err != nil {
		tb.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2026-11-23", Date{2026, time.November, 23}, true},
		{"2024-02-29", Date{2024, time.February, 29}, true},
		{"2000-02-29", Date{2000, time.February, 29}, true},
		{"1900-02-29", Date{}, false}, // not a leap year: divisible by 100
		{"2025-02-29", Date{}, false},
		{"2026-04-31", Date{}, false},
		{"2026-13-01", Date{}, false},
		{"2026-00-10", Date{}, false},
		{"2026-01-00", Date{}, false},
		{"0000-01-01", Date{}, false},
		{"2026-1-05", Date{}, false},
		{"2026/01/05", Date{}, false},
		{" 2026-01-05", Date{}, false},
		{"2026-01-05T00:00", Date{}, false},
		{"+026-01-05", Date{}, false},
		{"", Date{}, false},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrDate) {
			t.Errorf("ParseDate(%q) error %v does not wrap ErrDate", tt.in, err)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("ParseDate(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	tests := []struct {
		name string
		got  Date
		want string
	}{
		{"months clamp back", mustDate(t, "2026-03-31").AddMonths(-1), "2026-02-28"},
		{"months clamp leap", mustDate(t, "2024-03-31").AddMonths(-1), "2024-02-29"},
		{"months clamp forward", mustDate(t, "2026-01-31").AddMonths(1), "2026-02-28"},
		{"months across year", mustDate(t, "2026-11-30").AddMonths(3), "2027-02-28"},
		{"months back across year", mustDate(t, "2026-01-15").AddMonths(-13), "2024-12-15"},
		{"years from leap day", mustDate(t, "2024-02-29").AddYears(1), "2025-02-28"},
		{"years to leap day", mustDate(t, "2024-02-29").AddYears(4), "2028-02-29"},
		{"years back", mustDate(t, "2026-11-23").AddYears(-1), "2025-11-23"},
		{"days forward over leap", mustDate(t, "2024-02-28").AddDays(1), "2024-02-29"},
		{"days back over year", mustDate(t, "2026-01-01").AddDays(-1), "2025-12-31"},
		{"90 days", mustDate(t, "2026-11-23").AddDays(90), "2027-02-21"},
		{"3 months - 1 day", mustDate(t, "2026-11-30").AddMonths(3).AddDays(-1), "2027-02-27"},
	}
	for _, tt := range tests {
		if tt.got.String() != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, tt.got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	a, b := mustDate(t, "2026-02-28"), mustDate(t, "2026-03-01")
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Errorf("Compare wrong: %d %d %d", a.Compare(b), b.Compare(a), a.Compare(a))
	}
	if !a.Before(b) || a.After(b) || a.Before(a) || a.After(a) || !b.After(a) {
		t.Error("Before/After wrong")
	}
	if !(Date{}).IsZero() || a.IsZero() {
		t.Error("IsZero wrong")
	}
}

func TestAgeOn(t *testing.T) {
	tests := []struct {
		birth, today string
		want         int
	}{
		{"1966-11-23", "2026-11-23", 60}, // on the birthday
		{"1966-11-23", "2026-11-22", 59}, // the day before
		{"1956-11-23", "2026-11-23", 70},
		{"2008-02-29", "2025-02-28", 17}, // 29 Feb birthday falls on 28 Feb
		{"2008-02-29", "2025-02-27", 16},
		{"2008-02-29", "2024-02-28", 15},
		{"2008-02-29", "2024-02-29", 16},
		{"2026-11-24", "2026-11-23", -1},
	}
	for _, tt := range tests {
		if got := AgeOn(mustDate(t, tt.birth), mustDate(t, tt.today)); got != tt.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", tt.birth, tt.today, got, tt.want)
		}
	}
}

func TestToday(t *testing.T) {
	tests := []struct{ now, want string }{
		{"2026-11-23T23:30:00Z", "2026-11-24"},      // already tomorrow in Shanghai
		{"2026-11-23T15:59:59Z", "2026-11-23"},      // one second before midnight in Shanghai
		{"2026-11-23T16:00:00Z", "2026-11-24"},      // midnight in Shanghai
		{"2026-11-24T00:30:00+08:00", "2026-11-24"}, // already local
		{"2026-11-23T10:00:00-10:00", "2026-11-24"},
	}
	for _, tt := range tests {
		tm, err := time.Parse(time.RFC3339, tt.now)
		if err != nil {
			t.Fatal(err)
		}
		if got := Today(tm).String(); got != tt.want {
			t.Errorf("Today(%s) = %s, want %s", tt.now, got, tt.want)
		}
	}
}

func TestParsePrintedDate(t *testing.T) {
	tests := []struct {
		in, want string // want "" means an error
	}{
		{"1985 年 3 月 12 日", "1985-03-12"},
		{"1985年03月12日", "1985-03-12"},
		{"1985年3月2日", "1985-03-02"},
		{"2015.02.18", "2015-02-18"},
		{"2018-07-13", "2018-07-13"},
		{"2018-7-3", "2018-07-03"},
		{"1985年13月12日", ""},
		{"1985年02月30日", ""},
		{"1985年03月12", ""},
		{"85.03.12", ""},
		{"2015.02-18", ""},
		{"2015.002.18", ""},
		{"长期", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := ParsePrintedDate(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParsePrintedDate(%q) = %s, want an error", tt.in, got)
		case tt.want != "" && (err != nil || got.String() != tt.want):
			t.Errorf("ParsePrintedDate(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestDateJSON(t *testing.T) {
	var v struct {
		A Date `json:"a"`
		B Date `json:"b"`
	}
	if err := json.Unmarshal([]byte(`{"a":"2026-02-28","b":null}`), &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"a":"2026-02-28","b":null}` {
		t.Errorf("round trip = %s", out)
	}
	for in, want := range map[string]string{
		`{"a":20260228}`:     "number",
		`{"a":"2026-02-30"}`: `string "2026-02-30"`,
	} {
		err := json.Unmarshal([]byte(in), &v)
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || te.Field != "a" || te.Value != want {
			t.Errorf("Unmarshal(%s) error = %v; want a type error at field a", in, err)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-23", "2024-02-29", "2025-02-29", "9999-12-31", "0001-01-01", "1-1-1"} {
		f.Add(s, 31, -1)
	}
	f.Fuzz(func(t *testing.T, s string, days, months int) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, d.String())
		}
		days, months = days%100000, months%1000
		if d.Year < 300 || d.Year > 9000 {
			return // keep arithmetic inside four-digit years
		}
		if back := d.AddDays(days).AddDays(-days); back != d {
			t.Fatalf("%s +%d -%d days = %s", d, days, days, back)
		}
		m := d.AddMonths(months)
		if m.Day > d.Day || m.Day < 1 || m.Day > daysIn(m.Year, m.Month) {
			t.Fatalf("%s + %d months = %s: day out of range", d, months, m)
		}
		if _, err := ParseDate(m.String()); err != nil {
			t.Fatalf("%s + %d months = %s does not parse: %v", d, months, m, err)
		}
		if age := AgeOn(d, d.AddYears(30)); age != 30 {
			t.Fatalf("AgeOn(%s, +30y) = %d", d, age)
		}
	})
}

func FuzzParsePrintedDate(f *testing.F) {
	for _, s := range []string{"1985 年 3 月 12 日", "1985年03月12日", "2015.02.18", "2018-07-13", "2015.2.30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParsePrintedDate(s)
		if err != nil {
			return
		}
		if _, err := ParseDate(d.String()); err != nil {
			t.Fatalf("ParsePrintedDate(%q) = %s, which is not a date: %v", s, d, err)
		}
	})
}

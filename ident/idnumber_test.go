package ident

import (
	"errors"
	"testing"
)

func TestParseIDNumber(t *testing.T) {
	today := mustDate(t, "2026-11-23")
	tests := []struct {
		in      string
		wantErr error
		birth   string
		sex     string
	}{
		{"110101199003078670", nil, "1990-03-07", "男"},
		{"440308199901101512", nil, "1999-01-10", "男"},
		{"610481199101253838", nil, "1991-01-25", "男"},
		{"810000199408230021", nil, "1994-08-23", "女"},
		{"111111199901101514", nil, "1999-01-10", "男"}, // unknown region: a warning only
		{"11010119900307867X", ErrIDCheck, "", ""},     // check should be 0
		{"440308199902301512", ErrIDDate, "", ""},      // 30 February
		{"110101199003078671", ErrIDCheck, "", ""},
		{"11010119900307867x", ErrIDShape, "", ""}, // lowercase x
		{"11010119900307867", ErrIDShape, "", ""},
		{"1101011990030786700", ErrIDShape, "", ""},
		{"11010119900307 670", ErrIDShape, "", ""},
		{"110101900307867", ErrIDLegacy, "", ""},
		{"", ErrIDShape, "", ""},
		{withCheck(t, "11010120261124123"), ErrIDFuture, "", ""},    // tomorrow
		{withCheck(t, "11010120261123123"), nil, "2026-11-23", "男"}, // born today
		{withCheck(t, "11010120261123124"), nil, "2026-11-23", "女"},
	}
	for _, tt := range tests {
		got, err := ParseIDNumber(tt.in, today)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("ParseIDNumber(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && (got.Birth.String() != tt.birth || got.Sex != tt.sex || got.Region != tt.in[:6] || got.Number != tt.in) {
			t.Errorf("ParseIDNumber(%q) = %+v, want birth %s sex %s", tt.in, got, tt.birth, tt.sex)
		}
	}
}

// withCheck appends the right check character to 17 digits.
func withCheck(tb testing.TB, first17 string) string {
	tb.Helper()
	c, err := IDCheckChar(first17)
	if err != nil {
		tb.Fatal(err)
	}
	return first17 + string(c)
}

func TestIDCheckChar(t *testing.T) {
	for in, want := range map[string]byte{"11010119900307867": '0', "33021219850312123": '4', "44030819990110151": '2'} {
		if got, err := IDCheckChar(in); err != nil || got != want {
			t.Errorf("IDCheckChar(%s) = %c, %v; want %c", in, got, err, want)
		}
	}
	// Σ mod 11 = 2 gives X: find one to make sure X is reachable.
	found := false
	for i := 0; i < 100 && !found; i++ {
		s := "1101011990030786" + string(rune('0'+i%10))
		c, _ := IDCheckChar(s)
		found = c == 'X' || found
		if !found {
			s = "110101199003078" + string(rune('0'+i/10)) + string(rune('0'+i%10))
			c, _ = IDCheckChar(s)
			found = c == 'X'
		}
	}
	if !found {
		t.Error("no number with check character X among 100 candidates")
	}
	if _, err := IDCheckChar("1101011990030786A"); !errors.Is(err, ErrIDShape) {
		t.Errorf("IDCheckChar with a letter: %v", err)
	}
}

func TestWarnings(t *testing.T) {
	today := mustDate(t, "2026-11-23")
	n, err := ParseIDNumber(withCheck(t, "99010119900307867"), today)
	if err != nil {
		t.Fatal(err)
	}
	if ws := n.Warnings(today); len(ws) != 1 || !errors.Is(ws[0], ErrIDProvince) {
		t.Errorf("Warnings = %v, want one ErrIDProvince", ws)
	}
	old, err := ParseIDNumber(withCheck(t, "11010118990101123"), today)
	if err != nil {
		t.Fatal(err)
	}
	if ws := old.Warnings(today); len(ws) != 1 || !errors.Is(ws[0], ErrIDAge) {
		t.Errorf("Warnings(1899) = %v, want one ErrIDAge", ws)
	}
	good, _ := ParseIDNumber("110101199003078670", today)
	if ws := good.Warnings(today); len(ws) != 0 {
		t.Errorf("Warnings(valid) = %v", ws)
	}
}

func TestKnownProvince(t *testing.T) {
	for _, c := range []string{"11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81", "82", "83", "330212"} {
		if !KnownProvince(c) {
			t.Errorf("KnownProvince(%s) = false", c)
		}
	}
	for _, c := range []string{"10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "70", "72", "80", "84", "99", "1", ""} {
		if KnownProvince(c) {
			t.Errorf("KnownProvince(%s) = true", c)
		}
	}
}

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{"110101199003078670", "440308199901101512", "810000199408230021", "11010119900307867X", "440308199902301512", "110101900307867"} {
		f.Add(s)
	}
	today := Date{2026, 11, 23}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseIDNumber(s, today)
		if err != nil {
			return
		}
		if n.Number != s || n.Region+n.Birth.String()[0:4] != s[:10] {
			t.Fatalf("ParseIDNumber(%q) = %+v does not round-trip", s, n)
		}
		if n.Birth.After(today) {
			t.Fatalf("accepted a future birth date: %s", n.Birth)
		}
		if c, err := IDCheckChar(s[:17]); err != nil || c != s[17] {
			t.Fatalf("accepted %q with check %c, want %c (%v)", s, s[17], c, err)
		}
		if (n.Sex == "男") != ((s[16]-'0')%2 == 1) {
			t.Fatalf("sex %s for digit 17 = %c", n.Sex, s[16])
		}
	})
}

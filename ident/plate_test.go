package ident

import (
	"errors"
	"testing"
	"unicode/utf8"
)

func TestParsePlate(t *testing.T) {
	tests := []struct {
		in        string
		number    string
		newEnergy bool
		large     bool
		wantErr   error
	}{
		{"京A00599", "京A00599", false, false, nil},
		{"黑D23908", "黑D23908", false, false, nil},
		{"浙B·12345", "浙B12345", false, false, nil},
		{"浙B 1234挂", "浙B1234挂", false, false, nil},
		{"粤Z1234港", "粤Z1234港", false, false, nil},
		{"京AD92035", "京AD92035", true, false, nil},
		{"浙BF12345", "浙BF12345", true, false, nil},
		{"浙BA12345", "浙BA12345", true, false, nil}, // newer series letter: accepted
		{"甘G23459F", "甘G23459F", true, true, nil},
		{"京A19203D", "京A19203D", true, true, nil},
		{"A12345", "", false, false, ErrPlateProvince},
		{"港A12345", "", false, false, ErrPlateProvince},
		{"京I12345", "", false, false, ErrPlateShape},  // I is never a letter
		{"京AO1234", "", false, false, ErrPlateShape},  // nor O
		{"京A1234", "", false, false, ErrPlateShape},   // too short
		{"京AL12345", "", false, false, ErrPlateShape}, // L is no new-energy letter
		{"京A12345X", "", false, false, ErrPlateShape},
		{"京A1234学5", "", false, false, ErrPlateShape},
		{"", "", false, false, ErrPlateProvince},
	}
	for _, tt := range tests {
		got, err := ParsePlate(tt.in)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("ParsePlate(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && (got.Number != tt.number || got.NewEnergy != tt.newEnergy || got.Large != tt.large || got.Province != string([]rune(tt.number)[:1])) {
			t.Errorf("ParsePlate(%q) = %+v", tt.in, got)
		}
	}
}

func FuzzParsePlate(f *testing.F) {
	for _, s := range []string{"京A00599", "浙B·12345", "京AD92035", "甘G23459F", "京I12345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePlate(s)
		if err != nil {
			return
		}
		n := utf8.RuneCountInString(p.Number)
		if n != 7 && n != 8 || (n == 8) != p.NewEnergy || p.Large && !p.NewEnergy {
			t.Fatalf("ParsePlate(%q) = %+v", s, p)
		}
		again, err := ParsePlate(p.Number)
		if err != nil || again != p {
			t.Fatalf("ParsePlate(%q) = %+v, %v; want idempotent %+v", p.Number, again, err, p)
		}
	})
}

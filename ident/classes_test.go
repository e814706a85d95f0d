package ident

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseClasses(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr error
	}{
		{"C1", []string{"C1"}, nil},
		{"A2D", []string{"A2", "D"}, nil},
		{"C1E", []string{"C1", "E"}, nil},
		{"B2E", []string{"B2", "E"}, nil},
		{"A1A2A3B1B2C1C2C3C4C5C6DEFMNP", ClassCodes, nil},
		{"A4", nil, ErrClassUnknown},
		{"C7", nil, ErrClassUnknown},
		{"C", nil, ErrClassUnknown},
		{"C1X", nil, ErrClassUnknown},
		{"c1", nil, ErrClassUnknown},
		{"C1 E", nil, ErrClassUnknown},
		{"", nil, ErrClassUnknown},
		{"C1C1", nil, ErrClassRepeat},
		{"DED", nil, ErrClassRepeat},
	}
	for _, tt := range tests {
		got, err := ParseClasses(tt.in)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) || !slices.Equal(got, tt.want) {
			t.Errorf("ParseClasses(%q) = %v, %v; want %v, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzParseClasses(f *testing.F) {
	for _, s := range []string{"C1", "A2D", "C1E", "C1C1", "A4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := ParseClasses(s)
		if err != nil {
			return
		}
		if strings.Join(cs, "") != s {
			t.Fatalf("ParseClasses(%q) = %v does not round-trip", s, cs)
		}
		seen := map[string]bool{}
		for _, c := range cs {
			if !slices.Contains(ClassCodes, c) || seen[c] {
				t.Fatalf("ParseClasses(%q) = %v: bad or repeated %s", s, cs, c)
			}
			seen[c] = true
		}
	})
}

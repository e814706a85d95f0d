package ident

import (
	"errors"
	"testing"
)

func TestValidateVIN(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"LSVWY4180KN246094", nil},
		{"LBEHDAEB58Y038860", nil},
		{"1M8GDM9AXKP042788", nil}, // check digit X
		{"LSVB12AG180498981", ErrVINCheck},
		{"11111111111111111", ErrVINDegenerate},
		{"LSVWY4180KN24609", ErrVINShape},
		{"LSVWY4180KN2460944", ErrVINShape},
		{"LSVWI4180KN246094", ErrVINChar},
		{"LSVWO4180KN246094", ErrVINChar},
		{"LSVWQ4180KN246094", ErrVINChar},
		{"lsvwy4180kn246094", ErrVINChar},
	}
	for _, tt := range tests {
		if err := ValidateVIN(tt.in); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("ValidateVIN(%s) = %v, want %v", tt.in, err, tt.want)
		}
	}
	if c, _ := VINCheckChar("LSVB12AG180498981"); c != '9' {
		t.Errorf("VINCheckChar(LSVB12AG180498981) = %c, want 9", c)
	}
}

func FuzzValidateVIN(f *testing.F) {
	for _, s := range []string{"LSVWY4180KN246094", "1M8GDM9AXKP042788", "LSVB12AG180498981", "11111111111111111"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateVIN(s) != nil {
			return
		}
		c, err := VINCheckChar(s)
		if err != nil || c != s[8] || len(s) != 17 {
			t.Fatalf("accepted %q: check %c, %v", s, c, err)
		}
		for i := 0; i < len(s); i++ {
			if vinValue(s[i]) < 0 {
				t.Fatalf("accepted %q with %q", s, s[i])
			}
		}
	})
}

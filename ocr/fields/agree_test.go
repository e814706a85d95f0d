package fields

import "testing"

// TestBirthDateConfirmedByIDNumber checks that an independent read of the birth date that
// agrees with digits 7–14 of a valid ID number gains confidence, also when only its digits
// were read (the ID card prints month and day without leading zeros), and that digits which
// do not spell the number's date gain nothing.
func TestBirthDateConfirmedByIDNumber(t *testing.T) {
	tests := []struct {
		name, birth, want string
		confident         bool
	}{
		{"date read whole", "2006-09-12", "2006-09-12", true},
		{"digits run together", "2006912", "2006-09-12", true},
		{"digits with zeros", "20060912", "2006-09-12", true},
		{"a digit missing", "200612", "2006-09-12", false},
		{"another date's digits", "2006913", "2006-09-12", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Readings{
				"sex":        {rd("女", 0.95)},
				"birth_date": {rd(tt.birth, 0.7)},
				"id_number":  {rd("330302200609125084", 0.95)},
			}
			b := IDFront(r, today)["birth_date"]
			if b.Text != tt.want || !b.Valid {
				t.Fatalf("birth %+v, want %s", b, tt.want)
			}
			if got := b.Conf >= 0.8; got != tt.confident {
				t.Errorf("confidence %.3f, confident %v, want %v (%s)", b.Conf, got, tt.confident, b.Problem)
			}
		})
	}
}

// TestPlateBoth checks the Latin second read of a plate's serial: agreement with the Chinese
// read confirms it, a disagreement takes the more confident character but stays doubtful, and
// a Latin read too short to cover the serial changes nothing.
func TestPlateBoth(t *testing.T) {
	han := Reading{Text: "浙BP2979"}
	han.Conf = []float64{0.96, 1, 0, 0, 1, 1, 1}
	tests := []struct {
		name, latin, want string
		confident         bool
	}{
		{"serial agrees", "4BP2979", "浙BP2979", true},
		{"no Latin read", "", "浙BP2979", false},
		{"serial differs, Chinese read surer", "4BP2978", "浙BP2979", false},
		{"serial differs, Latin read surer", "4BP7979", "浙BP7979", false},
		{"Latin read short", "2979", "浙BP2979", false},
	}
	// The Chinese read lost the serial's first letter: the Latin read gives it, doubtful.
	short := Reading{Text: "浙08641", Conf: []float64{0.04, 1, 1, 1, 1, 1}}
	if v := PlateBoth(short, rd("HWJ08641", 0.99)); v.Text != "浙J08641" || !v.Valid || v.Conf >= 0.8 {
		t.Errorf("short Chinese read: got %+v, want 浙J08641 below 0.80", v)
	}
	// A Latin read that lost a character and took the province for another (WBJSUL beside
	// 浙B1J5U1) differs in more than one place: the Chinese read stands, doubtful.
	if v := PlateBoth(rd("浙B1J5U1", 0.99), rd("WBJSUL", 0.99)); v.Text != "浙B1J5U1" || !v.Valid || v.Conf >= 0.8 {
		t.Errorf("misaligned Latin read: got %+v, want 浙B1J5U1 below 0.80", v)
	}
	long := Reading{Text: "浙136P082", Conf: []float64{1, 0.99, 0.1, 1, 1, 1, 1, 1}}
	if v := PlateBoth(long, rd("B6P082", 0.9)); v.Text != "浙B6P082" || !v.Valid || v.Conf >= 0.8 {
		t.Errorf("long Chinese read: got %+v, want 浙B6P082 below 0.80", v)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := PlateBoth(han, rd(tt.latin, 0.99))
			if v.Text != tt.want || !v.Valid {
				t.Fatalf("got %+v, want %s", v, tt.want)
			}
			if got := v.Conf >= 0.8; got != tt.confident {
				t.Errorf("confidence %.3f, confident %v, want %v", v.Conf, got, tt.confident)
			}
		})
	}
}

// TestValidityOnAnniversary: a driving licence's validity dates that are no dates (a blurred 6
// read 0 in the day or month) take the first issue's month and day where they differ from it in
// one digit, doubtful; other dates are left as read.
func TestValidityOnAnniversary(t *testing.T) {
	tests := []struct {
		validity, from, until string
		valid                 bool
	}{
		{"2021-08-00至2031-08-00", "2021-08-06", "2031-08-06", true},
		{"2025-00-06至2031-00-06", "2025-08-06", "2031-08-06", true},
		{"2021-08-00至长期", "2021-08-06", Forever, true},
		{"2021-00-00至2031-00-00", "2021-00-00", "2031-00-00", false}, // two digits
		// The end mended checks no term: a start read sure stays doubtful beside it.
		{"2021-08-06至2031-08-00", "2021-08-06", "2031-08-06", true},
	}
	for _, tt := range tests {
		r := Readings{
			"first_issue_date": {rd("2015-08-06", 0.99)},
			"validity":         {rd(tt.validity, 0.99)},
		}
		out := DrivingLicence(r, today)
		from, until := out["valid_from"], out["valid_until"]
		if from.Text != tt.from || until.Text != tt.until || from.Valid != tt.valid {
			t.Errorf("%s: got %+v to %+v, want %s to %s valid %v", tt.validity, from, until, tt.from, tt.until, tt.valid)
		}
		if tt.valid && (from.Conf >= 0.8 || until.Conf >= 0.8) {
			t.Errorf("%s: mended validity at confidence %.2f to %.2f", tt.validity, from.Conf, until.Conf)
		}
	}
}

// TestDateFromPartner: a vehicle licence's date read without its year's first digits takes the
// other date that ends in it, doubtful; one that ends otherwise stays as read.
func TestDateFromPartner(t *testing.T) {
	for _, tt := range []struct{ register, issue, want string }{
		{"24-05-04", "2024-05-04", "2024-05-04"},
		{"24-05-04", "2025-05-04", ""},
		{"4-05-04", "2024-05-04", ""}, // too little to tell
	} {
		out := VehicleLicence(Readings{"register_date": {rd(tt.register, 0.99)}, "issue_date": {rd(tt.issue, 0.99)}}, today)
		got := out["register_date"]
		if tt.want == "" && got.Valid || tt.want != "" && (got.Text != tt.want || !got.Valid || got.Conf >= 0.8) {
			t.Errorf("%s beside %s: got %+v, want %q doubtful", tt.register, tt.issue, got, tt.want)
		}
	}
}

package cardgen

import (
	"regexp"
	"testing"
	"unicode/utf8"
)

var (
	idShape    = regexp.MustCompile(`^[1-9]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX]$`)
	classShape = regexp.MustCompile(`^(A[1-3]|B[12]|C[1-6]|[DEFMNP])+$`)
	vinShape   = regexp.MustCompile(`^[A-HJ-NPR-Z0-9]{17}$`)
	plateShape = regexp.MustCompile(`^浙[A-HJ-NP-Z]([A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9]\d{4})$`)
)

// properties reports which of the checks an Invalid value targets pass on rec.
func properties(rec *Record) map[Invalid]bool {
	id := rec.IDNumber
	birth := Date{Y: atoi(id[6:10]), M: atoi(id[10:12]), D: atoi(id[12:14])}
	male := (id[16]-'0')%2 == 1
	return map[Invalid]bool{
		InvalidIDChecksum: idCheck(id[:17]) == id[17],
		InvalidIDDate:     birth.Valid() && birth == rec.Birth,
		InvalidIDSex:      male == (rec.Sex == "男"),
		InvalidClasses:    classShape.MatchString(rec.Classes) && !repeatsClass(rec.Classes),
		InvalidVINCheck:   vinCheck(rec.VIN) == rec.VIN[8],
	}
}

func repeatsClass(s string) bool {
	seen := map[string]bool{}
	for _, c := range regexp.MustCompile(`A[1-3]|B[12]|C[1-6]|[DEFMNP]`).FindAllString(s, -1) {
		if seen[c] {
			return true
		}
		seen[c] = true
	}
	return false
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestValidRecords(t *testing.T) {
	now := DefaultNow
	for seed := uint64(0); seed < 400; seed++ {
		rec := NewRecord(seed, RecordOptions{})
		for prop, ok := range properties(&rec) {
			if !ok {
				t.Fatalf("seed %d: valid record fails %s: %+v", seed, prop, rec)
			}
		}
		if !idShape.MatchString(rec.IDNumber) || !vinShape.MatchString(rec.VIN) || !plateShape.MatchString(rec.Plate) {
			t.Fatalf("seed %d: bad shape: id %s vin %s plate %s", seed, rec.IDNumber, rec.VIN, rec.Plate)
		}
		if n := utf8.RuneCountInString(rec.Address); n > 3*idLineLen {
			t.Errorf("seed %d: address of %d chars does not fit three ID lines", seed, n)
		}
		// CARDS.md §3.5: ID term by age at issue, same month-day.
		age := yearsBetween(rec.Birth, rec.IDValidFrom)
		want := Long
		if term := idTerm(age); term > 0 {
			want = rec.IDValidFrom.AddYears(term)
		}
		if rec.IDValidUntil != want {
			t.Errorf("seed %d: ID valid %s–%s at age %d, want until %s", seed, rec.IDValidFrom, rec.IDValidUntil, age, want)
		}
		// Driving licence: first ≥ birth+16, first ≤ from, term 6/10/长期, from = first ⇒ 6.
		if rec.FirstIssue.Before(rec.Birth.AddYears(16)) || rec.DLValidFrom.Before(rec.FirstIssue) {
			t.Errorf("seed %d: licence dates out of order: birth %s first %s from %s", seed, rec.Birth, rec.FirstIssue, rec.DLValidFrom)
		}
		if rec.DLValidFrom == rec.FirstIssue && rec.DLTermYears != 6 {
			t.Errorf("seed %d: first licence for %d years, want 6", seed, rec.DLTermYears)
		}
		wantDL := Long
		if rec.DLTermYears > 0 {
			wantDL = rec.DLValidFrom.AddYears(rec.DLTermYears)
		}
		if rec.DLValidUntil != wantDL {
			t.Errorf("seed %d: licence until %s, want %s", seed, rec.DLValidUntil, wantDL)
		}
		for name, d := range map[string]Date{"birth": rec.Birth, "id from": rec.IDValidFrom, "first": rec.FirstIssue,
			"dl from": rec.DLValidFrom, "register": rec.RegisterDate, "issue": rec.IssueDate} {
			if now.Before(d) || !d.Valid() {
				t.Errorf("seed %d: %s date %s is not a real date before %s", seed, name, d, now)
			}
		}
		if rec.IssueDate.Before(rec.RegisterDate) {
			t.Errorf("seed %d: issued %s before registered %s", seed, rec.IssueDate, rec.RegisterDate)
		}
	}
}

// Each invalid switch breaks its own property and no other.
func TestInvalidBreaksExactlyOneProperty(t *testing.T) {
	for _, inv := range InvalidKinds {
		for seed := uint64(0); seed < 200; seed++ {
			rec := NewRecord(seed, RecordOptions{Invalid: inv})
			for prop, ok := range properties(&rec) {
				if ok == (prop == inv) {
					t.Fatalf("%s, seed %d: property %s passes=%v: id %s birth %s sex %s classes %s vin %s",
						inv, seed, prop, ok, rec.IDNumber, rec.Birth, rec.Sex, rec.Classes, rec.VIN)
				}
			}
			if inv == InvalidIDDate && !idShape.MatchString(rec.IDNumber) {
				t.Fatalf("seed %d: invalid date %s should still pass the ID shape", seed, rec.IDNumber)
			}
		}
	}
}

func TestRecordDeterministic(t *testing.T) {
	opt := RecordOptions{Rare: true}
	a, b := NewRecord(42, opt), NewRecord(42, opt)
	if a != b {
		t.Fatalf("same seed, different records:\n%+v\n%+v", a, b)
	}
	if c := NewRecord(43, opt); c == a {
		t.Fatal("different seeds gave the same record")
	}
}

func TestRareNames(t *testing.T) {
	pool := []rune("喆珺")
	for seed := uint64(0); seed < 50; seed++ {
		rec := NewRecord(seed, RecordOptions{Rare: true, RarePool: pool})
		found := false
		for _, r := range rec.Name {
			found = found || r == '喆' || r == '珺'
		}
		if !found {
			t.Fatalf("seed %d: name %s has no character from the rare pool", seed, rec.Name)
		}
	}
}

func TestAddYears(t *testing.T) {
	tests := []struct {
		from Date
		n    int
		want Date
	}{
		{Date{Y: 2016, M: 2, D: 29}, 6, Date{Y: 2022, M: 2, D: 28}},
		{Date{Y: 2016, M: 2, D: 29}, 8, Date{Y: 2024, M: 2, D: 29}},
		{Date{Y: 2018, M: 7, D: 13}, 6, Date{Y: 2024, M: 7, D: 13}},
		{Long, 10, Long},
	}
	for _, tt := range tests {
		if got := tt.from.AddYears(tt.n); got != tt.want {
			t.Errorf("%s + %d years = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestFieldsUseCardKeys(t *testing.T) {
	rec := NewRecord(5, RecordOptions{})
	want := map[Kind][]string{
		IDFront:        {"name", "sex", "ethnicity", "birth_date", "address", "id_number"},
		IDBack:         {"authority", "valid_from", "valid_until"},
		DrivingLicence: {"licence_number", "name", "sex", "nationality", "address", "birth_date", "first_issue_date", "classes", "valid_from", "valid_until"},
		VehicleLicence: {"plate_number", "vehicle_type", "owner", "address", "use_nature", "brand_model", "vin", "engine_number", "register_date", "issue_date"},
	}
	for k, keys := range want {
		f := rec.Fields(k)
		if len(f) != len(keys) {
			t.Errorf("%s: %d fields, want %d: %v", k, len(f), len(keys), f)
		}
		for _, key := range keys {
			if f[key] == "" {
				t.Errorf("%s: field %s missing or empty", k, key)
			}
		}
	}
}

func TestInvalidShows(t *testing.T) {
	for _, inv := range InvalidKinds {
		n := 0
		for _, k := range Kinds {
			if inv.Shows(k) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s shows on no kind", inv)
		}
	}
	if InvalidVINCheck.Shows(IDFront) || !InvalidVINCheck.Shows(VehicleLicence) || InvalidClasses.Shows(IDBack) {
		t.Error("Shows disagrees with the kinds' fields")
	}
}

// A licence first issued on 02-29 is renewed from 02-28 six years on, for ten years from then
// (CARDS.md §1), not to the first licence's 16th anniversary.
func TestLicencePeriodLeapDay(t *testing.T) {
	first := Date{Y: 2016, M: 2, D: 29}
	from, until, term := licencePeriod(first, Date{Y: 2026, M: 12, D: 1})
	if want := (Date{Y: 2022, M: 2, D: 28}); from != want || term != 10 {
		t.Errorf("from %s for %d years, want %s for 10", from, term, want)
	}
	if want := (Date{Y: 2032, M: 2, D: 28}); until != want {
		t.Errorf("until %s, want %s", until, want)
	}
}

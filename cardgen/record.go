package cardgen

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// Invalid names the one property a deliberately invalid record breaks; the empty
// value is a valid record.
type Invalid string

// The invalid properties a record can carry (CARDS.md §3). Each breaks exactly one
// check: an ID with a bad date or sex parity still has a correct check character.
const (
	InvalidIDChecksum Invalid = "id_checksum" // wrong check character (position 18)
	InvalidIDDate     Invalid = "id_date"     // birth date that does not exist (02-30), printed as such
	InvalidIDSex      Invalid = "id_sex"      // digit 17 parity disagrees with the printed sex
	InvalidClasses    Invalid = "classes"     // licence class string outside the §3.4 grammar
	InvalidVINCheck   Invalid = "vin_check"   // wrong VIN check digit (position 9)
)

// InvalidKinds lists every Invalid value.
var InvalidKinds = []Invalid{InvalidIDChecksum, InvalidIDDate, InvalidIDSex, InvalidClasses, InvalidVINCheck}

// Shows reports whether a card of kind k prints the property inv breaks: the ID
// number (front, and a licence's number), the classes, the VIN.
func (inv Invalid) Shows(k Kind) bool {
	switch inv {
	case InvalidIDChecksum, InvalidIDDate, InvalidIDSex:
		return k == IDFront || k == DrivingLicence
	case InvalidClasses:
		return k == DrivingLicence
	case InvalidVINCheck:
		return k == VehicleLicence
	}
	return false
}

// DefaultNow is the reference "today" of generated records, fixed so that a seed
// always yields the same record. Every date but a validity end lies before it.
var DefaultNow = Date{Y: 2026, M: 11, D: 1}

// RecordOptions controls record generation.
type RecordOptions struct {
	Now      Date    // reference today; zero means DefaultNow
	Rare     bool    // put one rare (level 2/3) character in the given name
	RarePool []rune  // rare characters to draw from; nil means a built-in list of name characters
	Invalid  Invalid // property to break; empty for a valid record
}

// Record is one person with an ID card, a driving licence and a vehicle. Values are
// as printed; Fields gives the normalised ground truth for one card kind.
type Record struct {
	Name, Sex, Ethnicity, Address string
	Birth                         Date
	IDNumber                      string
	Authority                     string // 签发机关 on the ID back
	IDValidFrom, IDValidUntil     Date

	Nationality               string
	FirstIssue                Date
	Classes                   string
	DLValidFrom, DLValidUntil Date
	DLTermYears               int // 6 or 10; 0 for 长期
	DLAuthority               string

	Plate, VehicleType, Owner, OwnerAddress  string
	UseNature, BrandModel, VIN, EngineNumber string
	RegisterDate, IssueDate                  Date
	VehicleAuthority                         string

	Invalid Invalid
}

// NewRecord generates the record for seed; the same seed and options give the same record.
func NewRecord(seed uint64, opt RecordOptions) Record {
	if opt.Now == (Date{}) {
		opt.Now = DefaultNow
	}
	r := rand.New(rand.NewPCG(seed, 0x7265636f7264))
	var rec Record
	rec.Invalid = opt.Invalid
	rec.Sex = pick(r, []string{"男", "女"})
	rec.Ethnicity = "汉"
	if r.IntN(10) == 0 {
		rec.Ethnicity = pick(r, ethnicities)
	}
	rec.Name = personName(r, opt)
	age := 18 + r.IntN(60)
	rec.Birth = Date{Y: opt.Now.Y - age - 1, M: 1, D: 1}.addDays(r.IntN(365))
	d := districts[r.IntN(len(districts))]
	rec.Address = address(r, d)
	rec.Authority = d.authority
	rec.IDNumber = idNumber(r, d.code, rec.Birth, rec.Sex, opt.Invalid)
	if opt.Invalid == InvalidIDDate {
		// Print the impossible date that digits 7–14 carry.
		rec.Birth = impossibleDate(rec.Birth.Y)
	}
	rec.IDValidFrom, rec.IDValidUntil = idValidity(r, rec.Birth, opt.Now)

	rec.Nationality = "中国"
	rec.DLAuthority = pick(r, trafficAuthorities[:1])
	rec.Classes = pick(r, classCodes)
	if opt.Invalid == InvalidClasses {
		rec.Classes = pick(r, invalidClassCodes)
	}
	rec.FirstIssue, rec.DLValidFrom, rec.DLValidUntil, rec.DLTermYears = dlValidity(r, rec.Birth, opt.Now)

	vehicle(r, &rec, opt)
	return rec
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func personName(r *rand.Rand, opt RecordOptions) string {
	sur := string(pick(r, surnames))
	if r.IntN(40) == 0 {
		sur = pick(r, compoundSurnames)
	}
	n := 1 + r.IntN(5)/2 // one or two given characters, mostly two
	if n > 2 {
		n = 2
	}
	given := make([]rune, n)
	for i := range given {
		given[i] = pick(r, givenChars)
	}
	if opt.Rare {
		pool := opt.RarePool
		if len(pool) == 0 {
			pool = rareGivenChars
		}
		given[r.IntN(n)] = pick(r, pool)
	}
	return sur + string(given)
}

// address builds a Ningbo-style address short enough for three ID lines of 11.
func address(r *rand.Rand, d district) string {
	st := pick(r, d.streets)
	var b strings.Builder
	b.WriteString(d.prefix)
	b.WriteString(st)
	switch {
	case strings.HasSuffix(st, "村"):
		fmt.Fprintf(&b, "%d号", 1+r.IntN(320))
	case r.IntN(2) == 0:
		fmt.Fprintf(&b, "%d号", 1+r.IntN(1999))
	default:
		fmt.Fprintf(&b, "%d弄%s%d幢%d室", 1+r.IntN(300), pick(r, estates), 1+r.IntN(40), 101+r.IntN(18)*100+r.IntN(4))
	}
	s := []rune(b.String())
	if len(s) > 33 {
		s = s[:33]
	}
	return string(s)
}

// idCheck returns the GB 11643 check character of the first 17 digits, which the generator
// always builds from digits.
func idCheck(first17 string) byte {
	c, err := ident.IDCheckChar(first17)
	if err != nil {
		panic("cardgen: " + err.Error())
	}
	return c
}

func idNumber(r *rand.Rand, region string, birth Date, sex string, inv Invalid) string {
	date := birth.compact()
	if inv == InvalidIDDate {
		date = impossibleDate(birth.Y).compact()
	}
	seq := r.IntN(100)
	sexDigit := 2 * r.IntN(5) // even: 女
	if sex == "男" {
		sexDigit++
	}
	if inv == InvalidIDSex {
		sexDigit ^= 1
	}
	first17 := fmt.Sprintf("%s%s%02d%d", region, date, seq, sexDigit)
	c := idCheck(first17)
	if inv == InvalidIDChecksum {
		const checks = "10X98765432"
		i := strings.IndexByte(checks, c)
		c = checks[(i+1+r.IntN(10))%11]
	}
	return first17 + string(c)
}

// impossibleDate returns a date that passes the ID shape (month 01–12, day 01–31)
// but does not exist, so only the calendar check fails. It depends on the year only,
// so the number and the printed birth line agree.
func impossibleDate(y int) Date {
	opts := []Date{{Y: y, M: 2, D: 30}, {Y: y, M: 4, D: 31}, {Y: y, M: 6, D: 31}, {Y: y, M: 9, D: 31}, {Y: y, M: 11, D: 31}, {Y: y, M: 2, D: 31}}
	return opts[int(uint(y)*7)%len(opts)]
}

// idTerm is the ID card validity term by age at issue (CARDS.md §3.5); 0 means 长期.
func idTerm(age int) int {
	switch {
	case age < 16:
		return 5
	case age <= 25:
		return 10
	case age <= 45:
		return 20
	}
	return 0
}

// idValidity picks an issue date at least 16 years after birth, in the last 20 years,
// preferring cards that have not expired by now.
func idValidity(r *rand.Rand, birth, now Date) (from, until Date) {
	b := realDate(birth)
	earliest := b.AddYears(16)
	if lim := now.AddYears(-20); earliest.Before(lim) {
		earliest = lim
	}
	span := int(now.time().Sub(earliest.time()).Hours()/24) - 30
	for try := 0; try < 8; try++ {
		from = earliest.addDays(r.IntN(max(span, 1)))
		until = Long
		if t := idTerm(yearsBetween(b, from)); t > 0 {
			until = from.AddYears(t)
		}
		if !until.Before(now) {
			break
		}
	}
	return from, until
}

// realDate maps an impossible date to a real one nearby, for deriving other dates.
func realDate(d Date) Date {
	for !d.Valid() {
		d.D--
	}
	return d
}

// dlValidity derives a licence history: first licence for 6 years, renewed for 10,
// then 长期; valid_from is the start of the period that contains now.
func dlValidity(r *rand.Rand, birth, now Date) (first, from, until Date, term int) {
	b := realDate(birth)
	earliest := b.AddYears(18)
	span := int(now.time().Sub(earliest.time()).Hours()/24) - 30
	first = earliest.addDays(r.IntN(max(span, 1)))
	from, until, term = licencePeriod(first, now)
	return first, from, until, term
}

// licencePeriod returns the period of a licence first issued on first that contains now.
// A renewed term runs from valid_from (CARDS.md §2.3: until = from + 10 years), which is not
// the first licence's 16th anniversary when that was issued on 02-29: from 2016-02-29 the
// renewal runs 2022-02-28 to 2032-02-28.
func licencePeriod(first, now Date) (from, until Date, term int) {
	switch {
	case !now.Before(first.AddYears(16)):
		return first.AddYears(16), Long, 0
	case !now.Before(first.AddYears(6)):
		from = first.AddYears(6)
		return from, from.AddYears(10), 10
	}
	return first, first.AddYears(6), 6
}

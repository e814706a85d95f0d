package fields

import (
	"slices"
	"strings"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// Readings holds what OCR read for one document, keyed by field key (CARDS.md §2), with
// "validity" for the line that carries valid_from and valid_until. A key may hold several
// readings of the same region (for instance digits-only and Chinese); the first is primary.
type Readings map[string][]Reading

func (r Readings) first(key string) Reading {
	if rs := r[key]; len(rs) > 0 {
		return rs[0]
	}
	return Reading{}
}

// firstValid normalises each reading with f and returns the first valid result, or the first
// result when none is valid: later readings are retries of the same region.
func firstValid(f func(Reading) Value, rs []Reading) Value {
	for _, rd := range rs {
		if v := f(rd); v.Valid {
			return v
		}
	}
	if len(rs) == 0 {
		return f(Reading{})
	}
	return f(rs[0])
}

// second is the second reading of key, if any.
func (r Readings) second(key string) Reading {
	if rs := r[key]; len(rs) > 1 {
		return rs[1]
	}
	return Reading{}
}

// IDFront normalises the fields of an ID card's portrait side and cross-checks them.
func IDFront(r Readings, today ident.Date) map[string]Value {
	out := map[string]Value{
		"name":       Name(r.first("name")),
		"sex":        Sex(r.first("sex")),
		"ethnicity":  firstValid(Ethnicity, r["ethnicity"]),
		"birth_date": Date(r.first("birth_date"), today),
		"address":    Address(r.first("address")),
	}
	p := person(out["birth_date"], out["sex"])
	out["id_number"] = IDNumber(r.first("id_number"), p, today)
	crossCheck(out, "id_number", today)
	return out
}

// IDBack normalises the issuing authority and validity of an ID card's emblem side.
func IDBack(r Readings, today ident.Date) map[string]Value {
	v := ParseValidity(today, r["validity"]...)
	CheckIDTerm(&v)
	return map[string]Value{
		"authority":   Authority(r.first("authority")),
		"valid_from":  v.From,
		"valid_until": v.Until,
	}
}

// DrivingLicence normalises the main page of a driving licence.
func DrivingLicence(r Readings, today ident.Date) map[string]Value {
	date := func(rd Reading) Value { return Date(rd, today) }
	out := map[string]Value{
		"name":             Name(r.first("name")),
		"sex":              Sex(r.first("sex")),
		"nationality":      Nationality(r.first("nationality")),
		"address":          Address(r.first("address")),
		"birth_date":       firstValid(date, r["birth_date"]),
		"first_issue_date": firstValid(date, r["first_issue_date"]),
		"classes":          firstValid(Classes, r["classes"]),
	}
	p := person(out["birth_date"], out["sex"])
	out["licence_number"] = LicenceNumber(r.first("licence_number"), p, today)
	crossCheck(out, "licence_number", today)
	v := ParseValidity(today, r["validity"]...)
	CheckDrivingTerm(&v)
	// After the term's check: a date mended so checks nothing (a misread 2030-06-2 mended
	// would let 2020 for 2026 stand, ten years before it).
	v.From = onAnniversary(v.From, out["first_issue_date"], today, false)
	v.Until = onAnniversary(v.Until, out["first_issue_date"], today, true)
	out["valid_from"], out["valid_until"] = v.From, v.Until
	checkOrder(out, "first_issue_date", "valid_from")
	checkAnniversary(out)
	return out
}

// onAnniversary mends a driving licence's validity date d that is no date (2021-08-00, a
// blurred 6 read 0) when the first issue's month and day, which every term keeps (see
// checkAnniversary), differ from its own in one digit only. Only the first issue confirms
// them: doubtful.
func onAnniversary(d, first Value, today ident.Date, future bool) Value {
	if d.Valid || !first.Valid || len(d.Text) != len("2006-01-02") || d.Text[4] != '-' || len(first.Text) != len(d.Text) {
		return d
	}
	diff := 0
	for i := 5; i < len(d.Text); i++ {
		if d.Text[i] != first.Text[i] {
			diff++
		}
	}
	if diff != 1 {
		return d
	}
	text := d.Text[:5] + first.Text[5:]
	if v, _ := checkDate(text, toGlyphs(Reading{Text: text}), today, future); !v.Valid {
		return d
	}
	return Value{Text: text, Conf: min(d.Conf, capSnapped), Valid: true, Problem: "month and day from the first issue"}
}

// checkAnniversary doubts a driving licence's valid_from that does not fall on an anniversary
// of first_issue_date: each term runs on from the end of the one before (6 years, then 10,
// then 长期, CARDS.md §3.5), so the start of every term keeps the first issue's month and day.
// A blurred 11 read 14 by a sure Tesseract otherwise stands confident when the end is 长期 and
// no term can check it. The date is not corrected: a person looks.
func checkAnniversary(out map[string]Value) {
	first, from := out["first_issue_date"], out["valid_from"]
	if !first.Valid || !from.Valid {
		return
	}
	f, err1 := ident.ParseDate(first.Text)
	v, err2 := ident.ParseDate(from.Text)
	if err1 != nil || err2 != nil || f.AddYears(v.Year-f.Year).String() == from.Text {
		return
	}
	from.Conf = min(from.Conf, capSnapped)
	from.Problem = strings.TrimPrefix(from.Problem+"; not on an anniversary of the first issue", "; ")
	out["valid_from"] = from
}

// VehicleLicence normalises the main page of a vehicle licence.
func VehicleLicence(r Readings, today ident.Date) map[string]Value {
	date := func(rd Reading) Value { return Date(rd, today) }
	out := map[string]Value{
		"plate_number":  PlateBoth(r.first("plate_number"), r.second("plate_number")),
		"vehicle_type":  firstValid(VehicleType, r["vehicle_type"]),
		"owner":         Owner(r.first("owner")),
		"address":       Address(r.first("address")),
		"use_nature":    firstValid(UseNature, r["use_nature"]),
		"brand_model":   BrandModel(r.first("brand_model")),
		"vin":           VIN(r.first("vin")),
		"engine_number": EngineNumber(r.first("engine_number")),
		"register_date": firstValid(date, r["register_date"]),
		"issue_date":    firstValid(date, r["issue_date"]),
	}
	rowsSwapped(out, r)
	fromPartner(out, "register_date", "issue_date")
	fromPartner(out, "issue_date", "register_date")
	checkOrder(out, "register_date", "issue_date")
	return out
}

// rowsSwapped catches the VIN and engine rows read from each other's places (the older form
// prints them in the other order, CARDS.md §2.4, and the printing may be misjudged): an engine
// number that is itself a valid VIN, or that holds the VIN read, is the VIN row. When the VIN
// region did not read a valid VIN, the two are exchanged at a repaired confidence (the VIN's
// check digit confirms which row is which); otherwise the engine number is lowered.
func rowsSwapped(out map[string]Value, r Readings) {
	e, v := out["engine_number"], out["vin"]
	if e.Text == "" {
		return
	}
	if vin, ok := vinIn(e.Text); ok && !v.Valid {
		eng := EngineNumber(r.first("vin"))
		eng.Conf = min(eng.Conf, capSnapped)
		eng.Problem = "read from the VIN's place"
		out["engine_number"] = eng
		c := min(e.Conf, capRepaired)
		if vin != e.Text {
			c = min(c, capVINRepair) // the row held more than the VIN: label ink read as characters
		}
		out["vin"] = Value{Text: vin, Conf: c, Valid: true, Problem: "read from the engine number's place"}
		return
	}
	if len(v.Text) >= 8 && strings.Contains(e.Text, v.Text) || len(e.Text) >= 8 && strings.Contains(v.Text, e.Text) {
		out["engine_number"] = invalid(e.Text, e.Conf, "same as the VIN")
	}
}

// vinIn finds the one valid VIN in s: s itself, or a stretch of 17 characters of it when the
// end of a label was read before or after it.
func vinIn(s string) (string, bool) {
	if len(s) < 17 {
		return "", false
	}
	var found []string
	for i := 0; i+17 <= len(s); i++ {
		if ident.ValidateVIN(s[i:i+17]) == nil {
			found = append(found, s[i:i+17])
		}
	}
	return onlyOne(found)
}

func person(birth, sex Value) Person {
	var p Person
	if birth.Valid {
		p.Birth = birth.Text
	} else if n := len(birth.Text); n >= 6 && n <= 8 && !strings.ContainsFunc(birth.Text, func(r rune) bool { return !isDigit(r) }) {
		p.BirthDigits = birth.Text
	}
	if sex.Valid {
		p.Sex = sex.Text
	}
	return p
}

// crossCheck compares birth_date and sex with the ID number (CARDS.md §3.1). When the number
// validates, a field read separately that says the same is confirmed by two independent reads
// of different parts of the card, and both lend it confidence (agreement). A birth date whose
// digits were read but not its separators (the ID card prints 2006 年 9 月 12 日, and a digit
// read may run the groups together) is confirmed when its digits are exactly the number's date
// as printed. When the number validates and a field was unreadable, the number supplies it at a
// derived confidence (the only correction of a date CARDS.md §4 allows); when both were read
// and disagree, both are lowered, because either may be the misread.
func crossCheck(out map[string]Value, key string, today ident.Date) {
	num := out[key]
	if !num.Valid || len(num.Text) != 18 {
		// Nothing confirms the birth date: a well-formed misread would look settled. Digits
		// run together are parted by the calendar where it allows one parting only.
		b, _ := runTogether(out["birth_date"], today)
		if b.Valid {
			b.Conf = min(b.Conf, capSnapped)
			out["birth_date"] = b
		}
		return
	}
	id, err := ident.ParseIDNumber(num.Text, today)
	if err != nil {
		return
	}
	derive := func(field, want string, printed ...string) {
		v := out[field]
		switch {
		case v.Valid && v.Text == want:
			v.Conf = max(v.Conf, agreement(v.Conf, num.Conf))
			out[field] = v
		case !v.Valid && v.Text != "" && slices.Contains(printed, v.Text):
			out[field] = Value{Text: want, Conf: agreement(v.Conf, num.Conf), Valid: true, Problem: "digits confirmed by the ID number"}
		case !v.Valid:
			c := min(num.Conf, capDerived)
			if v.Text != "" && editDistance(v.Text, want) <= 2 {
				c = min(num.Conf, capRepaired)
			}
			out[field] = Value{Text: want, Conf: c, Valid: true, Problem: "taken from the ID number"}
		case v.Text != want:
			out[field] = invalid(v.Text, v.Conf, "disagrees with the ID number")
			out[key] = invalid(num.Text, num.Conf, "disagrees with "+field)
		}
	}
	b := id.Birth.String() // YYYY-MM-DD
	derive("birth_date", b, printedDates(b)...)
	derive("sex", id.Sex)
}

// printedDates are the digit strings a date YYYY-MM-DD may leave when its separators are not
// read: with and without the leading zeros of month and day.
func printedDates(d string) []string {
	y, m, dd := d[:4], d[5:7], d[8:]
	return []string{y + m + dd, y + strings.TrimPrefix(m, "0") + strings.TrimPrefix(dd, "0")}
}

// agreement is the confidence of a value that two independent reads gave alike, each with its
// own confidence: it is wrong only if both are, in the same way. Independence is an assumption
// (the same photo, blur or glare hurts both), so the result stays short of certainty.
func agreement(a, b float64) float64 {
	return min(capAgreed, 1-(1-clamp01(a))*(1-clamp01(b)))
}

// fromPartner completes the date out[key] that was read without its year's first digits (24-05-04
// for 2024-05-04, the 20 run into the label's end) from the date out[partner] whose text ends
// in it: a vehicle licence is mostly issued on the day the vehicle was registered. Only the
// partner confirms the year: doubtful.
func fromPartner(out map[string]Value, key, partner string) {
	v, p := out[key], out[partner]
	if v.Valid || !p.Valid || len(v.Text) < len("06-01-02") || !strings.HasSuffix(p.Text, v.Text) {
		return
	}
	out[key] = Value{Text: p.Text, Conf: min(v.Conf, p.Conf, capSnapped), Valid: true, Problem: "year's first digits from " + partner}
}

// checkOrder lowers two dates that must not be in reverse order.
func checkOrder(out map[string]Value, earlier, later string) {
	a, b := out[earlier], out[later]
	if a.Valid && b.Valid && a.Text > b.Text {
		out[earlier] = invalid(a.Text, a.Conf, "after "+later)
		out[later] = invalid(b.Text, b.Conf, "before "+earlier)
	}
}

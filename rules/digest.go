package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// digest is the hex SHA-256 of what makes a case one case: the matter, the instant, the
// applicant's ID number and the request. Issued numbers derive from it, so the same facts
// always give the same number, and another applicant, request or instant a different one.
// (Hashing the whole facts would cost more than the rest of a decision.)
//
// The request enters as encoding/json would marshal it. Numbers already issued must stay
// verifiable, so these bytes may never change; appendRequest writes them without reflection
// and TestRequestJSON holds it to json.Marshal.
func (a *activation) digest() string {
	if a.hash == "" {
		var buf [512]byte // most cases fit: no allocation for the text hashed
		b := append(buf[:0], a.f.Matter...)
		b = append(b, 0)
		b = a.f.Now.UTC().AppendFormat(b, time.RFC3339Nano)
		b = append(b, 0)
		b = append(b, a.f.Documents["id_card_front"].Fields["id_number"]...)
		b = append(b, 0)
		b = appendRequest(b, &a.f.Request)
		sum := sha256.Sum256(b)
		var hexSum [2 * sha256.Size]byte
		hex.Encode(hexSum[:], sum[:])
		a.hash = string(hexSum[:]) // one allocation; hex.EncodeToString makes two
	}
	return a.hash
}

// appendRequest appends r as json.Marshal encodes it: every field in declaration order under
// its json name, zero dates as null, a nil list as null.
func appendRequest(b []byte, r *Request) []byte {
	b = appendKey(b, '{', "phone")
	b = appendJSONString(b, r.Phone)
	b = appendKey(b, ',', "address")
	b = appendJSONString(b, r.Address)
	b = appendKey(b, ',', "sms_verified")
	b = strconv.AppendBool(b, r.SMSVerified)
	b = appendKey(b, ',', "plate_number")
	b = appendJSONString(b, r.PlateNumber)
	b = appendKey(b, ',', "reason")
	b = appendJSONString(b, r.Reason)
	b = appendKey(b, ',', "zone")
	b = appendJSONString(b, r.Zone)
	b = appendKey(b, ',', "valid_from")
	b = appendJSONDate(b, r.ValidFrom)
	b = appendKey(b, ',', "valid_until")
	b = appendJSONDate(b, r.ValidUntil)
	b = appendKey(b, ',', "date")
	b = appendJSONDate(b, r.Date)
	b = appendKey(b, ',', "time_from")
	b = appendJSONString(b, r.TimeFrom)
	b = appendKey(b, ',', "time_to")
	b = appendJSONString(b, r.TimeTo)
	b = appendKey(b, ',', "un_class")
	b = appendJSONString(b, r.UNClass)
	b = appendKey(b, ',', "cargo_name")
	b = appendJSONString(b, r.CargoName)
	b = appendKey(b, ',', "toxic")
	b = strconv.AppendBool(b, r.Toxic)
	b = appendKey(b, ',', "route_zones")
	if r.RouteZones == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, z := range r.RouteZones {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, z)
		}
		b = append(b, ']')
	}
	b = appendKey(b, ',', "escort_id_number")
	b = appendJSONString(b, r.EscortIDNumber)
	b = appendKey(b, ',', "purpose")
	b = appendJSONString(b, r.Purpose)
	b = appendKey(b, ',', "type")
	b = appendJSONString(b, r.Type)
	b = appendKey(b, ',', "period")
	b = appendJSONString(b, r.Period)
	b = appendKey(b, ',', "trips")
	b = strconv.AppendInt(b, int64(r.Trips), 10)
	return append(b, '}')
}

// appendKey appends sep and the object key k, which needs no escaping.
func appendKey(b []byte, sep byte, k string) []byte {
	b = append(b, sep, '"')
	b = append(b, k...)
	return append(b, '"', ':')
}

// appendJSONString appends s quoted as json.Marshal quotes it. Texts that need no escaping,
// nearly all, are copied; any other goes through json.Marshal itself, so the rarely used
// escapes (HTML characters, control characters, U+2028, invalid UTF-8) cannot drift from it.
func appendJSONString(b []byte, s string) []byte {
	if plainJSON(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, err := json.Marshal(s)
	if err != nil {
		panic("rules: a string does not marshal: " + err.Error()) // json.Marshal never fails on a string
	}
	return append(b, q...)
}

// plainJSON reports whether json.Marshal writes s between quotes unchanged.
func plainJSON(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += n
	}
	return true
}

// appendJSONDate appends d as ident.Date marshals: null when zero, else "YYYY-MM-DD".
func appendJSONDate(b []byte, d ident.Date) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = appendDate(b, d)
	return append(b, '"')
}

// appendDate appends d as ident.Date.String writes it, YYYY-MM-DD, without fmt.
func appendDate(b []byte, d ident.Date) []byte {
	if d.Year < 0 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 99 {
		return append(b, d.String()...) // outside the calendar: let String decide the text
	}
	b = append(b, byte('0'+d.Year/1000), byte('0'+d.Year/100%10), byte('0'+d.Year/10%10), byte('0'+d.Year%10), '-')
	b = append(b, byte('0'+d.Month/10), byte('0'+d.Month%10), '-')
	return append(b, byte('0'+d.Day/10), byte('0'+d.Day%10))
}

// Package pass signs and verifies the tokens carried by electronic passes' QR codes. A token
// is compact (it must fit a QR code a phone camera reads at arm's length) and self-contained:
// a traffic officer's device verifies it with the public keys alone, without network.
//
// Wire format (version 1), base64url without padding:
//
//	0x01 | kid | kind | number | plate | zone | hours | not_before | not_after | issued_at | signature
//
// Strings are a length byte followed by UTF-8; times are unsigned varints of Unix seconds;
// kind is one byte; the signature is Ed25519 over every byte before it, version included.
package pass

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Kind says which pass a token is.
type Kind byte

// Pass kinds.
const (
	KindTruck  Kind = 1 // 货车通行证 (TRUCK_CITY_PASS)
	KindHazmat Kind = 2 // 危化品车辆临时通行证 (HAZMAT_TEMP_PASS)
)

const version = 1

// MaxTokenLen bounds the text Verify looks at; real tokens are about 200 characters.
const MaxTokenLen = 1024

// Claims is what a token asserts. Times are instants; a pass valid on dates D1..D2 in
// Asia/Shanghai runs from D1 00:00 to D2+1 00:00 there.
type Claims struct {
	KeyID     string // which key signed it; set by Sign
	Kind      Kind
	Number    string // the pass number
	Plate     string
	Zone      string // truck: core or central; hazmat: the route zones, comma-separated
	Hours     string // truck: off_peak or all_day; hazmat: HH:MM-HH:MM
	NotBefore time.Time
	NotAfter  time.Time
	IssuedAt  time.Time
}

// Status is the outcome of verifying a token.
type Status string

// Verification outcomes. Forged covers everything that is not a well-formed token signed by a
// known key: altered bytes, an unknown key ID, garbage.
const (
	Valid       Status = "valid"
	NotYetValid Status = "not_yet_valid"
	Expired     Status = "expired"
	Revoked     Status = "revoked"
	Forged      Status = "forged"
)

var errMalformed = errors.New("pass: malformed token")

// encode returns the signed part of a token.
func (c Claims) encode() ([]byte, error) {
	b, err := appendString([]byte{version}, c.KeyID)
	if err != nil {
		return nil, err
	}
	b = append(b, byte(c.Kind))
	for _, s := range []string{c.Number, c.Plate, c.Zone, c.Hours} {
		if b, err = appendString(b, s); err != nil {
			return nil, err
		}
	}
	for _, t := range []time.Time{c.NotBefore, c.NotAfter, c.IssuedAt} {
		if t.Unix() < 0 {
			return nil, errors.New("pass: time before 1970")
		}
		b = binary.AppendUvarint(b, uint64(t.Unix()))
	}
	return b, nil
}

func appendString(b []byte, s string) ([]byte, error) {
	if len(s) > 255 || !utf8.ValidString(s) {
		return nil, fmt.Errorf("pass: field %q too long or not UTF-8", s)
	}
	return append(append(b, byte(len(s))), s...), nil
}

// parse decodes a token's text into its claims, the signed bytes and the signature, checking
// only the format.
func parse(token string) (Claims, []byte, []byte, error) {
	var c Claims
	if len(token) > MaxTokenLen {
		return c, nil, nil, errMalformed
	}
	// Strict: one token has exactly one spelling, so an altered text never verifies.
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) < 1+ed25519.SignatureSize || raw[0] != version {
		return c, nil, nil, errMalformed
	}
	signed, sig := raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
	r := reader{b: signed[1:]}
	c.KeyID = r.str()
	c.Kind = Kind(r.byte())
	c.Number, c.Plate, c.Zone, c.Hours = r.str(), r.str(), r.str(), r.str()
	c.NotBefore, c.NotAfter, c.IssuedAt = r.time(), r.time(), r.time()
	if r.err || len(r.b) != 0 {
		return Claims{}, nil, nil, errMalformed
	}
	return c, signed, sig, nil
}

// reader consumes the fields of a token, remembering the first error.
type reader struct {
	b   []byte
	err bool
}

func (r *reader) byte() byte {
	if len(r.b) < 1 {
		r.err = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) str() string {
	n := int(r.byte())
	if r.err || len(r.b) < n || !utf8.Valid(r.b[:n]) {
		r.err = true
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *reader) time() time.Time {
	v, n := binary.Uvarint(r.b)
	// Beyond year 9999 is no pass of ours; it would also overflow time arithmetic.
	if n <= 0 || v > 253402300799 {
		r.err = true
		return time.Time{}
	}
	r.b = r.b[n:]
	return time.Unix(int64(v), 0).UTC()
}

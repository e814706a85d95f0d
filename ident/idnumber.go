package ident

import (
	"errors"
	"fmt"
)

// IDLength is the length of a GB 11643 citizen identity number.
const IDLength = 18

// Errors of ParseIDNumber. Each returned error wraps exactly one of them.
var (
	// ErrIDShape: not 17 digits followed by a digit or an uppercase X.
	ErrIDShape = errors.New("ID number: wrong shape")
	// ErrIDLegacy: a first-generation 15-digit number, no longer valid.
	ErrIDLegacy = errors.New("ID number: 15-digit numbers are no longer valid")
	// ErrIDDate: digits 7–14 are not a real calendar date.
	ErrIDDate = errors.New("ID number: birth date is not a real date")
	// ErrIDFuture: the encoded birth date is after today.
	ErrIDFuture = errors.New("ID number: birth date is in the future")
	// ErrIDCheck: the 18th character is not the GB 11643 check character.
	ErrIDCheck = errors.New("ID number: wrong check character")
)

// Warnings of IDNumber.Warnings: plausibility problems that lower the reader's confidence but
// never make a number invalid for a decision (CARDS.md §3.1).
var (
	// ErrIDProvince: the first two digits are not a province code.
	ErrIDProvince = errors.New("ID number: unknown province code")
	// ErrIDAge: the holder would be older than 120, or born before 1800.
	ErrIDAge = errors.New("ID number: implausible birth year")
)

// IDNumber is a parsed resident identity card number (GB 11643-1999).
type IDNumber struct {
	Number string // the 18 characters, X uppercase
	Region string // digits 1–6, the address code at first registration
	Birth  Date   // digits 7–14
	Sex    string // "男" when digit 17 is odd, "女" when even
}

// idWeights are the GB 11643 weights of the first 17 digits; idCheck maps Σ mod 11 to the
// check character.
var (
	idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idCheck   = "10X98765432"
)

// ParseIDNumber validates s as the decision rules define it (SERVICES.md ID_NUMBER_INVALID):
// 17 digits and a digit or uppercase X, digits 7–14 a real date not after today, and the right
// check character. 15-digit numbers are invalid. Province and age plausibility are left to
// Warnings.
func ParseIDNumber(s string, today Date) (IDNumber, error) {
	if len(s) == 15 && allDigits(s) {
		return IDNumber{}, ErrIDLegacy
	}
	if len(s) != IDLength || !allDigits(s[:17]) || !(isDigit(s[17]) || s[17] == 'X') {
		return IDNumber{}, fmt.Errorf("%w: %q", ErrIDShape, s)
	}
	y, _ := digits(s[6:10])
	m, _ := digits(s[10:12])
	d, _ := digits(s[12:14])
	birth, err := makeDate(y, m, d, s[6:14])
	if err != nil {
		return IDNumber{}, fmt.Errorf("%w: %s", ErrIDDate, s[6:14])
	}
	if birth.After(today) {
		return IDNumber{}, fmt.Errorf("%w: %s is after %s", ErrIDFuture, birth, today)
	}
	want, _ := IDCheckChar(s[:17])
	if s[17] != want {
		return IDNumber{}, fmt.Errorf("%w: %c, want %c", ErrIDCheck, s[17], want)
	}
	sex := "女"
	if (s[16]-'0')%2 == 1 {
		sex = "男"
	}
	return IDNumber{Number: s, Region: s[:6], Birth: birth, Sex: sex}, nil
}

// IDCheckChar returns the GB 11643 check character ('0'–'9' or 'X') for the first 17 digits.
func IDCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 || !allDigits(first17) {
		return 0, fmt.Errorf("%w: check character needs 17 digits, got %q", ErrIDShape, first17)
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheck[sum%11], nil
}

// Warnings lists the plausibility problems of a valid number: an unknown province code
// (ErrIDProvince) and an age over 120 at today (ErrIDAge). They lower confidence only. The full
// 6-digit GB/T 2260 code is not checked: that needs the code table with its history.
func (n IDNumber) Warnings(today Date) []error {
	var ws []error
	if !KnownProvince(n.Region) {
		ws = append(ws, fmt.Errorf("%w: %s", ErrIDProvince, n.Region[:2]))
	}
	if n.Birth.Year < 1800 || AgeOn(n.Birth, today) > 120 {
		ws = append(ws, fmt.Errorf("%w: %d", ErrIDAge, n.Birth.Year))
	}
	return ws
}

// provinces are the first two digits of GB/T 2260 province-level codes, plus 81/82/83 for
// residence permits of Hong Kong, Macao and Taiwan residents.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// KnownProvince reports whether the first two characters of code are a province code
// (CARDS.md §3.1). Shorter strings are unknown.
func KnownProvince(code string) bool {
	return len(code) >= 2 && provinces[code[:2]]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

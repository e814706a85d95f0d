package ident

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of ParsePlate. Each returned error wraps exactly one of them.
var (
	// ErrPlateProvince: the first character is not a province abbreviation.
	ErrPlateProvince = errors.New("plate: unknown province")
	// ErrPlateShape: the characters after the province fit no GA 36 pattern.
	ErrPlateShape = errors.New("plate: wrong shape")
)

// Plate is a parsed civil number plate (GA 36).
type Plate struct {
	Number    string // without separator, e.g. "京AD92035"
	Province  string // the first character, e.g. "京"
	NewEnergy bool   // an 8-character new-energy plate
	Large     bool   // a large new-energy plate (5 digits then D/F); unknowable for 7-character plates
}

// PlateProvinces are the 31 province abbreviations of GA 36 that begin a plate.
const PlateProvinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

// plateSeparators are the dots and spaces printed or typed between the issuer and the serial.
var plateSeparators = strings.NewReplacer("·", "", "•", "", "・", "", ".", "", " ", "", "\u3000", "")

// ParsePlate validates a plate number after removing separator dots and spaces: an ordinary
// 7-character plate, or an 8-character new-energy plate, small or large (CARDS.md §3.3).
func ParsePlate(s string) (Plate, error) {
	r := []rune(plateSeparators.Replace(s))
	if len(r) == 0 || !strings.ContainsRune(PlateProvinces, r[0]) {
		return Plate{}, fmt.Errorf("%w: %q", ErrPlateProvince, s)
	}
	p := Plate{Number: string(r), Province: string(r[0])}
	if len(r) < 2 || !plateLetter(r[1]) {
		return Plate{}, fmt.Errorf("%w: %q", ErrPlateShape, s)
	}
	tail := r[2:]
	switch {
	case len(tail) == 5 && allOf(tail[:4], plateAlnum) && (plateAlnum(tail[4]) || strings.ContainsRune("挂学警港澳", tail[4])):
		return p, nil
	case len(tail) == 6 && allOf(tail[:5], plateDigit) && (tail[5] == 'D' || tail[5] == 'F'):
		p.NewEnergy, p.Large = true, true
		return p, nil
	case len(tail) == 6 && tail[0] >= 'A' && tail[0] <= 'K' && tail[0] != 'I' && plateAlnum(tail[1]) && allOf(tail[2:], plateDigit):
		// D (pure electric) and F (other) are the classic letters; newer series use other
		// letters A–K in this position, which must be accepted, never rejected.
		p.NewEnergy = true
		return p, nil
	}
	return Plate{}, fmt.Errorf("%w: %q", ErrPlateShape, s)
}

// plateLetter accepts A–Z without I and O.
func plateLetter(c rune) bool { return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' }

func plateDigit(c rune) bool { return c >= '0' && c <= '9' }

func plateAlnum(c rune) bool { return plateLetter(c) || plateDigit(c) }

func allOf(rs []rune, f func(rune) bool) bool {
	for _, c := range rs {
		if !f(c) {
			return false
		}
	}
	return true
}

package ident

import (
	"errors"
	"fmt"
)

// Errors of ValidateVIN. Each returned error wraps exactly one of them.
var (
	// ErrVINShape: not 17 characters.
	ErrVINShape = errors.New("VIN: not 17 characters")
	// ErrVINChar: a character outside [A-HJ-NPR-Z0-9] (I, O and Q never occur).
	ErrVINChar = errors.New("VIN: invalid character")
	// ErrVINCheck: position 9 is not the check digit.
	ErrVINCheck = errors.New("VIN: wrong check digit")
	// ErrVINDegenerate: all 17 characters are the same (11111111111111111 passes the check
	// digit but is a placeholder, not a vehicle).
	ErrVINDegenerate = errors.New("VIN: degenerate (all characters the same)")
)

// VINLength is the length of every VIN (ISO 3779).
const VINLength = 17

var vinWeights = [VINLength]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// vinValue is the ISO 3779 transliteration; -1 marks characters a VIN cannot contain.
func vinValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'H':
		return int(c-'A') + 1
	case c >= 'J' && c <= 'N':
		return int(c-'J') + 1
	case c == 'P':
		return 7
	case c == 'R':
		return 9
	case c >= 'S' && c <= 'Z':
		return int(c-'S') + 2
	}
	return -1
}

// VINCheckChar computes the check digit ('0'–'9' or 'X') of a 17-character VIN; the character
// at position 9 is ignored.
func VINCheckChar(vin string) (byte, error) {
	if len(vin) != VINLength {
		return 0, fmt.Errorf("%w: %d characters", ErrVINShape, len(vin))
	}
	sum := 0
	for i := range VINLength {
		v := vinValue(vin[i])
		if v < 0 {
			return 0, fmt.Errorf("%w: %q at position %d", ErrVINChar, vin[i], i+1)
		}
		sum += v * vinWeights[i]
	}
	if sum%11 == 10 {
		return 'X', nil
	}
	return byte('0' + sum%11), nil
}

// ValidateVIN checks length, alphabet and check digit (ISO 3779 / GB 16735), and flags a
// degenerate VIN whose characters are all the same.
func ValidateVIN(s string) error {
	want, err := VINCheckChar(s)
	if err != nil {
		return err
	}
	if s[8] != want {
		return fmt.Errorf("%w: %c, want %c", ErrVINCheck, s[8], want)
	}
	same := true
	for i := 1; i < len(s); i++ {
		same = same && s[i] == s[0]
	}
	if same {
		return fmt.Errorf("%w: %s", ErrVINDegenerate, s)
	}
	return nil
}

package ident

import (
	"errors"
	"fmt"
)

// Errors of ParseClasses. Each returned error wraps exactly one of them.
var (
	// ErrClassUnknown: characters that are no licence class code, or an empty string.
	ErrClassUnknown = errors.New("licence classes: unknown code")
	// ErrClassRepeat: the same code twice.
	ErrClassRepeat = errors.New("licence classes: repeated code")
)

// ClassCodes lists the driving-licence class codes of 162号令 in their usual order.
var ClassCodes = []string{"A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "C6", "D", "E", "F", "M", "N", "P"}

// ParseClasses splits concatenated licence classes left to right: "A2D" → [A2 D],
// "C1E" → [C1 E]. Leftover characters, an empty string or a repeated code are errors.
func ParseClasses(s string) ([]string, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: empty", ErrClassUnknown)
	}
	var out []string
	seen := map[string]bool{}
	for i := 0; i < len(s); {
		n := classLen(s[i:])
		if n == 0 {
			return nil, fmt.Errorf("%w: %q at position %d of %q", ErrClassUnknown, s[i:], i+1, s)
		}
		c := s[i : i+n]
		if seen[c] {
			return nil, fmt.Errorf("%w: %s in %q", ErrClassRepeat, c, s)
		}
		seen[c] = true
		out = append(out, c)
		i += n
	}
	return out, nil
}

// classLen returns the length of the class code at the start of s, or 0 if there is none.
func classLen(s string) int {
	var hi byte // highest digit after a letter that takes one
	switch s[0] {
	case 'A':
		hi = '3'
	case 'B':
		hi = '2'
	case 'C':
		hi = '6'
	case 'D', 'E', 'F', 'M', 'N', 'P':
		return 1
	default:
		return 0
	}
	if len(s) >= 2 && s[1] >= '1' && s[1] <= hi {
		return 2
	}
	return 0
}

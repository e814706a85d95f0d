package cardgen

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"
)

// LoadHanzi reads the 通用规范汉字表 TSV (code point, character, pinyin; lines 1–3500
// level 1, 3501–6500 level 2, 6501–8105 level 3) and returns the characters of the
// given levels, in table order.
func LoadHanzi(path string, levels ...int) ([]rune, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cardgen: hanzi table: %w", err)
	}
	defer f.Close()
	want := map[int]bool{}
	for _, l := range levels {
		want[l] = true
	}
	var out []rune
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		level := 1
		switch {
		case n > 6500:
			level = 3
		case n > 3500:
			level = 2
		}
		if !want[level] {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 2 {
			return nil, fmt.Errorf("cardgen: hanzi table line %d: want code point and character", n)
		}
		r, size := utf8.DecodeRuneInString(cols[1])
		if r == utf8.RuneError || size != len(cols[1]) {
			return nil, fmt.Errorf("cardgen: hanzi table line %d: %q is not one character", n, cols[1])
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cardgen: hanzi table: %w", err)
	}
	return out, nil
}

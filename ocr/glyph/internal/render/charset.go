package render

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// TableChar is one character of the 通用规范汉字表 with its level (1–3).
type TableChar struct {
	Rune  rune
	Level int
}

// ReadTable reads the table file: one character per line as
// "U+XXXX<TAB>char<TAB>pinyin"; lines 1–3500 are level 1, 3501–6500 level 2,
// the rest level 3.
func ReadTable(path string) ([]TableChar, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	defer f.Close()
	var out []TableChar
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) < 2 || !strings.HasPrefix(fields[0], "U+") {
			return nil, fmt.Errorf("render: %s:%d: malformed line", path, n)
		}
		cp, err := strconv.ParseUint(fields[0][2:], 16, 32)
		if err != nil {
			return nil, fmt.Errorf("render: %s:%d: %w", path, n, err)
		}
		lv := 1
		switch {
		case n > 6500:
			lv = 3
		case n > 3500:
			lv = 2
		}
		out = append(out, TableChar{Rune: rune(cp), Level: lv})
	}
	return out, sc.Err()
}

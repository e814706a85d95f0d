package main

import (
	"fmt"
	"io"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/render"
)

// printCoverage writes, for every known font, how many characters of each
// level of the table it maps to a glyph.
func printCoverage(w io.Writer, table []render.TableChar) error {
	var total [4]int
	for _, c := range table {
		total[c.Level]++
	}
	fmt.Fprintf(w, "%-22s %11s %11s %11s %11s\n", "font", "level-1", "level-2", "level-3", "all")
	for _, spec := range render.Fonts {
		f, err := render.OpenFont(spec)
		if err != nil {
			fmt.Fprintf(w, "%-22s %v\n", spec.Name, err)
			continue
		}
		var have [4]int
		for _, c := range table {
			if f.Has(c.Rune) {
				have[c.Level]++
			}
		}
		fmt.Fprintf(w, "%-22s %5d/%5d %5d/%5d %5d/%5d %5d/%5d\n", spec.Name,
			have[1], total[1], have[2], total[2], have[3], total[3],
			have[1]+have[2]+have[3], len(table))
	}
	return nil
}

// Command glyphbuild builds the glyph recogniser's model from installed
// fonts: it renders every character of the 通用规范汉字表 (plus digits,
// capital letters and a little punctuation) in the build fonts under
// several kinds of damage, learns a discriminant projection, stores one
// prototype per character and font style, and calibrates confidence on
// fonts kept out of the build.
//
//	go run ./ocr/glyph/cmd/glyphbuild -out ocr/glyph/model/glyph.model
//	go run ./ocr/glyph/cmd/glyphbuild -coverage
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"strings"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/feat"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/model"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/render"
)

// extra lists the non-ideographs the model reads. I, J and O are left
// out: in addresses and names they would only compete with 1 and 0 (a
// footless 1 looks like J), and plates and VINs, which never use I or O,
// are read elsewhere.
const extra = "0123456789ABCDEFGHKLMNPQRSTUVWXYZ·-()#"

func main() {
	var (
		table    = flag.String("table", "/work/shared/data/tongyong-guifan-hanzi-8105.tsv", "通用规范汉字表, one character a line")
		fonts    = flag.String("fonts", "noto-sans-light,noto-sans-regular,noto-sans-bold,wqy-zenhei,noto-serif-regular", "build fonts")
		latFonts = flag.String("latin-fonts", "dejavu-sans,dejavu-sans-bold,dejavu-sans-condensed,dejavu-serif,ocr-b", "extra fonts for digits, capitals and punctuation only")
		calFonts = flag.String("calib-fonts", "ukai,noto-sans-thin,noto-serif-bold", "fonts for confidence calibration (not used for prototypes)")
		nvar     = flag.Int("variants", 4, "renderings per character and font")
		lda      = flag.Int("lda", 160, "discriminant dimensions kept")
		alpha    = flag.Float64("alpha", 0.1, "within-class scatter shrinkage towards its diagonal")
		perStyle = flag.Bool("per-style", true, "one prototype per font style (hei, song) instead of one per character")
		calEvery = flag.Int("calib-every", 4, "calibrate on every n-th character")
		seed     = flag.Uint64("seed", 1, "random seed")
		workers  = flag.Int("workers", 2, "goroutines")
		out      = flag.String("out", "ocr/glyph/model/glyph.model", "model file to write")
		cache    = flag.String("cache", "", "file to keep rendered features in between runs (optional)")
		limit    = flag.Int("limit", 0, "use only the first n table characters (quick experiments)")
		coverage = flag.Bool("coverage", false, "print each font's coverage of the table and exit")
	)
	flag.Parse()
	log.SetFlags(0)
	tab, err := render.ReadTable(*table)
	if err != nil {
		log.Fatal(err)
	}
	if *coverage {
		printCoverage(os.Stdout, tab)
		return
	}
	start := time.Now()
	specs, err := lookupFonts(*fonts)
	if err != nil {
		log.Fatal(err)
	}
	latSpecs, err := lookupFonts(*latFonts)
	if err != nil {
		log.Fatal(err)
	}
	calSpecs, err := lookupFonts(*calFonts)
	if err != nil {
		log.Fatal(err)
	}
	var runes []rune
	var levels []uint8
	if *limit > 0 && *limit < len(tab) {
		tab = tab[:*limit]
	}
	for _, c := range tab {
		runes = append(runes, c.Rune)
		levels = append(levels, uint8(c.Level))
	}
	for _, r := range extra {
		runes = append(runes, r)
		levels = append(levels, 0)
	}

	key := fmt.Sprintf("%s|%d|%d|%d|%d", *fonts, *nvar, *seed, len(runes), feat.Dim)
	samples, err := loadCache(*cache, key)
	if err != nil {
		log.Fatal(err)
	}
	if samples == nil {
		samples, err = genSamples(specs, nil, runes, *nvar, *seed, *workers, progress("render", len(runes)))
		if err != nil {
			log.Fatal(err)
		}
		if err := saveCache(*cache, key, samples); err != nil {
			log.Fatal(err)
		}
	}
	// Digits, capitals and punctuation also from Latin fonts, with a CJK
	// fallback for the context characters.
	latRunes := []rune(extra)
	latSamples, err := genSamples(latSpecs, &specs[0], latRunes, *nvar, *seed+500, *workers, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range latSamples {
		s.class += len(runes) - len(latRunes)
		s.font += len(specs)
		samples = append(samples, s)
	}
	specs = append(specs, latSpecs...)
	log.Printf("%d training samples (%s)", len(samples), time.Since(start).Round(time.Second))

	// Characters no build font covers cannot be recognised: drop them from
	// the model and say so.
	covered := make([]bool, len(runes))
	for _, s := range samples {
		covered[s.class] = true
	}
	var missing []string
	remap := make([]int, len(runes))
	var keptRunes []rune
	var keptLevels []uint8
	for i, r := range runes {
		if !covered[i] {
			missing = append(missing, string(r))
			remap[i] = -1
			continue
		}
		remap[i] = len(keptRunes)
		keptRunes = append(keptRunes, r)
		keptLevels = append(keptLevels, levels[i])
	}
	for i := range samples {
		samples[i].class = remap[samples[i].class]
	}
	log.Printf("%d classes; not covered by any build font: %d %s", len(keptRunes), len(missing), strings.Join(missing, ""))

	l := fitLDA(samples, len(keptRunes), feat.Dim, *lda, *alpha, *workers)
	log.Printf("discriminant projection %d→%d (%s)", feat.Dim, *lda, time.Since(start).Round(time.Second))

	styles := map[string]int{}
	fontGroup := make([]int, len(specs))
	for i, s := range specs {
		if *perStyle {
			if _, ok := styles[s.Style]; !ok {
				styles[s.Style] = len(styles)
			}
			fontGroup[i] = styles[s.Style]
		}
	}
	per := max(1, len(styles))
	protos := prototypes(l, samples, fontGroup, len(keptRunes), per)

	// Calibration: every calEvery-th character, in fonts outside the build.
	calRunes := make([]rune, 0, len(keptRunes) / *calEvery + 1)
	calClass := make([]int, 0, cap(calRunes))
	for i := 0; i < len(keptRunes); i += *calEvery {
		calRunes = append(calRunes, keptRunes[i])
		calClass = append(calClass, i)
	}
	calSamples, err := genSamples(calSpecs, nil, calRunes, 2, *seed+1000, *workers, progress("calibration render", len(calRunes)))
	if err != nil {
		log.Fatal(err)
	}
	for i := range calSamples {
		calSamples[i].class = calClass[calSamples[i].class]
	}
	pts := classifyAll(l, protos, len(keptRunes), per, calSamples, *workers)
	right := 0
	for _, p := range pts {
		if p.ok {
			right++
		}
	}
	cal := calibrate(pts, 0.80, 0.005)
	log.Printf("calibration: %d samples, nearest-prototype accuracy %.2f %%, weights %v (%s)",
		len(pts), 100*float64(right)/float64(len(pts)), cal, time.Since(start).Round(time.Second))

	meta, _ := json.Marshal(map[string]any{
		"build_fonts": *fonts, "latin_fonts": *latFonts, "calibration_fonts": *calFonts, "variants": *nvar, "lda": *lda,
		"alpha": *alpha, "per_style": *perStyle, "seed": *seed, "classes": len(keptRunes),
		"not_covered": strings.Join(missing, ""),
	})
	m := &model.Model{
		Meta: string(meta), Dim: feat.Dim, LDA: *lda, Mean: l.mean, Proj: l.proj,
		Runes: keptRunes, Levels: keptLevels, Per: per, Protos: protos, Calib: cal,
		Width: widths(samples, len(keptRunes)),
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := m.Write(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	st, _ := os.Stat(*out)
	log.Printf("wrote %s: %.2f MB (%s total)", *out, float64(st.Size())/1e6, time.Since(start).Round(time.Second))
}

func lookupFonts(list string) ([]render.FontSpec, error) {
	var specs []render.FontSpec
	for _, n := range strings.Split(list, ",") {
		s, err := render.LookupFont(strings.TrimSpace(n))
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
	return specs, nil
}

// prototypes returns per prototypes for each class: the mean projected
// sample of each font group; a class missing from a group borrows the mean
// of all its samples.
func prototypes(l ldaResult, samples []sample, fontGroup []int, k, per int) []float32 {
	sum := make([]float64, k*per*l.out)
	all := make([]float64, k*l.out)
	cnt := make([]int, k*per)
	call := make([]int, k)
	for _, s := range samples {
		y := l.project(s.x)
		g := s.class*per + fontGroup[s.font]
		cnt[g]++
		call[s.class]++
		for d, v := range y {
			sum[g*l.out+d] += float64(v)
			all[s.class*l.out+d] += float64(v)
		}
	}
	protos := make([]float32, k*per*l.out)
	for c := 0; c < k; c++ {
		for g := 0; g < per; g++ {
			i := c*per + g
			for d := 0; d < l.out; d++ {
				if cnt[i] > 0 {
					protos[i*l.out+d] = float32(sum[i*l.out+d] / float64(cnt[i]))
				} else {
					protos[i*l.out+d] = float32(all[c*l.out+d] / float64(call[c]))
				}
			}
		}
	}
	return protos
}

func progress(what string, total int) func(int) {
	last := time.Now()
	return func(done int) {
		if time.Since(last) > 20*time.Second || done == total {
			log.Printf("%s: %d/%d", what, done, total)
			last = time.Now()
		}
	}
}

// widths returns each class's mean and standard deviation of ink width in
// band heights, from the geometry part of the features.
func widths(samples []sample, k int) []float32 {
	sum := make([]float64, k)
	sq := make([]float64, k)
	n := make([]float64, k)
	for _, s := range samples {
		w := float64(s.x[feat.Dim-2])
		sum[s.class] += w
		sq[s.class] += w * w
		n[s.class]++
	}
	out := make([]float32, 2*k)
	for c := range sum {
		if n[c] == 0 {
			continue
		}
		mu := sum[c] / n[c]
		out[2*c] = float32(mu)
		out[2*c+1] = float32(math.Sqrt(math.Max(0, sq[c]/n[c]-mu*mu)))
	}
	return out
}

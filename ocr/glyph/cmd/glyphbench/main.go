// Command glyphbench measures the glyph recogniser on synthetic card lines
// rendered in fonts that did not build the model: names, addresses and
// issuing authorities whose characters under test come from each level of
// the 通用规范汉字表, at card size with mild damage (blur σ ≤ 1, noise,
// ±8 % scale, sub-pixel shift, grey ink).
//
//	go run ./ocr/glyph/cmd/glyphbench -fonts wqy-microhei,uming -n 100
//
// With -tesseract it also runs the tesseract CLI (chi_sim, one line mode)
// on the same images.
package main

import (
	"flag"
	"fmt"
	"image"
	"log"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/render"
)

func main() {
	var (
		fonts   = flag.String("fonts", "wqy-microhei,uming,noto-sans-medium", "held-out fonts to render with")
		modelF  = flag.String("model", "", "model file (default: the embedded model)")
		table   = flag.String("table", "/work/shared/data/tongyong-guifan-hanzi-8105.tsv", "通用规范汉字表")
		n       = flag.Int("n", 60, "lines per font, level and kind")
		seed    = flag.Uint64("seed", 7, "random seed")
		maxBlur = flag.Float64("blur", 1.0, "largest blur sigma in pixels")
		tess    = flag.Int("tesseract", 0, "also run tesseract chi_sim on this many lines per font, level and kind")
		procs   = flag.Int("procs", 1, "GOMAXPROCS while timing (1 = one core)")
		dump    = flag.Int("errors", 0, "print up to this many misread lines")
	)
	flag.Parse()
	log.SetFlags(0)
	runtime.GOMAXPROCS(*procs)
	runtime.LockOSThread()
	rec, err := loadModel(*modelF)
	if err != nil {
		log.Fatal(err)
	}
	tab, err := render.ReadTable(*table)
	if err != nil {
		log.Fatal(err)
	}
	inModel := map[rune]bool{}
	for _, r := range rec.Chars() {
		inModel[r] = true
	}
	total := newStats("all fonts")
	var tessTotal *stats
	if *tess > 0 {
		tessTotal = newStats("tesseract chi_sim, all fonts")
	}
	for _, name := range strings.Split(*fonts, ",") {
		spec, err := render.LookupFont(name)
		if err != nil {
			log.Fatal(err)
		}
		f, err := render.OpenFont(spec)
		if err != nil {
			log.Fatal(err)
		}
		g := &generator{rng: rand.New(rand.NewPCG(*seed, 0))}
		var skipped [4]int
		for _, c := range tab {
			if f.Has(c.Rune) {
				g.levels[c.Level] = append(g.levels[c.Level], c.Rune)
			} else {
				skipped[c.Level]++
			}
		}
		fmt.Printf("\n== %s (%s): lacks %d/%d/%d characters of levels 1/2/3 (not tested in this font)\n",
			spec.Name, spec.Style, skipped[1], skipped[2], skipped[3])
		st := newStats(spec.Name)
		var ts *stats
		if *tess > 0 {
			ts = newStats("tesseract " + spec.Name)
		}
		errs := 0
		for lv := 1; lv <= 3; lv++ {
			for _, kind := range []lineKind{nameLine, addressLine, authorityLine} {
				for i := 0; i < *n; i++ {
					var text string
					switch kind {
					case nameLine:
						text = g.name(lv)
					case addressLine:
						text = g.address(lv)
					default:
						text = g.authority(lv)
					}
					img, err := cardLine(f, text, g.rng, *maxBlur)
					if err != nil {
						log.Fatal(err)
					}
					t0, c0 := time.Now(), threadCPU()
					line := rec.ReadLine(img)
					dt, cpu := time.Since(t0), threadCPU()-c0
					ok := st.add(text, line, lv, kind, dt, tab, inModel)
					st.lines[len(st.lines)-1].cpu = cpu
					st.last.cpu = cpu
					total.merge(st.last)
					if !ok && errs < *dump {
						errs++
						fmt.Printf("  L%d %-9s want %s got %s (conf %.2f)\n", lv, kind, text, line.Text, line.Confidence())
					}
					if ts != nil && i < *tess {
						got, dt, err := runTesseract(img)
						if err != nil {
							log.Fatal(err)
						}
						ts.addText(text, got, lv, kind, dt, tab)
						tessTotal.merge(ts.last)
					}
				}
			}
		}
		st.print(os.Stdout)
		if ts != nil {
			ts.print(os.Stdout)
		}
	}
	fmt.Println()
	total.print(os.Stdout)
	if tessTotal != nil {
		tessTotal.print(os.Stdout)
	}
}

func loadModel(path string) (*glyph.Recognizer, error) {
	if path == "" {
		return glyph.Default()
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return glyph.Load(f)
}

// cardLine renders text as a crop of a rectified card: glyphs 30–40 px,
// fixed pitch with some tracking, ID-style full-width digits half the
// time, a margin like an ROI's padding, then mild damage.
func cardLine(f *render.Font, text string, rng *rand.Rand, maxBlur float64) (image.Image, error) {
	px := 30 + 10*rng.Float64()
	img, _, err := f.Line(text, render.LineOptions{
		Px:              px,
		Tracking:        0.03 + 0.2*rng.Float64(),
		Pad:             int(px*0.2) + rng.IntN(int(px*0.3)),
		FullWidthDigits: rng.IntN(2) == 0,
	})
	if err != nil {
		return nil, err
	}
	return render.RandomDegradation(rng, maxBlur).Apply(img, rng), nil
}

func percentile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

package main

import (
	"fmt"
	"image"
	"math/rand/v2"
	"sync"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/feat"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/glyph/internal/render"
)

// variant is one rendering condition for a training sample.
type variant struct {
	px      float64
	blurMin float64
	blurMax float64
	thicken float64
	noise   float64
	scale   [2]float64
	con     [2]float64
}

// variants span the sizes and damage seen on rectified card crops: glyph
// heights 30–42 px, focus blur, heavier and lighter printing, grey ink.
var variants = []variant{
	{px: 36, blurMax: 0.3, scale: [2]float64{1, 1}, con: [2]float64{0.9, 1}},
	{px: 30, blurMin: 0.5, blurMax: 0.9, thicken: 0.35, noise: 4, scale: [2]float64{0.95, 1.05}, con: [2]float64{0.8, 1}},
	{px: 42, blurMin: 0.7, blurMax: 1.1, thicken: -0.35, scale: [2]float64{0.95, 1.05}, con: [2]float64{0.65, 0.85}},
	{px: 34, blurMin: 0.2, blurMax: 0.6, noise: 8, scale: [2]float64{0.88, 1.12}, con: [2]float64{0.7, 1}},
	{px: 38, blurMin: 0.4, blurMax: 1.0, thicken: 0.2, noise: 5, scale: [2]float64{0.9, 1.0}, con: [2]float64{0.6, 0.9}},
	{px: 32, blurMin: 0.0, blurMax: 0.5, thicken: -0.2, noise: 3, scale: [2]float64{1.0, 1.1}, con: [2]float64{0.75, 1}},
}

// sample is the feature vector of one rendered glyph.
type sample struct {
	class int
	font  int
	x     []float32
}

// context is the character drawn on both sides of the target, so that the
// line band is set by a full-height ideograph as it is on a real line.
const context = '国'

// renderSample draws context+r+context with font f under variant v and
// returns the target's features, or false if the target left no ink.
func renderSample(f *render.Font, r rune, v variant, rng *rand.Rand, fs *feat.Scratch) ([]float32, bool, error) {
	text := string([]rune{context, r, context})
	img, boxes, err := f.Line(text, render.LineOptions{Px: v.px, Tracking: 0.12, Pad: int(v.px / 3)})
	if err != nil {
		return nil, false, err
	}
	if v.thicken != 0 {
		img = render.Thicken(img, v.thicken*(0.5+rng.Float64()))
	}
	d := render.Degradation{
		Blur:     v.blurMin + rng.Float64()*(v.blurMax-v.blurMin),
		Noise:    v.noise * rng.Float64(),
		Scale:    v.scale[0] + rng.Float64()*(v.scale[1]-v.scale[0]),
		Contrast: v.con[0] + rng.Float64()*(v.con[1]-v.con[0]),
		Shift:    rng.Float64(),
	}
	out := d.Apply(img, rng)
	ink, ok := feat.NewInk(out)
	if !ok {
		return nil, false, nil
	}
	ink.RemoveSpecks(max(2, ink.H*ink.H/600))
	band, ok := bandOf(ink)
	if !ok {
		return nil, false, nil
	}
	b := boxes[1]
	x0 := int(float64(b.Min.X)*d.Scale + d.Shift)
	x1 := int(float64(b.Max.X)*d.Scale+d.Shift) + 1
	m := band.Height() / 6
	box, ok := ink.Box(image.Rect(x0, band.Top-m, x1, band.Bottom+m))
	if !ok {
		return nil, false, nil
	}
	x := make([]float32, feat.Dim)
	feat.Extract(ink, box, band, fs, x)
	return x, true, nil
}

// bandOf is the band as the reader finds it: first to last inked row.
func bandOf(k *feat.Ink) (feat.Band, bool) {
	top, bot := -1, -1
	for y := 0; y < k.H; y++ {
		for _, m := range k.Mask[y*k.W : (y+1)*k.W] {
			if m {
				if top < 0 {
					top = y
				}
				bot = y + 1
				break
			}
		}
	}
	return feat.Band{Top: top, Bottom: bot}, top >= 0
}

// genSamples renders every class in every font that has it, under each
// variant, using workers goroutines. Seeds depend only on class, font and
// variant, so the output is identical for any worker count.
//
// Runes a font lacks are skipped, except that with a fallback the context
// characters come from the fallback: Latin-only fonts need it for 国.
func genSamples(specs []render.FontSpec, fallback *render.FontSpec, runes []rune, nvar int, seed uint64, workers int, progress func(done int)) ([]sample, error) {
	type job struct{ lo, hi int }
	jobs := make(chan job)
	results := make([][]sample, len(runes))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	done := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fonts := make([]*render.Font, len(specs))
			for i, s := range specs {
				f, err := render.OpenFont(s)
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					for range jobs {
					}
					return
				}
				fonts[i] = f
			}
			if fallback != nil {
				fb, err := render.OpenFont(*fallback)
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					for range jobs {
					}
					return
				}
				for _, f := range fonts {
					f.Fallback = fb
				}
			}
			var fs feat.Scratch
			for jb := range jobs {
				for c := jb.lo; c < jb.hi; c++ {
					for fi, f := range fonts {
						if !f.Has(runes[c]) {
							continue
						}
						for vi := 0; vi < nvar; vi++ {
							rng := rand.New(rand.NewPCG(seed, uint64(c)<<16|uint64(fi)<<8|uint64(vi)))
							x, ok, err := renderSample(f, runes[c], variants[vi%len(variants)], rng, &fs)
							if err != nil {
								mu.Lock()
								firstErr = fmt.Errorf("%s %q: %w", f.Spec.Name, runes[c], err)
								mu.Unlock()
								continue
							}
							if ok {
								results[c] = append(results[c], sample{class: c, font: fi, x: x})
							}
						}
					}
				}
				mu.Lock()
				done += jb.hi - jb.lo
				if progress != nil {
					progress(done)
				}
				mu.Unlock()
			}
		}()
	}
	for lo := 0; lo < len(runes); lo += 100 {
		jobs <- job{lo, min(lo+100, len(runes))}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	var all []sample
	for _, r := range results {
		all = append(all, r...)
	}
	return all, nil
}

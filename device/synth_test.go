package device

import (
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"
)

// update rewrites the committed recordings under testdata/ from the generator below.
var update = flag.Bool("update", false, "rewrite testdata recordings")

// scene is one synthetic frame of a document camera: a card-like rectangle on the kiosk's
// dark base plate, with lens blur and sensor noise. Rendering is pure Go with a seeded
// generator, so a scene always gives the same pixels.
type scene struct {
	w, h   int
	card   bool
	cx, cy float64 // card centre in pixels
	long   float64 // card's long side in pixels
	aspect float64 // long/short; aspectIDCard by default
	angle  float64 // in-plane rotation, radians
	blur   float64 // Gaussian sigma in pixels; a real lens is never perfectly sharp
	noise  float64 // sensor noise sigma in grey levels
	dark   bool    // lens covered: a black frame with a little noise
	seed   uint64
}

// laydown is the recorded sequence committed under testdata/laydown: two frames of an empty
// plate, a card sliding in from the right edge over ten frames, then lying still. Frame
// laydownStill is the first in its final place.
const (
	laydownFrames = 32
	laydownStill  = 12
)

func laydownScene(i int) scene {
	s := scene{w: 480, h: 360, card: i >= 2, cx: 240, cy: 180, long: 300, angle: 0.05,
		blur: 0.7, noise: 3, seed: uint64(1000 + i)}
	if i < laydownStill {
		k := float64(laydownStill - i) // steps still to go
		s.cx += 28 * k
		s.angle += 0.02 * k
	}
	return s
}

// baseScene is a still ID card in the middle of a 480×360 frame.
func baseScene(seed uint64) scene {
	return scene{w: 480, h: 360, card: true, cx: 240, cy: 180, long: 300, angle: 0.05,
		blur: 0.7, noise: 3, seed: seed}
}

// render draws the scene.
func (s scene) render() *image.RGBA {
	aspect := s.aspect
	if aspect == 0 {
		aspect = aspectIDCard
	}
	short := s.long / aspect
	sin, cos := math.Sincos(s.angle)
	planes := [3][]float64{make([]float64, s.w*s.h), make([]float64, s.w*s.h), make([]float64, s.w*s.h)}
	for y := 0; y < s.h; y++ {
		for x := 0; x < s.w; x++ {
			var acc [3]float64
			// 2×2 supersampling gives the card soft edges, as optics do.
			for _, o := range [4][2]float64{{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}} {
				px, py := float64(x)+o[0], float64(y)+o[1]
				c := s.background(px, py)
				if s.card {
					dx, dy := px-s.cx, py-s.cy
					u := (dx*cos+dy*sin)/s.long + 0.5
					v := (-dx*sin+dy*cos)/short + 0.5
					if u >= 0 && u < 1 && v >= 0 && v < 1 {
						c = cardFace(u, v)
					}
				}
				for k := range acc {
					acc[k] += c[k] / 4
				}
			}
			for k := range planes {
				planes[k][y*s.w+x] = acc[k]
			}
		}
	}
	rng := rand.New(rand.NewPCG(s.seed, 0x5eed))
	img := image.NewRGBA(image.Rect(0, 0, s.w, s.h))
	for k := range planes {
		if s.blur > 0 {
			gaussBlur(planes[k], s.w, s.h, s.blur)
		}
	}
	for i := 0; i < s.w*s.h; i++ {
		var px [3]uint8
		for k := range planes {
			px[k] = clamp8(planes[k][i] + rng.NormFloat64()*s.noise)
		}
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = px[0], px[1], px[2], 255
	}
	return img
}

// background is the base plate: dark grey, a little brighter towards the lamp.
func (s scene) background(x, y float64) [3]float64 {
	if s.dark {
		return [3]float64{2, 2, 2}
	}
	v := 40 + 14*x/float64(s.w) + 6*y/float64(s.h)
	return [3]float64{v, v, v + 4}
}

// cardFace is the card's printed face at (u, v) ∈ [0,1)²: pale stock, blue labels,
// black glyph-like values, a grey portrait and a number strip (CARDS.md §2.1 layout).
func cardFace(u, v float64) [3]float64 {
	paper := [3]float64{236, 232, 222}
	glyphs := func(pitch float64) bool { return math.Mod(u*pitch, 1) < 0.62 }
	for _, row := range []float64{0.16, 0.28, 0.40, 0.51, 0.60} {
		if v >= row && v < row+0.045 {
			switch {
			case u >= 0.08 && u < 0.16 && glyphs(90):
				return [3]float64{40, 90, 200} // blue label
			case u >= 0.18 && u < 0.58 && glyphs(70):
				return [3]float64{25, 25, 25}
			}
		}
	}
	switch {
	case u >= 0.64 && u < 0.92 && v >= 0.14 && v < 0.72:
		return [3]float64{150, 148, 152} // portrait
	case u >= 0.33 && u < 0.95 && v >= 0.80 && v < 0.86 && glyphs(110):
		return [3]float64{20, 20, 20} // number strip
	}
	return paper
}

// gaussBlur blurs a plane in place with a separable Gaussian.
func gaussBlur(p []float64, w, h int, sigma float64) {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	var sum float64
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float64, len(p))
	at := func(i, n int) int { return min(max(i, 0), n-1) }
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var acc float64
			for i, kv := range k {
				acc += kv * p[y*w+at(x+i-r, w)]
			}
			tmp[y*w+x] = acc
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var acc float64
			for i, kv := range k {
				acc += kv * tmp[at(y+i-r, h)*w+x]
			}
			p[y*w+x] = acc
		}
	}
}

func clamp8(v float64) uint8 { return uint8(min(max(math.Round(v), 0), 255)) }

// MustMat renders a scene into a BGR Mat that the caller must Close.
func MustMat(tb testing.TB, s scene) gocv.Mat {
	tb.Helper()
	m, err := gocv.ImageToMatRGB(s.render())
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// MustWriteSequence writes scenes as dir/frame_000.jpg, … and returns the printf pattern.
func MustWriteSequence(tb testing.TB, dir string, scenes []scene) string {
	tb.Helper()
	for i, s := range scenes {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("frame_%03d.jpg", i)))
		if err != nil {
			tb.Fatal(err)
		}
		err = jpeg.Encode(f, s.render(), &jpeg.Options{Quality: 85})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	return filepath.Join(dir, "frame_%03d.jpg")
}

// TestLaydownRecording keeps testdata/laydown in step with laydownScene; run with -update
// to rewrite it.
func TestLaydownRecording(t *testing.T) {
	dir := filepath.Join("testdata", "laydown")
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		scenes := make([]scene, laydownFrames)
		for i := range scenes {
			scenes[i] = laydownScene(i)
		}
		MustWriteSequence(t, dir, scenes)
	}
	for i := 0; i < laydownFrames; i++ {
		name := filepath.Join(dir, fmt.Sprintf("frame_%03d.jpg", i))
		f, err := os.Open(name)
		if err != nil {
			t.Fatalf("%v (run go test ./device -run TestLaydownRecording -update)", err)
		}
		cfg, err := jpeg.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != 480 || cfg.Height != 360 {
			t.Fatalf("%s: %v, %dx%d; want a 480x360 JPEG", name, err, cfg.Width, cfg.Height)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("frame_%03d.jpg", laydownFrames))); err == nil {
		t.Errorf("testdata/laydown has more than %d frames", laydownFrames)
	}
}

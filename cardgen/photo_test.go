package cardgen

import (
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"maps"
	"math"
	"runtime"
	"slices"
	"testing"
)

// quadrantCard is a card whose four quadrants are red, green, blue and yellow
// (top-left, top-right, bottom-right, bottom-left), so a photo shows which canvas
// corner went where.
func quadrantCard() *Card {
	img := image.NewRGBA(image.Rect(0, 0, 600, 378))
	cols := []color.RGBA{{220, 30, 30, 255}, {30, 200, 30, 255}, {30, 30, 220, 255}, {220, 220, 30, 255}}
	for y := 0; y < 378; y++ {
		for x := 0; x < 600; x++ {
			q := 0
			switch {
			case x >= 300 && y < 189:
				q = 1
			case x >= 300:
				q = 2
			case y >= 189:
				q = 3
			}
			img.SetRGBA(x, y, cols[q])
		}
	}
	return &Card{Kind: IDFront, Image: img, Radius: 0}
}

// The reported corners are where the card's corners landed: a point just inside
// each corner has that quadrant's colour, a point just outside does not.
func TestPhotographCornersLandOnCard(t *testing.T) {
	c := quadrantCard()
	photos := []Photo{
		{Seed: 1},
		{Rotation: 90, Coverage: 0.8, Seed: 2},
		{Rotation: 183, TiltX: 12, TiltY: -10, Seed: 3},
		{Rotation: 270, TiltY: 15, Coverage: 0.5, Seed: 4},
		{Rotation: -20, TiltX: -15, Coverage: 0.3, Surface: SurfaceWood, Seed: 5},
	}
	// Dominant channel(s) of each quadrant colour.
	isQuadrant := []func(r, g, b int) bool{
		func(r, g, b int) bool { return r > g+80 && r > b+80 },
		func(r, g, b int) bool { return g > r+80 && g > b+80 },
		func(r, g, b int) bool { return b > r+80 && b > g+80 },
		func(r, g, b int) bool { return r > b+80 && g > b+80 },
	}
	for _, ph := range photos {
		s := Photograph(c, ph)
		h := homographyFrom([4][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}}, s.Corners)
		in := [4][2]float64{{0.04, 0.04}, {0.96, 0.04}, {0.96, 0.96}, {0.04, 0.96}}
		out := [4][2]float64{{-0.04, -0.04}, {1.04, -0.04}, {1.04, 1.04}, {-0.04, 1.04}}
		for i := 0; i < 4; i++ {
			x, y := h.apply(in[i][0], in[i][1])
			r, g, b := at(s.Image, x, y)
			if !isQuadrant[i](r, g, b) {
				t.Errorf("%+v: inside corner %d at (%.0f,%.0f) is (%d,%d,%d)", ph, i, x, y, r, g, b)
			}
			x, y = h.apply(out[i][0], out[i][1])
			if xi, yi := int(x), int(y); xi < 0 || yi < 0 || xi >= s.Image.Bounds().Dx() || yi >= s.Image.Bounds().Dy() {
				continue
			}
			r, g, b = at(s.Image, x, y)
			for q, is := range isQuadrant {
				if is(r, g, b) {
					t.Errorf("%+v: outside corner %d at (%.0f,%.0f) has card colour %d", ph, i, x, y, q)
				}
			}
		}
	}
}

func at(img *image.RGBA, x, y float64) (int, int, int) {
	p := img.Pix[img.PixOffset(int(x), int(y)):]
	return int(p[0]), int(p[1]), int(p[2])
}

func hashImage(img image.Image) string {
	rgba := img.(*image.RGBA)
	return fmt.Sprintf("%x", sha256.Sum256(rgba.Pix))
}

// A seed fixes the image bit for bit, whatever the number of CPUs the bands run on.
func TestGenerateDeterministic(t *testing.T) {
	fs := MustFontSet(t, "noto")
	spec := Spec{Kind: DrivingLicence, Condition: "degraded", Fonts: fs, Seed: 77}
	a, err := Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	b, err := Generate(spec)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	if hashImage(a.Image) != hashImage(b.Image) {
		t.Fatal("same seed gave different pixels")
	}
	spec.Seed = 78
	c, err := Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	if hashImage(a.Image) == hashImage(c.Image) {
		t.Fatal("different seeds gave the same pixels")
	}
}

// Each condition raises the flag it is about, and a clean photo raises none.
func TestConditionFlags(t *testing.T) {
	fs := MustFontSet(t, "noto")
	want := map[string]string{
		"clean": "", "blur": FlagBlurred, "glare": FlagGlare, "low_light": FlagTooDark, "small": FlagTooSmall,
		"cropped": FlagCropped, "photocopy": FlagPhotocopy, "screen": FlagScreenRecapture, "rotate180": FlagUpsideDown,
		"rotate90": "", "perspective": "", "noise": "", "jpeg_low": "",
	}
	i := 0
	conds := slices.Sorted(maps.Keys(want))
	for _, cond := range conds {
		flag := want[cond]
		// One kind per condition, rotating, keeps the test quick; the seeds differ.
		for _, k := range []Kind{Kinds[i%len(Kinds)], Kinds[(i+1)%len(Kinds)]} {
			i++
			s, err := Generate(Spec{Kind: k, Condition: cond, Fonts: fs, Seed: uint64(100 + i)})
			if err != nil {
				t.Fatal(err)
			}
			got := s.Truth.Flags
			if flag == "" && len(got) > 0 {
				t.Errorf("%s %s: flags %v, want none", cond, k, got)
			}
			if flag != "" && !slices.Contains(got, flag) {
				t.Errorf("%s %s: flags %v, want %s", cond, k, got, flag)
			}
		}
	}
}

// Flat output is the canvas itself, corners at its corners.
func TestGenerateFlat(t *testing.T) {
	fs := MustFontSet(t, "noto")
	s, err := Generate(Spec{Kind: VehicleLicence, Condition: Flat, Fonts: fs, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s.Truth.Image != [2]int{1200, 818} || s.Truth.Corners[2] != [2]float64{1200, 818} {
		t.Fatalf("flat truth image %v corners %v", s.Truth.Image, s.Truth.Corners)
	}
	if _, err := Generate(Spec{Kind: IDFront, Condition: "nope", Fonts: fs}); err == nil {
		t.Fatal("unknown condition accepted")
	}
}

func TestHomographyInverse(t *testing.T) {
	src := [4][2]float64{{0, 0}, {1200, 0}, {1200, 757}, {0, 757}}
	dst := [4][2]float64{{310, 205}, {1390, 260}, {1330, 990}, {250, 900}}
	h := homographyFrom(src, dst)
	inv := h.inverse()
	for i := range src {
		x, y := h.apply(src[i][0], src[i][1])
		if math.Hypot(x-dst[i][0], y-dst[i][1]) > 1e-6 {
			t.Errorf("corner %d maps to (%f,%f), want %v", i, x, y, dst[i])
		}
		u, v := inv.apply(x, y)
		if math.Hypot(u-src[i][0], v-src[i][1]) > 1e-6 {
			t.Errorf("inverse of corner %d is (%f,%f), want %v", i, u, v, src[i])
		}
	}
}

// BenchmarkPhotograph measures the photograph step alone on a 1600×1200 frame with
// the heavier effects on.
func BenchmarkPhotograph(b *testing.B) {
	fs := MustFontSet(b, "noto")
	rec := NewRecord(1, RecordOptions{})
	c, err := Render(IDFront, &rec, RenderOptions{Fonts: fs, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		ph   Photo
	}{
		{"clean", Photo{TiltX: 3, Rotation: 2, Blur: 0.5, Noise: 2, Seed: 1}},
		{"blur2.5", Photo{TiltX: 10, TiltY: -8, Blur: 2.5, Noise: 8, Glare: 1, Seed: 1}},
		{"screen", Photo{TiltX: 5, Blur: 1, Noise: 4, Screen: true, Seed: 1}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				Photograph(c, bc.ph)
			}
		})
	}
}

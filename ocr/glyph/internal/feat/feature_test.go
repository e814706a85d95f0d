package feat

import (
	"image"
	"image/draw"
	"math"
	"testing"
)

// drawBox paints a hollow square of side s with its corner at (x, y).
func drawBox(img *image.Gray, x, y, s, stroke int) {
	draw.Draw(img, image.Rect(x, y, x+s, y+s), image.Black, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(x+stroke, y+stroke, x+s-stroke, y+s-stroke), image.White, image.Point{}, draw.Src)
}

func features(t *testing.T, img *image.Gray) []float32 {
	t.Helper()
	k, ok := NewInk(img)
	if !ok {
		t.Fatal("no contrast")
	}
	box, ok := k.Box(image.Rect(0, 0, k.W, k.H))
	if !ok {
		t.Fatal("no ink")
	}
	out := make([]float32, Dim)
	var s Scratch
	Extract(k, box, Band{Top: box.Min.Y, Bottom: box.Max.Y}, &s, out)
	return out
}

func blank(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	return img
}

func dist(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return math.Sqrt(s)
}

func TestExtractIgnoresPositionButNotShape(t *testing.T) {
	a, b, c := blank(80, 60), blank(80, 60), blank(80, 60)
	drawBox(a, 10, 10, 30, 4)
	drawBox(b, 37, 17, 30, 4) // same glyph elsewhere
	// A different glyph: a cross.
	draw.Draw(c, image.Rect(10, 23, 40, 27), image.Black, image.Point{}, draw.Src)
	draw.Draw(c, image.Rect(23, 10, 27, 40), image.Black, image.Point{}, draw.Src)
	fa, fb, fc := features(t, a), features(t, b), features(t, c)
	if d := dist(fa, fb); d > 1e-4 {
		t.Errorf("moved glyph changed features by %g", d)
	}
	if d := dist(fa, fc); d < 0.3 {
		t.Errorf("square and cross differ by only %g", d)
	}
}

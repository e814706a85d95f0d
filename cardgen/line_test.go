package cardgen

import (
	"errors"
	"image"
	"testing"
)

func TestRenderLine(t *testing.T) {
	MustFontSet(t, "noto")
	f, err := LoadFont(zenHei)
	if err != nil {
		t.Fatal(err)
	}
	img, tr, err := RenderLine("宁波市鄞州区1188号", LineOptions{Font: f, Size: 36, Background: BackgroundDriving, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if !tr.Ink.In(b) || tr.Ink.Dx() < 36*8 || tr.Ink.Dy() < 20 {
		t.Fatalf("ink %v in image %v", tr.Ink, b)
	}
	rgba := img.(*image.RGBA)
	box := Box{float64(tr.Ink.Min.X) / float64(b.Dx()), float64(tr.Ink.Min.Y) / float64(b.Dy()),
		float64(tr.Ink.Max.X) / float64(b.Dx()), float64(tr.Ink.Max.Y) / float64(b.Dy())}
	if n := darkPixels(rgba, box); n < 500 {
		t.Fatalf("only %d dark pixels inside the ink box", n)
	}
	// Nothing dark outside the ink box: the margins are background.
	if n := darkPixels(rgba, Box{0, 0, 1, 1}) - darkPixels(rgba, box); n > 0 {
		t.Fatalf("%d dark pixels outside the ink box", n)
	}
	if len(tr.Fonts) != 11 || tr.Fonts[0] != f.Name {
		t.Fatalf("per-rune fonts %v", tr.Fonts)
	}
}

func TestRenderLineFallbackAndMissing(t *testing.T) {
	MustFontSet(t, "noto")
	ocr, err := LoadFont(ocrb)
	if err != nil {
		t.Fatal(err)
	}
	noto, err := LoadFont(notoSans)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := RenderLine("A国", LineOptions{Font: ocr}); !errors.Is(err, ErrMissingGlyph) {
		t.Fatalf("OCR-B has no 国: err = %v", err)
	}
	_, tr, err := RenderLine("A国", LineOptions{Font: ocr, Fallback: []*Font{noto}})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Fonts[0] != ocr.Name || tr.Fonts[1] != noto.Name {
		t.Fatalf("fonts per rune %v", tr.Fonts)
	}
}

func TestCoverage(t *testing.T) {
	MustFontSet(t, "noto")
	f, err := LoadFont(notoSans)
	if err != nil {
		t.Fatal(err)
	}
	have, missing := f.Coverage([]rune{'国', 'A', '\U0010FFFD'})
	if string(have) != "国A" || string(missing) != "\U0010FFFD" {
		t.Fatalf("have %q missing %q", string(have), string(missing))
	}
}

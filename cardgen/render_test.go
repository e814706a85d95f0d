package cardgen

import (
	"errors"
	"image"
	"strings"
	"testing"
)

// Every kind prints every field, inside the canvas, with dark ink in its box.
func TestRenderPrintsEveryField(t *testing.T) {
	for _, set := range []string{"noto", "wqy", "heldout"} {
		fs := MustFontSet(t, set)
		for _, k := range Kinds {
			layouts := []string{LayoutStandard}
			if k == DrivingLicence || k == VehicleLicence {
				layouts = append(layouts, LayoutOld)
			}
			for _, layout := range layouts {
				rec := NewRecord(11, RecordOptions{})
				c, err := Render(k, &rec, RenderOptions{Fonts: fs, Seed: 3, Layout: layout})
				if err != nil {
					t.Fatalf("%s %s: %v", set, k, err)
				}
				if w, h := k.Size(); c.Image.Bounds() != image.Rect(0, 0, w, h) {
					t.Errorf("%s: canvas %v, want %d×%d", k, c.Image.Bounds(), w, h)
				}
				for key, v := range c.Fields {
					if v == "" {
						t.Errorf("%s %s: field %s empty", set, k, key)
					}
					b, ok := c.Boxes[key]
					if !ok || b.X1-b.X0 < 0.01 || b.Y1-b.Y0 < 0.01 {
						t.Errorf("%s %s %s: field %s not drawn (box %+v)", set, k, layout, key, b)
						continue
					}
					if b.X0 < 0 || b.Y0 < 0 || b.X1 > 1 || b.Y1 > 1 {
						t.Errorf("%s %s: field %s box %+v leaves the canvas", set, k, key, b)
					}
					if n := darkPixels(c.Image, b); n < 20 {
						t.Errorf("%s %s: field %s has %d dark pixels in its box", set, k, key, n)
					}
				}
			}
		}
	}
}

func darkPixels(img *image.RGBA, b Box) int {
	w, h := float64(img.Bounds().Dx()), float64(img.Bounds().Dy())
	n := 0
	for y := int(b.Y0 * h); y < int(b.Y1*h); y++ {
		for x := int(b.X0 * w); x < int(b.X1*w); x++ {
			p := img.Pix[img.PixOffset(x, y):]
			if int(p[0])+int(p[1])+int(p[2]) < 3*90 {
				n++
			}
		}
	}
	return n
}

// Values sit where CARDS.md §2 says, within the ±3 % the reader must tolerate.
func TestRenderGeometry(t *testing.T) {
	fs := MustFontSet(t, "noto")
	roi := map[Kind]map[string]Box{
		IDFront: {"name": {0.18, 0.12, 0.62, 0.22}, "sex": {0.18, 0.24, 0.30, 0.33}, "ethnicity": {0.39, 0.24, 0.60, 0.33},
			"birth_date": {0.18, 0.36, 0.62, 0.45}, "address": {0.18, 0.48, 0.64, 0.78}, "id_number": {0.33, 0.78, 0.96, 0.89}},
		IDBack:         {"authority": {0.39, 0.68, 0.95, 0.78}, "valid_from": {0.39, 0.81, 0.95, 0.90}},
		DrivingLicence: {"licence_number": {0.43, 0.15, 0.82, 0.22}, "name": {0.17, 0.24, 0.39, 0.34}, "classes": {0.50, 0.77, 0.70, 0.87}},
		VehicleLicence: {"plate_number": {0.15, 0.19, 0.45, 0.29}, "vin": {0.45, 0.63, 0.97, 0.73}, "issue_date": {0.76, 0.85, 0.97, 0.95}},
	}
	const tol = 0.03
	for seed := uint64(0); seed < 6; seed++ {
		for k, want := range roi {
			rec := NewRecord(seed, RecordOptions{})
			c, err := Render(k, &rec, RenderOptions{Fonts: fs, Seed: seed, Layout: LayoutStandard})
			if err != nil {
				t.Fatal(err)
			}
			for key, r := range want {
				b := c.Boxes[key]
				if b.X0 < r.X0-tol || b.Y0 < r.Y0-tol || b.X1 > r.X1+tol || b.Y1 > r.Y1+tol {
					t.Errorf("seed %d %s: %s ink %+v outside ROI %+v", seed, k, key, b, r)
				}
			}
		}
	}
}

// The same record in two font sets has the same fields but different pixels.
func TestRenderFontSetsDiffer(t *testing.T) {
	a, b := MustFontSet(t, "noto"), MustFontSet(t, "heldout")
	rec := NewRecord(1, RecordOptions{})
	ca, err := Render(IDFront, &rec, RenderOptions{Fonts: a, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cb, err := Render(IDFront, &rec, RenderOptions{Fonts: b, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ca.Fields["name"] != cb.Fields["name"] || string(ca.Image.Pix) == string(cb.Image.Pix) {
		t.Fatal("font sets should change pixels, not fields")
	}
	if ca.Fonts["id_value"] == cb.Fonts["id_value"] {
		t.Fatalf("both sets report id_value font %s", ca.Fonts["id_value"])
	}
}

func TestRenderMissingGlyph(t *testing.T) {
	fs := MustFontSet(t, "noto")
	rec := NewRecord(1, RecordOptions{})
	rec.Name = "王\U0010FFFD" // private use: no font has it
	_, err := Render(IDFront, &rec, RenderOptions{Fonts: fs})
	if !errors.Is(err, ErrMissingGlyph) {
		t.Fatalf("err = %v, want ErrMissingGlyph", err)
	}
	if missing := fs.Covers(RoleIDValue, rec.Name); len(missing) != 1 || missing[0] != '\U0010FFFD' {
		t.Fatalf("Covers = %q, want the private-use rune", missing)
	}
}

func TestLoadFontSetOverrides(t *testing.T) {
	MustFontSet(t, "noto")
	fs, err := LoadFontSet("noto,id_value=" + ukai)
	if err != nil {
		t.Fatal(err)
	}
	if got := fs.Fonts[RoleIDValue].Name; !strings.HasPrefix(got, "ukai.ttc") {
		t.Fatalf("id_value font %s, want ukai", got)
	}
	if _, err := LoadFontSet("noto,bogus=x"); err == nil {
		t.Fatal("unknown role accepted")
	}
	if _, err := LoadFontSet("nope"); err == nil {
		t.Fatal("unknown set accepted")
	}
}

// OCRB.otf's "8" cannot be loaded by x/image; it must come from a fallback rather
// than vanish (the ID number would lose its eights).
func TestOCRBEightIsDrawn(t *testing.T) {
	fs := MustFontSet(t, "noto")
	if fs.Fonts[RoleIDNumber].Has('8') {
		t.Skip("this OCR-B loads its 8; nothing to fall back for")
	}
	f, err := fs.pick(RoleIDNumber, '8')
	if err != nil || f == fs.Fonts[RoleIDNumber] {
		t.Fatalf("pick(8) = %v, %v; want a fallback", f, err)
	}
	p := newPainter(image.NewRGBA(image.Rect(0, 0, 200, 100)), fs)
	b := p.draw(textStyle{role: RoleIDNumber, px: 60, col: inkBlack}, 10, 80, "8")
	if b.X1-b.X0 <= 0 || darkPixels(p.img, Box{0, 0, 1, 1}) < 50 {
		t.Fatalf("no ink for 8: box %+v", b)
	}
}

package ocr

import (
	"image"
	"image/color"
	"image/draw"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/cardgen"
)

// TestLookAlike prints each character of a look-alike pair in the faces cards are printed in,
// and asks lookAlike about it as if a recogniser had read its partner: the ink must bring it
// back. As read, it must stand. A brush face's slanting strokes may leave the ink undecided,
// but never make a right reading wrong.
func TestLookAlike(t *testing.T) {
	faces := []string{
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#Noto Sans CJK SC",
		"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc#Noto Serif CJK SC",
		"/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc#Noto Serif CJK SC",
		"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#WenQuanYi Zen Hei",
		"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#WenQuanYi Micro Hei",
		"/usr/share/fonts/truetype/arphic/uming.ttc#AR PL UMing CN",
	}
	const brush = "/usr/share/fonts/truetype/arphic/ukai.ttc#AR PL UKai CN"
	faces = append(faces, brush)
	pairs := append(append([][2]rune{}, longerStroke...), boxShape...)
	for _, spec := range faces {
		f, err := cardgen.LoadFont(spec)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		for _, p := range pairs {
			for i, r := range p {
				other := p[1-i]
				for _, size := range []float64{30, 40} {
					img, tr, err := cardgen.RenderLine(string(r), cardgen.LineOptions{Font: f, Size: size, Background: cardgen.BackgroundPlain})
					if err != nil {
						t.Fatal(err)
					}
					g := image.NewGray(img.Bounds())
					draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
					if got, _ := lookAlike(g, tr.Ink, other); got != r && !(spec == brush && got == other) {
						t.Errorf("%s at %.0f px: %c read as %c: lookAlike gives %c", f.Name, size, r, other, got)
					}
					if got, changed := lookAlike(g, tr.Ink, r); got != r || changed {
						t.Errorf("%s at %.0f px: %c read right: lookAlike gives %c", f.Name, size, r, got)
					}
				}
			}
		}
	}
}

// TestLookAlikeCap reads 下 as 卜 the way a thin face's pale cap makes the recognisers read it:
// in the box of the ink below the cap. The cap brings 下 back; a printed 卜 stays.
func TestLookAlikeCap(t *testing.T) {
	for _, spec := range []string{
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#Noto Sans CJK SC",
		"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc#Noto Serif CJK SC",
		"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#WenQuanYi Micro Hei",
		"/usr/share/fonts/truetype/arphic/uming.ttc#AR PL UMing CN",
	} {
		f, err := cardgen.LoadFont(spec)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		for _, r := range "下卜" {
			img, tr, err := cardgen.RenderLine(string(r), cardgen.LineOptions{Font: f, Size: 40, Background: cardgen.BackgroundPlain})
			if err != nil {
				t.Fatal(err)
			}
			g := image.NewGray(img.Bounds())
			draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
			box := tr.Ink
			if r == '下' {
				box = belowCap(g, tr.Ink)
			}
			if got, _ := lookAlike(g, box, '卜'); got != r {
				t.Errorf("%s: %c read as 卜 in %v: lookAlike gives %c", f.Name, r, box, got)
			}
		}
	}
}

// belowCap returns the box of the ink in box of img below its first rows, those inked across
// half its width or more: 下 without its cap.
func belowCap(img *image.Gray, box image.Rectangle) image.Rectangle {
	wide := func(y int) bool {
		n := 0
		for x := box.Min.X; x < box.Max.X; x++ {
			if img.GrayAt(x, y).Y < 224 {
				n++
			}
		}
		return n*2 >= box.Dx()
	}
	y := box.Min.Y
	for y < box.Max.Y && !wide(y) {
		y++ // a serif above the cap
	}
	for y < box.Max.Y && wide(y) {
		y++ // the cap
	}
	// Only the columns of the vertical and the dot have ink below; the cap's rows stay out.
	var out image.Rectangle
	for yy := y; yy < box.Max.Y; yy++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			if img.GrayAt(x, yy).Y < 192 {
				out = out.Union(image.Rect(x, yy, x+1, yy+1))
			}
		}
	}
	return out
}

// TestLookAlikeInk prints 机 and 樱 sharp and blurred: the ink of the right part mends either
// read as the other, except in the bold serif face, whose 婴 fills in; a right reading is
// never changed.
func TestLookAlikeInk(t *testing.T) {
	for _, c := range []struct {
		spec      string
		undecided bool
	}{
		{"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#Noto Sans CJK SC", false},
		{"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc#Noto Serif CJK SC", false},
		{"/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc#Noto Serif CJK SC", true},
		{"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#WenQuanYi Zen Hei", false},
		{"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#WenQuanYi Micro Hei", false},
		{"/usr/share/fonts/truetype/arphic/uming.ttc#AR PL UMing CN", false},
		{"/usr/share/fonts/truetype/arphic/ukai.ttc#AR PL UKai CN", false},
	} {
		f, err := cardgen.LoadFont(c.spec)
		if err != nil {
			t.Fatalf("%s: %v", c.spec, err)
		}
		for _, p := range inkierRight {
			for i, r := range p {
				img, tr, err := cardgen.RenderLine(string(r), cardgen.LineOptions{Font: f, Size: 40, Background: cardgen.BackgroundPlain})
				if err != nil {
					t.Fatal(err)
				}
				g := image.NewGray(img.Bounds())
				draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
				for _, blurred := range []*image.Gray{g, boxBlur(g, 2)} {
					if got, _ := lookAlike(blurred, tr.Ink, p[1-i]); got != r && !(c.undecided && got == p[1-i]) {
						t.Errorf("%s: %c read as %c: lookAlike gives %c", f.Name, r, p[1-i], got)
					}
					if got, _ := lookAlike(blurred, tr.Ink, r); got != r {
						t.Errorf("%s: %c read right: lookAlike gives %c", f.Name, r, got)
					}
				}
			}
		}
	}
}

// boxBlur returns g blurred by the mean of the (2k+1)² pixels around each.
func boxBlur(g *image.Gray, k int) *image.Gray {
	out := image.NewGray(g.Rect)
	for y := g.Rect.Min.Y; y < g.Rect.Max.Y; y++ {
		for x := g.Rect.Min.X; x < g.Rect.Max.X; x++ {
			s, n := 0, 0
			for dy := -k; dy <= k; dy++ {
				for dx := -k; dx <= k; dx++ {
					if p := image.Pt(x+dx, y+dy); p.In(g.Rect) {
						s += int(g.GrayAt(p.X, p.Y).Y)
						n++
					}
				}
			}
			out.SetGray(x, y, color.Gray{Y: uint8(s / n)})
		}
	}
	return out
}

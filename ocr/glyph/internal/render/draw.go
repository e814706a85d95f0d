package render

import (
	"image"
	"image/draw"
	"math"
	"math/rand/v2"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// Face returns a face of the font with an em of px pixels. Faces are cached
// per size and stay valid as long as f.
func (f *Font) Face(px float64) (font.Face, error) {
	if fc, ok := f.faces[px]; ok {
		return fc, nil
	}
	fc, err := f.f.NewFace(px)
	if err != nil {
		return nil, err
	}
	if f.faces == nil {
		f.faces = map[float64]font.Face{}
	}
	f.faces[px] = fc
	return fc, nil
}

// LineOptions controls how a line is laid out.
type LineOptions struct {
	Px       float64 // em size in pixels
	Tracking float64 // extra space after each glyph, in em
	Pad      int     // margin around the text, in pixels
	// FullWidthDigits lays ASCII digits out on a full-em pitch, as ID cards
	// do for addresses.
	FullWidthDigits bool
}

// Line draws text in black on white. It returns the image and the box of each
// rune in image coordinates (advance box: pen position to pen position, the
// line's full height). Runes the face lacks are drawn with f.Fallback.
func (f *Font) Line(text string, o LineOptions) (*image.Gray, []image.Rectangle, error) {
	type item struct {
		face font.Face
		r    rune
		adv  fixed.Int26_6 // glyph advance
		cell fixed.Int26_6 // pen advance including tracking
	}
	track := fixed.Int26_6(o.Tracking * o.Px * 64)
	em := fixed.Int26_6(o.Px * 64)
	var items []item
	var width fixed.Int26_6
	asc, desc := 0, 0
	for _, r := range text {
		src := f
		if !f.Has(r) && f.Fallback != nil {
			src = f.Fallback
		}
		face, err := src.Face(o.Px)
		if err != nil {
			return nil, nil, err
		}
		m := face.Metrics()
		asc, desc = max(asc, m.Ascent.Ceil()), max(desc, m.Descent.Ceil())
		a, ok := face.GlyphAdvance(r)
		if !ok || a == 0 {
			a = em
		}
		cell := a
		if o.FullWidthDigits && r >= '0' && r <= '9' {
			cell = em
		}
		items = append(items, item{face, r, a, cell + track})
		width += cell + track
	}
	w := width.Ceil() + 2*o.Pad
	h := asc + desc + 2*o.Pad
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	x := fixed.I(o.Pad)
	boxes := make([]image.Rectangle, 0, len(items))
	for _, it := range items {
		d := font.Drawer{Dst: img, Src: image.Black, Face: it.face}
		// Centre the glyph in its cell when the cell is wider than the glyph.
		shift := max(0, (it.cell-track-it.adv)/2)
		d.Dot = fixed.Point26_6{X: x + shift, Y: fixed.I(o.Pad + asc)}
		d.DrawString(string(it.r))
		boxes = append(boxes, image.Rect(x.Floor(), o.Pad, (x+it.cell).Ceil(), o.Pad+asc+desc))
		x += it.cell
	}
	return img, boxes, nil
}

// Degradation describes the damage applied to a rendered line so that it
// looks like a crop of a photographed card.
type Degradation struct {
	Blur     float64 // Gaussian blur sigma in pixels
	Noise    float64 // Gaussian noise sigma in grey levels
	Scale    float64 // resampling factor (1 = none)
	Contrast float64 // ink darkness: 1 = black, 0.5 = mid grey on white
	Shift    float64 // sub-pixel horizontal and vertical shift in pixels
}

// RandomDegradation draws a mild degradation: blur sigma up to maxBlur,
// noise up to 10 grey levels, scale within ±8 %, contrast 0.6–1.
func RandomDegradation(rng *rand.Rand, maxBlur float64) Degradation {
	return Degradation{
		Blur:     rng.Float64() * maxBlur,
		Noise:    rng.Float64() * 10,
		Scale:    0.92 + 0.16*rng.Float64(),
		Contrast: 0.6 + 0.4*rng.Float64(),
		Shift:    rng.Float64(),
	}
}

// Apply returns a degraded copy of img.
func (d Degradation) Apply(img *image.Gray, rng *rand.Rand) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	src := make([]float64, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := float64(img.Pix[y*img.Stride+x]) / 255
			if d.Contrast > 0 {
				v = 1 - (1-v)*d.Contrast
			}
			src[y*w+x] = v
		}
	}
	if d.Blur > 0.05 {
		gaussBlur(src, w, h, d.Blur)
	}
	scale := d.Scale
	if scale <= 0 {
		scale = 1
	}
	ow, oh := int(math.Round(float64(w)*scale)), int(math.Round(float64(h)*scale))
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			sx := (float64(x)+0.5)/scale - 0.5 - d.Shift
			sy := (float64(y)+0.5)/scale - 0.5 - d.Shift*0.5
			v := bilinear(src, w, h, sx, sy)
			if d.Noise > 0 {
				v += rng.NormFloat64() * d.Noise / 255
			}
			out.Pix[y*out.Stride+x] = uint8(math.Max(0, math.Min(255, math.Round(v*255))))
		}
	}
	return out
}

func bilinear(p []float64, w, h int, x, y float64) float64 {
	if x < 0 {
		x = 0
	}
	if y < 0 {
		y = 0
	}
	if x > float64(w-1) {
		x = float64(w - 1)
	}
	if y > float64(h-1) {
		y = float64(h - 1)
	}
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, w-1), min(y0+1, h-1)
	fx, fy := x-float64(x0), y-float64(y0)
	a := p[y0*w+x0]*(1-fx) + p[y0*w+x1]*fx
	b := p[y1*w+x0]*(1-fx) + p[y1*w+x1]*fx
	return a*(1-fy) + b*fy
}

// gaussBlur blurs p in place with a separable Gaussian kernel.
func gaussBlur(p []float64, w, h int, sigma float64) {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	var s float64
	for i := -r; i <= r; i++ {
		k[i+r] = math.Exp(-float64(i*i) / (2 * sigma * sigma))
		s += k[i+r]
	}
	for i := range k {
		k[i] /= s
	}
	tmp := make([]float64, len(p))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var v float64
			for i := -r; i <= r; i++ {
				xx := min(max(x+i, 0), w-1)
				v += k[i+r] * p[y*w+xx]
			}
			tmp[y*w+x] = v
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var v float64
			for i := -r; i <= r; i++ {
				yy := min(max(y+i, 0), h-1)
				v += k[i+r] * tmp[yy*w+x]
			}
			p[y*w+x] = v
		}
	}
}

// Thicken darkens each pixel towards the darkest of its 4-neighbours by
// amount (0–1), emulating heavier printing; a negative amount lightens
// towards the brightest neighbour, emulating thinner strokes.
func Thicken(img *image.Gray, amount float64) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(b)
	w, h := b.Dx(), b.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := float64(img.Pix[y*img.Stride+x])
			ext := c
			for _, dxy := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				xx, yy := x+dxy[0], y+dxy[1]
				if xx < 0 || yy < 0 || xx >= w || yy >= h {
					continue
				}
				v := float64(img.Pix[yy*img.Stride+xx])
				if (amount > 0 && v < ext) || (amount < 0 && v > ext) {
					ext = v
				}
			}
			a := math.Abs(amount)
			out.Pix[y*out.Stride+x] = uint8(math.Round(c*(1-a) + ext*a))
		}
	}
	return out
}

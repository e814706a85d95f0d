package cardgen

import (
	"image"
	"math"
	"math/rand/v2"
)

// Surface is what the card lies on in a photograph.
type Surface int

// Surfaces. SurfacePaper is the white page of a photocopy; SurfaceScreen is a dark
// monitor around a card shown on screen.
const (
	SurfaceDesk Surface = iota
	SurfaceWood
	SurfaceCloth
	SurfacePaper
	SurfaceScreen
	numSurfaces
)

// Photo describes a synthetic photograph of a card. Zero values mean "no such effect".
type Photo struct {
	Width, Height int     // frame size; 0 means 1600×1200
	Coverage      float64 // the card's bounding box fits in Coverage × the frame; 0 means 0.75
	Rotation      float64 // in-plane rotation, degrees clockwise in the image (90, 180, 270 …)
	TiltX, TiltY  float64 // perspective: rotation about the card's horizontal / vertical axis, degrees
	ShiftX        float64 // card centre offset, fraction of the frame width (pushes it out of frame)
	ShiftY        float64 // likewise, fraction of the frame height
	Surface       Surface
	Blur          float64 // Gaussian σ in frame pixels
	Noise         float64 // sensor noise σ in 0–255 units
	Gain          float64 // exposure multiplier; 0 means 1
	Gamma         float64 // output gamma (>1 darkens mid-tones); 0 means 1
	Glare         int     // number of specular blobs over the card
	Photocopy     bool    // greyscale, high-contrast copy on white paper
	Screen        bool    // card shown on a screen: pixel grid and moiré
	Seed          uint64  // drives background, lighting, glare and noise
}

// Shot is a photographed card.
type Shot struct {
	Image *image.RGBA
	// Corners are the card canvas corners top-left, top-right, bottom-right,
	// bottom-left (in the card's own orientation) in image pixels; they may lie
	// outside the image.
	Corners [4][2]float64
	// Scale is frame pixels per card-image pixel, averaged over the card (square
	// root of the area ratio).
	Scale float64
	// MeanLuma is the visible card's mean Rec. 601 luma after all effects;
	// Saturated is the fraction of its pixels with every channel ≥ 245 before
	// sensor noise.
	MeanLuma, Saturated float64
}

// frame is a float RGB image, values in 0–255 before clamping.
type frame struct {
	w, h int
	pix  []float32 // RGB interleaved
	card []uint8   // card coverage 0–255 per pixel, for measurements
}

// Photograph places card c in a photograph described by ph.
func Photograph(c *Card, ph Photo) *Shot {
	if ph.Width == 0 || ph.Height == 0 {
		ph.Width, ph.Height = 1600, 1200
	}
	if ph.Coverage == 0 {
		ph.Coverage = 0.75
	}
	r := rand.New(rand.NewPCG(ph.Seed, 0x70686f746f))
	fr := &frame{w: ph.Width, h: ph.Height, pix: make([]float32, ph.Width*ph.Height*3), card: make([]uint8, ph.Width*ph.Height)}
	surface := ph.Surface
	src := c.Image
	if ph.Photocopy {
		surface = SurfacePaper
		src = photocopy(src, c.Radius, r)
	}
	if ph.Screen {
		surface = SurfaceScreen
	}
	paintSurface(fr, surface, r)

	cw, ch := float64(src.Bounds().Dx()), float64(src.Bounds().Dy())
	corners := place(cw, ch, ph)
	h := homographyFrom([4][2]float64{{0, 0}, {cw, 0}, {cw, ch}, {0, ch}}, corners)
	scale := math.Sqrt(quadArea(corners) / (cw * ch))
	warp(fr, src, h, scale, c.Radius)

	lighting(fr, ph, r)
	for i := 0; i < ph.Glare; i++ {
		glare(fr, corners, r)
	}
	if ph.Blur > 0 {
		gaussianBlur(fr, ph.Blur)
	}
	// Saturation is a property of the scene (glare), measured before sensor noise
	// scatters single pixels past the threshold.
	sat := fr.saturated()
	if ph.Screen {
		moire(fr, r)
	}
	if ph.Noise > 0 {
		noise(fr, ph.Noise, r)
	}
	tone(fr, ph.Gamma, ph.Photocopy)
	img, luma := fr.toRGBA()
	return &Shot{Image: img, Corners: corners, Scale: scale, MeanLuma: luma, Saturated: sat}
}

// place projects the card's corners: rotate the card plane in 3-D by the tilts and
// the in-plane rotation, project through a pinhole at a phone-like distance, then
// scale the result to the coverage and centre it (plus shift) in the frame.
func place(cw, ch float64, ph Photo) [4][2]float64 {
	tx, ty, rz := ph.TiltX*math.Pi/180, ph.TiltY*math.Pi/180, ph.Rotation*math.Pi/180
	dist := 2.2 * math.Max(cw, ch) // ≈ 50° field of view across the card's long side
	var q [4][2]float64
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i, p := range [4][2]float64{{-cw / 2, -ch / 2}, {cw / 2, -ch / 2}, {cw / 2, ch / 2}, {-cw / 2, ch / 2}} {
		x, y, z := p[0], p[1], 0.0
		// Tilt about the horizontal axis (x), then the vertical axis (y).
		y, z = y*math.Cos(tx)-z*math.Sin(tx), y*math.Sin(tx)+z*math.Cos(tx)
		x, z = x*math.Cos(ty)+z*math.Sin(ty), -x*math.Sin(ty)+z*math.Cos(ty)
		x, y = x*math.Cos(rz)-y*math.Sin(rz), x*math.Sin(rz)+y*math.Cos(rz)
		k := dist / (dist + z)
		q[i] = [2]float64{x * k, y * k}
		minX, maxX = math.Min(minX, q[i][0]), math.Max(maxX, q[i][0])
		minY, maxY = math.Min(minY, q[i][1]), math.Max(maxY, q[i][1])
	}
	w, h := float64(ph.Width), float64(ph.Height)
	s := math.Min(ph.Coverage*w/(maxX-minX), ph.Coverage*h/(maxY-minY))
	ox := w/2 + ph.ShiftX*w - s*(minX+maxX)/2
	oy := h/2 + ph.ShiftY*h - s*(minY+maxY)/2
	for i := range q {
		q[i] = [2]float64{q[i][0]*s + ox, q[i][1]*s + oy}
	}
	return q
}

// warp draws src into fr through h (canvas → frame) by inverse mapping with
// bilinear interpolation. When the card is much smaller in the frame than on its
// canvas, src is first box-filtered down so that sampling does not alias. radius
// rounds the card's corners (canvas pixels); edges are anti-aliased.
func warp(fr *frame, src *image.RGBA, h homography, scale, radius float64) {
	cw, ch := float64(src.Bounds().Dx()), float64(src.Bounds().Dy())
	f := 1
	if scale < 0.7 {
		f = int(1 / scale)
	}
	s := shrink(src, f)
	inv := h.inverse()
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range [4][2]float64{{0, 0}, {cw, 0}, {cw, ch}, {0, ch}} {
		x, y := h.apply(p[0], p[1])
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	x0, x1 := max(int(minX)-1, 0), min(int(maxX)+2, fr.w)
	y0, y1 := max(int(minY)-1, 0), min(int(maxY)+2, fr.h)
	sw, sh := s.Bounds().Dx(), s.Bounds().Dy()
	ff := float64(f)
	parallelRows(y1-y0, func(a, b int) {
		for y := y0 + a; y < y0+b; y++ {
			fy := float64(y) + 0.5
			for x := x0; x < x1; x++ {
				fx := float64(x) + 0.5
				w := inv[6]*fx + inv[7]*fy + inv[8]
				u := (inv[0]*fx + inv[1]*fy + inv[2]) / w
				v := (inv[3]*fx + inv[4]*fy + inv[5]) / w
				alpha := edgeCoverage(u, v, cw, ch, radius, scale)
				if alpha <= 0 {
					continue
				}
				r, g, bl := bilinear(s, u/ff-0.5, v/ff-0.5, sw, sh)
				i := (y*fr.w + x) * 3
				p := fr.pix[i : i+3 : i+3]
				p[0] += (r - p[0]) * alpha
				p[1] += (g - p[1]) * alpha
				p[2] += (bl - p[2]) * alpha
				fr.card[y*fr.w+x] = uint8(alpha*255 + 0.5)
			}
		}
	})
}

// edgeCoverage is how much of the frame pixel at canvas point (u, v) is card: 1
// inside, 0 outside, a ramp one frame pixel wide across the (rounded) border.
func edgeCoverage(u, v, cw, ch, radius, scale float64) float32 {
	d := math.Min(math.Min(u, cw-u), math.Min(v, ch-v))
	if d < -2/scale {
		return 0
	}
	cu, cv := math.Max(radius-u, u-(cw-radius)), math.Max(radius-v, v-(ch-radius))
	if cu > 0 && cv > 0 {
		d = radius - math.Hypot(cu, cv)
	}
	a := d*scale + 0.5
	if a <= 0 {
		return 0
	}
	return float32(math.Min(a, 1))
}

// bilinear samples img at (x, y) pixel-centre coordinates, clamping at the border.
func bilinear(img *image.RGBA, x, y float64, w, h int) (float32, float32, float32) {
	x = math.Max(0, math.Min(x, float64(w-1)))
	y = math.Max(0, math.Min(y, float64(h-1)))
	ix, iy := int(x), int(y)
	ix1, iy1 := min(ix+1, w-1), min(iy+1, h-1)
	ax, ay := float32(x-float64(ix)), float32(y-float64(iy))
	p00 := img.Pix[iy*img.Stride+ix*4:]
	p10 := img.Pix[iy*img.Stride+ix1*4:]
	p01 := img.Pix[iy1*img.Stride+ix*4:]
	p11 := img.Pix[iy1*img.Stride+ix1*4:]
	var out [3]float32
	for c := 0; c < 3; c++ {
		top := float32(p00[c]) + (float32(p10[c])-float32(p00[c]))*ax
		bot := float32(p01[c]) + (float32(p11[c])-float32(p01[c]))*ax
		out[c] = top + (bot-top)*ay
	}
	return out[0], out[1], out[2]
}

// shrink box-filters img by an integer factor f (f ≤ 1 returns img).
func shrink(img *image.RGBA, f int) *image.RGBA {
	if f <= 1 {
		return img
	}
	w, h := img.Bounds().Dx()/f, img.Bounds().Dy()/f
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	n := uint32(f * f)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s [4]uint32
			for dy := 0; dy < f; dy++ {
				row := img.Pix[(y*f+dy)*img.Stride+x*f*4:]
				for dx := 0; dx < f; dx++ {
					for c := 0; c < 4; c++ {
						s[c] += uint32(row[dx*4+c])
					}
				}
			}
			o := out.Pix[y*out.Stride+x*4:]
			for c := 0; c < 4; c++ {
				o[c] = uint8(s[c] / n)
			}
		}
	}
	return out
}

// toRGBA clamps fr into an image and measures the visible card's mean luma.
func (fr *frame) toRGBA() (*image.RGBA, float64) {
	img := image.NewRGBA(image.Rect(0, 0, fr.w, fr.h))
	var lumaSum, n float64
	for i := 0; i < fr.w*fr.h; i++ {
		r, g, b := clamp8(float64(fr.pix[3*i])), clamp8(float64(fr.pix[3*i+1])), clamp8(float64(fr.pix[3*i+2]))
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = r, g, b, 255
		if fr.card[i] >= 128 {
			n++
			lumaSum += 0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)
		}
	}
	if n == 0 {
		return img, 0
	}
	return img, lumaSum / n
}

// saturated returns the fraction of visible card pixels with every channel ≥ 245.
func (fr *frame) saturated() float64 {
	var satN, n float64
	for i, c := range fr.card {
		if c < 128 {
			continue
		}
		n++
		if p := fr.pix[3*i : 3*i+3]; p[0] >= 245 && p[1] >= 245 && p[2] >= 245 {
			satN++
		}
	}
	if n == 0 {
		return 0
	}
	return satN / n
}

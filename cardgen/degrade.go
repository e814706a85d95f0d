package cardgen

import (
	"image"
	"math"
	"math/rand/v2"
	"sync"
)

// paintSurface fills fr with a surface texture: smooth value noise at two scales
// (large blotches and fine grain), wood streaks for SurfaceWood.
func paintSurface(fr *frame, s Surface, r *rand.Rand) {
	type tint struct{ r, g, b, amp float64 }
	var base tint
	switch s {
	case SurfaceWood:
		base = tint{150 + r.Float64()*40, 105 + r.Float64()*30, 65 + r.Float64()*20, 30}
	case SurfaceCloth:
		base = tint{40 + r.Float64()*60, 45 + r.Float64()*50, 60 + r.Float64()*60, 14}
	case SurfacePaper:
		base = tint{236, 236, 232, 6}
	case SurfaceScreen:
		base = tint{22, 24, 28, 6}
	default:
		g := 120 + r.Float64()*90
		base = tint{g, g * (0.97 + r.Float64()*0.06), g * (0.93 + r.Float64()*0.1), 16}
	}
	// The smooth part (blotches, streaks) is computed on a grid 4× coarser and
	// interpolated; only the grain is per pixel.
	const q = 4
	gw, gh := fr.w/q+2, fr.h/q+2
	coarse := newValueNoise(gw*q, gh*q, 96, r)
	fine := newValueNoise(gw*q, gh*q, 12, r)
	streak := 0.02 + r.Float64()*0.03
	smooth := make([]float32, gw*gh)
	for gy := 0; gy < gh; gy++ {
		for gx := 0; gx < gw; gx++ {
			x, y := gx*q, gy*q
			v := coarse.at(x, y)*base.amp + fine.at(x, y)*base.amp*0.35
			if s == SurfaceWood {
				// Grain: streaks along x, bent by the coarse noise.
				v += base.amp * 0.7 * math.Sin((float64(y)+40*coarse.at(x, y/4))*streak)
			}
			smooth[gy*gw+gx] = float32(v)
		}
	}
	seed := r.Uint64()
	g := gaussTable()
	grain := float32(base.amp * 0.08)
	br, bg, bb := float32(base.r), float32(base.g), float32(base.b)
	parallelRows(fr.h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			nr := rand.NewPCG(seed, uint64(y))
			gy := y / q
			ay := float32(y%q) / q
			for x := 0; x < fr.w; x++ {
				gx := x / q
				ax := float32(x%q) / q
				s0 := smooth[gy*gw+gx:]
				s1 := smooth[(gy+1)*gw+gx:]
				top := s0[0] + (s0[1]-s0[0])*ax
				bot := s1[0] + (s1[1]-s1[0])*ax
				v := top + (bot-top)*ay + g[uint16(nr.Uint64())]*grain
				i := (y*fr.w + x) * 3
				fr.pix[i], fr.pix[i+1], fr.pix[i+2] = br+v, bg+v, bb+v
			}
		}
	})
}

// valueNoise is smooth random noise in [-1, 1] interpolated from a coarse grid.
type valueNoise struct {
	cell   float64
	gw     int
	values []float64
}

func newValueNoise(w, h int, cell float64, r *rand.Rand) *valueNoise {
	gw, gh := int(float64(w)/cell)+2, int(float64(h)/cell)+2
	n := &valueNoise{cell: cell, gw: gw, values: make([]float64, gw*gh)}
	for i := range n.values {
		n.values[i] = r.Float64()*2 - 1
	}
	return n
}

func (n *valueNoise) at(x, y int) float64 {
	fx, fy := float64(x)/n.cell, float64(y)/n.cell
	ix, iy := int(fx), int(fy)
	ax, ay := smooth(fx-float64(ix)), smooth(fy-float64(iy))
	v := n.values[iy*n.gw+ix:]
	w := n.values[(iy+1)*n.gw+ix:]
	top := v[0] + (v[1]-v[0])*ax
	bot := w[0] + (w[1]-w[0])*ax
	return top + (bot-top)*ay
}

func smooth(t float64) float64 { return t * t * (3 - 2*t) }

// photocopy turns the card into a black-and-white copy: grey, contrast pushed so the
// pale background washes out to light grey, the card's outline copied as a dark
// line, toner speckle. radius is the card's corner radius in pixels.
func photocopy(src *image.RGBA, radius float64, r *rand.Rand) *image.RGBA {
	out := image.NewRGBA(src.Bounds())
	w, h := float64(src.Bounds().Dx()), float64(src.Bounds().Dy())
	for y := 0; y < src.Bounds().Dy(); y++ {
		for x := 0; x < src.Bounds().Dx(); x++ {
			i := y*src.Stride + x*4
			l := 0.299*float64(src.Pix[i]) + 0.587*float64(src.Pix[i+1]) + 0.114*float64(src.Pix[i+2])
			l = 20 + 205/(1+math.Exp(-(l-150)/28)) // S-curve: background light grey, ink black
			if r.IntN(400) == 0 {
				l *= 0.5
			}
			// The card edge: within 2 px of the (rounded) outline.
			if edgeCoverage(float64(x)+0.5, float64(y)+0.5, w, h, radius, 0.25) < 1 {
				l = 80
			}
			v := clamp8(l)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = v, v, v, 255
		}
	}
	return out
}

// lighting applies exposure gain and an uneven illumination: a linear gradient
// across the frame and a vignette, as from a desk lamp or a phone held at an angle.
func lighting(fr *frame, ph Photo, r *rand.Rand) {
	gain := ph.Gain
	if gain == 0 {
		gain = 1
	}
	gx, gy := (r.Float64()*2-1)*0.12, (r.Float64()*2-1)*0.12
	vig := 0.1 + r.Float64()*0.15
	w, h := float64(fr.w), float64(fr.h)
	parallelRows(fr.h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			dy := float64(y)/h - 0.5
			for x := 0; x < fr.w; x++ {
				dx := float64(x)/w - 0.5
				// Normalised so that the brightest point gets exactly gain: lighting
				// only darkens, and a pale card saturates only under glare.
				k := float32(gain * (1 + gx*dx*2 + gy*dy*2) / (1 + math.Abs(gx) + math.Abs(gy)) * (1 - vig*(dx*dx+dy*dy)*2))
				i := (y*fr.w + x) * 3
				fr.pix[i] *= k
				fr.pix[i+1] *= k
				fr.pix[i+2] *= k
			}
		}
	})
}

// glare adds one specular highlight: an elliptical, saturating white blob centred
// somewhere over the card quad q.
func glare(fr *frame, q [4][2]float64, r *rand.Rand) {
	// A random point inside the quad: bilinear blend of its corners.
	a, b := 0.15+r.Float64()*0.7, 0.15+r.Float64()*0.7
	cx := (q[0][0]*(1-a)+q[1][0]*a)*(1-b) + (q[3][0]*(1-a)+q[2][0]*a)*b
	cy := (q[0][1]*(1-a)+q[1][1]*a)*(1-b) + (q[3][1]*(1-a)+q[2][1]*a)*b
	size := longSide(q) * (0.06 + r.Float64()*0.08)
	sx, sy := size*(0.8+r.Float64()*0.8), size*(0.5+r.Float64()*0.6)
	ang := r.Float64() * math.Pi
	ca, sa := math.Cos(ang), math.Sin(ang)
	peak := 380 + r.Float64()*200
	ext := 3 * math.Max(sx, sy)
	x0, x1 := max(int(cx-ext), 0), min(int(cx+ext), fr.w)
	y0, y1 := max(int(cy-ext), 0), min(int(cy+ext), fr.h)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			u, v := (dx*ca+dy*sa)/sx, (-dx*sa+dy*ca)/sy
			d := u*u + v*v
			if d > 9 {
				continue
			}
			add := float32(peak * math.Exp(-d/2))
			i := (y*fr.w + x) * 3
			fr.pix[i] += add
			fr.pix[i+1] += add
			fr.pix[i+2] += add * 0.97
		}
	}
}

// moire overlays a screen's sub-pixel grid, slightly rotated against the sensor, so
// that sampling it beats into coloured low-frequency bands, and lifts the blacks as
// a backlit screen does.
func moire(fr *frame, r *rand.Rand) {
	// A screen pixel close to the sensor's pitch: sampled once per pixel, the grid
	// aliases into bands a few to a few tens of pixels wide (the moiré).
	pitch := 1.06 + r.Float64()*0.2
	ang := (r.Float64()*2 - 1) * 0.05
	ca, sa := math.Cos(ang)/pitch, math.Sin(ang)/pitch
	depth := float32(0.18 + r.Float64()*0.12)
	// cos01[i] = 0.5 + 0.5 cos(2π i/n): the grid's profile over one period.
	const n = 1024
	var cos01 [n]float32
	for i := range cos01 {
		cos01[i] = float32(0.5 + 0.5*math.Cos(2*math.Pi*float64(i)/n))
	}
	phase := func(t float64) int { return int((t-math.Floor(t))*n) & (n - 1) }
	parallelRows(fr.h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := 0; x < fr.w; x++ {
				u := float64(x)*ca + float64(y)*sa
				v := -float64(x)*sa + float64(y)*ca
				row := cos01[phase(v)]
				i := (y*fr.w + x) * 3
				for c := 0; c < 3; c++ {
					col := cos01[phase(u-float64(c)/3)]
					fr.pix[i+c] = fr.pix[i+c]*(1-depth*(1-col*row)) + 14
				}
			}
		}
	})
}

// gaussTable holds standard normal samples; noise indexes it with random bits, which
// is several times faster than drawing a normal per channel and per pixel.
var gaussTable = sync.OnceValue(func() *[1 << 16]float32 {
	var t [1 << 16]float32
	r := rand.New(rand.NewPCG(1, 2))
	for i := range t {
		t[i] = float32(r.NormFloat64())
	}
	return &t
})

// noise adds sensor noise: mostly luminance, a little per-channel chroma.
func noise(fr *frame, sigma float64, r *rand.Rand) {
	seed := r.Uint64()
	g := gaussTable()
	ls, cs := float32(sigma*0.85), float32(sigma*0.3)
	parallelRows(fr.h, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			// One stream per row keeps the output independent of the number of bands.
			nr := rand.NewPCG(seed, uint64(y))
			row := fr.pix[y*fr.w*3 : (y+1)*fr.w*3]
			for i := 0; i < len(row); i += 3 {
				b := nr.Uint64()
				l := g[uint16(b)] * ls
				row[i] += l + g[uint16(b>>16)]*cs
				row[i+1] += l + g[uint16(b>>32)]*cs
				row[i+2] += l + g[uint16(b>>48)]*cs
			}
		}
	})
}

// tone applies the output gamma through a lookup table and, for photocopies,
// drops colour.
func tone(fr *frame, gamma float64, grey bool) {
	if gamma == 0 {
		gamma = 1
	}
	var lut [1024]float32
	for i := range lut {
		lut[i] = float32(255 * math.Pow(float64(i)/1023, gamma))
	}
	parallelRows(fr.h, func(y0, y1 int) {
		for i := y0 * fr.w * 3; i < y1*fr.w*3; i += 3 {
			p := fr.pix[i : i+3 : i+3]
			if grey {
				l := 0.299*p[0] + 0.587*p[1] + 0.114*p[2]
				p[0], p[1], p[2] = l, l, l
			}
			if gamma != 1 {
				for c := range p {
					v := int(p[c] * 1023 / 255)
					p[c] = lut[max(0, min(v, 1023))]
				}
			}
		}
	})
}

package feat

import (
	"image"
	"math"
)

const (
	// Norm is the side of the normalised character image.
	Norm = 32
	pad  = 2
	side = Norm + 2*pad
	// Grid is the number of pooling points per axis.
	Grid = 8
	// Dirs is the number of gradient directions.
	Dirs = 8
	// NumGeom is the number of geometry features appended to the gradient
	// histogram.
	NumGeom = 4
	// Dim is the length of a feature vector.
	Dim = Grid*Grid*Dirs + NumGeom
)

// pool holds Gaussian pooling weights: pool[g][i] is the weight of image
// row (or column) i for grid point g. Sampling a blurred plane only at the
// grid points is a separable product, far cheaper than blurring the plane.
var pool [Grid][side]float32

func init() {
	step := float64(Norm) / Grid
	// Spacing-matched sigma, as in the directional-feature literature
	// (sigma = sqrt(2)·step/π).
	sigma := math.Sqrt2 * step / math.Pi
	for g := 0; g < Grid; g++ {
		c := float64(pad) + step*(float64(g)+0.5) - 0.5
		var s float64
		for i := 0; i < side; i++ {
			w := math.Exp(-(float64(i) - c) * (float64(i) - c) / (2 * sigma * sigma))
			pool[g][i] = float32(w)
			s += w
		}
		for i := range pool[g] {
			pool[g][i] /= float32(s)
		}
	}
}

// Band is the vertical extent of the text line: the rows from the top of the
// tallest glyphs to the bottom of the lowest.
type Band struct{ Top, Bottom int }

// Height returns the band height in pixels.
func (b Band) Height() int { return b.Bottom - b.Top }

// Scratch holds buffers reused between calls of Extract.
type Scratch struct {
	img    [side * side]float32
	planes [Dirs][side * side]float32
	tmp    [Grid * side]float32
}

// Extract computes the feature vector of the glyph whose ink bounding box is
// box, on a line whose band is band. The glyph is scaled to Norm pixels on its
// longer side, keeping a compressed aspect ratio so that narrow digits stay
// narrow, then described by 8-direction gradient histograms pooled on an 8×8
// grid. Where the glyph sits in the band (top, bottom, width, height relative
// to the band) is appended, since scaling discards it and it separates 口 from
// 囗, 一 from -, and · from 丶.
func Extract(k *Ink, box image.Rectangle, band Band, s *Scratch, out []float32) {
	bw, bh := float64(box.Dx()), float64(box.Dy())
	long := math.Max(bw, bh)
	r1 := math.Min(bw, bh) / long
	// Aspect-ratio-adaptive normalisation: r2 = sqrt(sin(π/2·r1)).
	r2 := math.Sqrt(math.Sin(math.Pi / 2 * r1))
	var ow, oh float64
	if bw >= bh {
		ow, oh = Norm, Norm*r2
	} else {
		ow, oh = Norm*r2, Norm
	}
	sx, sy := bw/ow, bh/oh
	ox := float64(pad) + (Norm-ow)/2
	oy := float64(pad) + (Norm-oh)/2
	img := &s.img
	for v := 0; v < side; v++ {
		fy := float64(box.Min.Y) + (float64(v)+0.5-oy)*sy - 0.5
		for u := 0; u < side; u++ {
			fx := float64(box.Min.X) + (float64(u)+0.5-ox)*sx - 0.5
			img[v*side+u] = sampleArea(k, fx, fy, sx, sy)
		}
	}
	gradientPlanes(img, &s.planes)
	var sum float64
	for d := 0; d < Dirs; d++ {
		pl := &s.planes[d]
		// Rows first: tmp[g][x] = Σ_y pool[g][y]·pl[y][x].
		for g := 0; g < Grid; g++ {
			t := s.tmp[g*side : (g+1)*side]
			for i := range t {
				t[i] = 0
			}
			for y := 0; y < side; y++ {
				w := pool[g][y]
				if w < 1e-4 {
					continue
				}
				row := pl[y*side : (y+1)*side]
				for x, v := range row {
					t[x] += w * v
				}
			}
		}
		for gy := 0; gy < Grid; gy++ {
			t := s.tmp[gy*side : (gy+1)*side]
			for gx := 0; gx < Grid; gx++ {
				var v float32
				for x, w := range pool[gx] {
					v += w * t[x]
				}
				f := float32(math.Sqrt(float64(v)))
				out[(d*Grid+gy)*Grid+gx] = f
				sum += float64(f * f)
			}
		}
	}
	// Unit length removes the effect of contrast and blur on gradient size.
	if sum > 0 {
		inv := float32(1 / math.Sqrt(sum))
		for i := 0; i < Grid*Grid*Dirs; i++ {
			out[i] *= inv
		}
	}
	h := float32(band.Height())
	if h < 1 {
		h = 1
	}
	g := out[Grid*Grid*Dirs:]
	g[0] = float32(box.Min.Y-band.Top) / h
	g[1] = float32(box.Max.Y-band.Top) / h
	g[2] = float32(box.Dx()) / h
	g[3] = float32(box.Dy()) / h
}

// sampleArea averages coverage over the source footprint of one output
// pixel (about sx×sy pixels around (fx, fy)) so that downscaling does not
// alias thin strokes; when upscaling it reduces to bilinear sampling.
func sampleArea(k *Ink, fx, fy, sx, sy float64) float32 {
	if sx <= 1.25 && sy <= 1.25 {
		return bilinear(k, fx, fy)
	}
	nx := int(math.Ceil(sx))
	ny := int(math.Ceil(sy))
	var s float32
	for j := 0; j < ny; j++ {
		yy := fy + (float64(j)+0.5)/float64(ny)*sy - sy/2
		for i := 0; i < nx; i++ {
			xx := fx + (float64(i)+0.5)/float64(nx)*sx - sx/2
			s += bilinear(k, xx, yy)
		}
	}
	return s / float32(nx*ny)
}

func bilinear(k *Ink, x, y float64) float32 {
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	a := k.At(x0, y0)*(1-fx) + k.At(x0+1, y0)*fx
	b := k.At(x0, y0+1)*(1-fx) + k.At(x0+1, y0+1)*fx
	return a*(1-fy) + b*fy
}

// gradientPlanes splits the Sobel gradient of img into Dirs direction planes,
// each gradient going to its two neighbouring directions in proportion to
// the angle.
func gradientPlanes(img *[side * side]float32, planes *[Dirs][side * side]float32) {
	for d := range planes {
		clear(planes[d][:])
	}
	const step = 2 * math.Pi / Dirs
	for y := 1; y < side-1; y++ {
		for x := 1; x < side-1; x++ {
			p := y*side + x
			gx := (img[p-side+1] + 2*img[p+1] + img[p+side+1]) - (img[p-side-1] + 2*img[p-1] + img[p+side-1])
			gy := (img[p+side-1] + 2*img[p+side] + img[p+side+1]) - (img[p-side-1] + 2*img[p-side] + img[p-side+1])
			m := float32(math.Hypot(float64(gx), float64(gy)))
			if m < 1e-3 {
				continue
			}
			a := math.Atan2(float64(gy), float64(gx))
			if a < 0 {
				a += 2 * math.Pi
			}
			f := a / step
			d0 := int(f) % Dirs
			w1 := float32(f - math.Floor(f))
			planes[d0][p] += m * (1 - w1)
			planes[(d0+1)%Dirs][p] += m * w1
		}
	}
}

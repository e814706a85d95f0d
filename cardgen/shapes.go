package cardgen

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/vector"
)

// pt is a point in canvas pixels.
type pt struct{ x, y float64 }

// path collects closed contours and fills them anti-aliased. Contours of opposite
// orientation cancel, which is how rings and outlined squares are made.
type path struct {
	z *vector.Rasterizer
}

func (p *painter) path() *path {
	z := vector.NewRasterizer(int(p.w), int(p.h))
	return &path{z: z}
}

func (q *path) poly(pts []pt) *path {
	q.z.MoveTo(float32(pts[0].x), float32(pts[0].y))
	for _, v := range pts[1:] {
		q.z.LineTo(float32(v.x), float32(v.y))
	}
	q.z.ClosePath()
	return q
}

// ellipse adds an ellipse; ccw reverses its direction (for holes).
func (q *path) ellipse(cx, cy, rx, ry float64, ccw bool) *path {
	const n = 96
	pts := make([]pt, n)
	for i := range pts {
		a := 2 * math.Pi * float64(i) / n
		if ccw {
			a = -a
		}
		pts[i] = pt{cx + rx*math.Cos(a), cy + ry*math.Sin(a)}
	}
	return q.poly(pts)
}

// rect adds an axis-aligned rectangle; ccw reverses its direction (for holes).
func (q *path) rect(x0, y0, x1, y1 float64, ccw bool) *path {
	if ccw {
		return q.poly([]pt{{x0, y0}, {x0, y1}, {x1, y1}, {x1, y0}})
	}
	return q.poly([]pt{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}})
}

// star adds a five-pointed star of outer radius r, first point at angle rot (radians, 0 = up).
func (q *path) star(cx, cy, r, rot float64) *path {
	pts := make([]pt, 10)
	for i := range pts {
		rr := r
		if i%2 == 1 {
			rr = r * 0.382
		}
		a := rot + float64(i)*math.Pi/5
		pts[i] = pt{cx + rr*math.Sin(a), cy - rr*math.Cos(a)}
	}
	return q.poly(pts)
}

func (q *path) fill(dst *image.RGBA, c color.Color) {
	q.z.Draw(dst, dst.Bounds(), image.NewUniform(c), image.Point{})
}

// ring fills an annulus.
func (p *painter) ring(cx, cy, r, width float64, c color.Color) {
	p.path().ellipse(cx, cy, r, r, false).ellipse(cx, cy, r-width, r-width, true).fill(p.img, c)
}

// frame fills a rectangular outline.
func (p *painter) frame(x0, y0, x1, y1, width float64, c color.Color) {
	p.path().rect(x0, y0, x1, y1, false).rect(x0+width, y0+width, x1-width, y1-width, true).fill(p.img, c)
}

// dottedLine draws a horizontal line of dots, as under licence values.
func (p *painter) dottedLine(x0, x1, y, step, r float64, c color.Color) {
	q := p.path()
	for x := x0; x <= x1; x += step {
		q.rect(x, y-r, x+r*2, y+r, false)
	}
	q.fill(p.img, c)
}

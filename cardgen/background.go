package cardgen

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
)

// palette is a card face's background: base paper colour and two guilloche inks.
type palette struct {
	base, ink1, ink2 color.RGBA
}

var (
	palIDFront  = palette{color.RGBA{240, 243, 238, 255}, color.RGBA{175, 210, 225, 255}, color.RGBA{232, 200, 196, 255}}
	palIDBack   = palette{color.RGBA{243, 242, 232, 255}, color.RGBA{200, 222, 205, 255}, color.RGBA{236, 208, 182, 255}}
	palDriving  = palette{color.RGBA{246, 240, 241, 255}, color.RGBA{226, 200, 212, 255}, color.RGBA{205, 212, 230, 255}}
	palVehicle  = palette{color.RGBA{232, 244, 240, 255}, color.RGBA{172, 216, 206, 255}, color.RGBA{190, 210, 232, 255}}
	inkBlack    = color.RGBA{28, 28, 30, 255}
	inkIDBlue   = color.RGBA{30, 128, 190, 255}
	inkSealRed  = color.RGBA{212, 36, 40, 215}
	inkEmblemR  = color.RGBA{205, 32, 38, 255}
	inkGold     = color.RGBA{236, 186, 52, 255}
	inkDotLine  = color.RGBA{120, 140, 135, 255}
	inkPortrait = color.RGBA{214, 216, 218, 255}
)

// guilloche paints the pale security background: two families of wavy fine lines and
// a rosette, with parameters drawn from r so that cards differ slightly. It writes
// every pixel, so it also clears the canvas. ref is the width of the whole card in
// pixels, so that a strip (a text line) gets the pattern at card scale.
func guilloche(img *image.RGBA, pal palette, r *rand.Rand, ref float64) {
	b := img.Bounds()
	w, h := ref, ref*0.65
	k1 := 26 + r.Float64()*10 // lines per card width
	k2 := 18 + r.Float64()*8
	a1, a2 := 0.04+r.Float64()*0.03, 0.05+r.Float64()*0.03
	f1, f2 := 2+r.Float64()*2, 3+r.Float64()*2
	ph1, ph2 := r.Float64()*2*math.Pi, r.Float64()*2*math.Pi
	cx, cy := 0.3+r.Float64()*0.4, 0.3+r.Float64()*0.4
	lw := 1.1 * w / 1200 // line half-width in pixels
	// The second family's phase depends on x only: compute it once per column.
	colSin := make([]float64, b.Dx())
	for x := range colSin {
		colSin[x] = a2 * math.Sin(2*math.Pi*f2*float64(x)/w+ph2)
	}
	rosette := 1 / 2.2 // radius (fraction of the card) beyond which the rosette fades out
	parallelRows(b.Dy(), func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			v := float64(y) / h
			s1 := a1 * math.Sin(2*math.Pi*f1*v+ph1)
			row := img.Pix[y*img.Stride:]
			for x := 0; x < b.Dx(); x++ {
				u := float64(x) / w
				// Distance (in pixels) to the nearest line of each family.
				c1 := cover(lineDist(k1*(u+s1))*w/k1, lw)
				c2 := cover(lineDist(k2*(v+colSin[x]))*h/k2, lw)
				dx, dy := (u-cx)*w/h, v-cy
				if rr := dx*dx + dy*dy; rr < rosette*rosette {
					rad := math.Sqrt(rr)
					d3 := lineDist(40*(rad+0.012*math.Sin(12*math.Atan2(dy, dx)))) * h / 40
					c2 = math.Max(c2, cover(d3, lw)*0.7*(1-rad/rosette))
				}
				o := x * 4
				for ch := 0; ch < 3; ch++ {
					base := float64(chanOf(pal.base, ch))
					val := base + (float64(chanOf(pal.ink1, ch))-base)*c1
					val += (float64(chanOf(pal.ink2, ch)) - base) * c2
					row[o+ch] = clamp8(val)
				}
				row[o+3] = 255
			}
		}
	})
}

// lineDist is the distance of phase t to the nearest integer, in [0, 0.5].
func lineDist(t float64) float64 { return math.Abs(t - math.Round(t)) }

// cover is the anti-aliased coverage of a line of half-width lw at distance d pixels.
func cover(d, lw float64) float64 {
	return math.Max(0, math.Min(1, lw+0.5-d)) * 0.8
}

func chanOf(c color.RGBA, i int) uint8 {
	switch i {
	case 0:
		return c.R
	case 1:
		return c.G
	}
	return c.B
}

func clamp8(v float64) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}

// portrait draws a grey photo block with a head-and-shoulders silhouette in b. It
// paints on its own image so that the shoulders are clipped to the block.
func (p *painter) portrait(b Box, r *rand.Rand) {
	rect := image.Rect(int(b.X0*p.w), int(b.Y0*p.h), int(b.X1*p.w), int(b.Y1*p.h))
	sub := image.NewRGBA(image.Rect(0, 0, rect.Dx(), rect.Dy()))
	q := newPainter(sub, p.fs)
	bw, bh := q.w, q.h
	bg := inkPortrait
	bg.R -= uint8(r.IntN(12))
	draw.Draw(sub, sub.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	cx := bw / 2
	cloth := color.RGBA{uint8(40 + r.IntN(60)), uint8(40 + r.IntN(50)), uint8(50 + r.IntN(60)), 255}
	skin := color.RGBA{uint8(182 + r.IntN(20)), uint8(156 + r.IntN(16)), uint8(138 + r.IntN(16)), 255}
	q.path().ellipse(cx, bh*1.02, bw*0.46, bh*0.30, false).fill(sub, cloth)
	q.path().rect(cx-bw*0.09, bh*0.55, cx+bw*0.09, bh*0.78, false).fill(sub, color.RGBA{skin.R - 14, skin.G - 14, skin.B - 14, 255})
	q.path().ellipse(cx, bh*0.33, bw*0.235, bh*0.15, false).fill(sub, color.RGBA{38, 32, 30, 255})
	q.path().ellipse(cx, bh*0.45, bw*0.2, bh*0.17, false).fill(sub, skin)
	draw.Draw(p.img, rect, sub, image.Point{}, draw.Src)
}

// emblem draws a red disc with a gold rim, gold stars and a gold gate: enough of the
// national emblem's colour and mass to serve as the ID-back cue (CARDS.md §2.5).
func (p *painter) emblem(b Box) {
	cx, cy := (b.X0+b.X1)/2*p.w, (b.Y0+b.Y1)/2*p.h
	rad := math.Min((b.X1-b.X0)*p.w, (b.Y1-b.Y0)*p.h) / 2
	p.path().ellipse(cx, cy, rad, rad, false).fill(p.img, inkGold)
	p.path().ellipse(cx, cy, rad*0.86, rad*0.86, false).fill(p.img, inkEmblemR)
	q := p.path().star(cx, cy-rad*0.42, rad*0.2, 0)
	for i := -2; i <= 2; i++ {
		if i == 0 {
			continue
		}
		a := float64(i) * 0.42
		q.star(cx+math.Sin(a)*rad*0.55, cy-rad*0.42+rad*0.55-math.Cos(a)*rad*0.55-rad*0.28, rad*0.07, -a)
	}
	// Gate: roof, body, three openings (left as holes).
	q.poly([]pt{{cx - rad*0.5, cy + rad*0.05}, {cx + rad*0.5, cy + rad*0.05}, {cx + rad*0.38, cy - rad*0.06}, {cx - rad*0.38, cy - rad*0.06}})
	q.rect(cx-rad*0.42, cy+rad*0.05, cx+rad*0.42, cy+rad*0.32, false)
	for i := -1; i <= 1; i++ {
		ox := cx + float64(i)*rad*0.24
		q.rect(ox-rad*0.05, cy+rad*0.14, ox+rad*0.05, cy+rad*0.32, true)
	}
	q.rect(cx-rad*0.55, cy+rad*0.36, cx+rad*0.55, cy+rad*0.44, false)
	q.fill(p.img, inkGold)
	p.ring(cx, cy, rad*0.78, rad*0.05, inkGold)
}

// seal draws a red issuing-office seal in b: a square with three lines of text, or a
// round seal with a star and the office name on two lines.
func (p *painter) seal(b Box, office string, round bool) {
	x0, y0, x1, y1 := b.X0*p.w, b.Y0*p.h, b.X1*p.w, b.Y1*p.h
	side := math.Min(x1-x0, y1-y0)
	cx, cy := (x0+x1)/2, (y0+y1)/2
	lines := splitSeal(office)
	if round {
		rad := side / 2
		p.ring(cx, cy, rad, rad*0.07, inkSealRed)
		p.path().star(cx, cy, rad*0.28, 0).fill(p.img, inkSealRed)
		top := Box{(cx - rad*0.75) / p.w, (cy - rad*0.78) / p.h, (cx + rad*0.75) / p.w, (cy - rad*0.38) / p.h}
		bot := Box{(cx - rad*0.72) / p.w, (cy + rad*0.38) / p.h, (cx + rad*0.72) / p.w, (cy + rad*0.7) / p.h}
		p.label(lines[0]+lines[1], top, textStyle{role: RoleSeal, col: inkSealRed}, true)
		p.label(lines[2], bot, textStyle{role: RoleSeal, col: inkSealRed}, true)
		return
	}
	sx0, sy0 := cx-side/2, cy-side/2
	p.frame(sx0, sy0, sx0+side, sy0+side, side*0.05, inkSealRed)
	pad := side * 0.12
	lh := (side - 2*pad) / 3
	for i, l := range lines {
		lb := Box{(sx0 + pad) / p.w, (sy0 + pad + float64(i)*lh + lh*0.1) / p.h, (sx0 + side - pad) / p.w, (sy0 + pad + float64(i+1)*lh - lh*0.1) / p.h}
		p.label(l, lb, textStyle{role: RoleSeal, col: inkSealRed}, true)
	}
}

// splitSeal splits an office name into three seal lines of similar length.
func splitSeal(s string) [3]string {
	r := []rune(s)
	n := (len(r) + 2) / 3
	var out [3]string
	for i := range out {
		lo, hi := min(i*n, len(r)), min((i+1)*n, len(r))
		out[i] = string(r[lo:hi])
	}
	return out
}

package cardgen

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// Box is a rectangle in fractions of a canvas: origin top-left, x right, y down,
// the coordinates CARDS.md uses.
type Box struct{ X0, Y0, X1, Y1 float64 }

// union returns the smallest box holding b and c; an empty b yields c.
func (b Box) union(c Box) Box {
	if b == (Box{}) {
		return c
	}
	return Box{math.Min(b.X0, c.X0), math.Min(b.Y0, c.Y0), math.Max(b.X1, c.X1), math.Max(b.Y1, c.Y1)}
}

type faceKey struct {
	f  *Font
	px float64
}

// painter draws text and shapes on one canvas. It caches sized faces, which are not
// safe for concurrent use, so each render owns its painter.
type painter struct {
	img   *image.RGBA
	w, h  float64
	fs    *FontSet
	faces map[faceKey]font.Face
	boxes map[string]Box // ink box of every value drawn, fractions of the canvas
	err   error          // first missing glyph; drawing continues so the caller sees one error
}

func newPainter(img *image.RGBA, fs *FontSet) *painter {
	b := img.Bounds()
	return &painter{img: img, w: float64(b.Dx()), h: float64(b.Dy()), fs: fs,
		faces: map[faceKey]font.Face{}, boxes: map[string]Box{}}
}

func (p *painter) face(role Role, r rune, px float64) font.Face {
	f, err := p.fs.pick(role, r)
	if err != nil {
		if p.err == nil {
			p.err = err
		}
		f = p.fs.Fonts[role]
	}
	k := faceKey{f, math.Round(px*4) / 4}
	fc, ok := p.faces[k]
	if !ok {
		fc = f.face(k.px)
		p.faces[k] = fc
	}
	return fc
}

// textStyle is how a run of text is drawn: the role picks the font, px is the em size
// in canvas pixels, tracking is extra space after every glyph but the last.
type textStyle struct {
	role     Role
	px       float64
	col      color.Color
	tracking float64
}

// width returns the advance width of s in pixels.
func (p *painter) width(st textStyle, s string) float64 {
	var w float64
	n := 0
	for _, r := range s {
		adv, _ := p.face(st.role, r, st.px).GlyphAdvance(r)
		w += fixedToF(adv)
		n++
	}
	if n > 1 {
		w += st.tracking * float64(n-1)
	}
	return w
}

// baseline returns the baseline that centres a full-height CJK glyph of st on cy
// (pixels). Values and labels on one printed line share it, as printers align
// baselines rather than ink centres.
func (p *painter) baseline(st textStyle, cy float64) float64 {
	b, _, ok := p.face(st.role, '国', st.px).GlyphBounds('国')
	if !ok {
		return cy + st.px*0.38
	}
	return cy - (fixedToF(b.Min.Y)+fixedToF(b.Max.Y))/2
}

// draw draws s with its left edge at x and baseline at y (pixels) and returns the
// ink box in fractions of the canvas.
func (p *painter) draw(st textStyle, x, y float64, s string) Box {
	d := font.Drawer{Dst: p.img, Src: image.NewUniform(st.col)}
	inkMin := fixed.Point26_6{X: math.MaxInt32, Y: math.MaxInt32}
	inkMax := fixed.Point26_6{X: math.MinInt32, Y: math.MinInt32}
	dot := fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}
	for _, r := range s {
		fc := p.face(st.role, r, st.px)
		d.Face = fc
		d.Dot = dot
		if !isSpace(r) {
			if b, _, ok := fc.GlyphBounds(r); ok {
				inkMin.X = min(inkMin.X, dot.X+b.Min.X)
				inkMin.Y = min(inkMin.Y, dot.Y+b.Min.Y)
				inkMax.X = max(inkMax.X, dot.X+b.Max.X)
				inkMax.Y = max(inkMax.Y, dot.Y+b.Max.Y)
			}
			d.DrawString(string(r))
		}
		adv, _ := fc.GlyphAdvance(r)
		dot.X += adv + fixed.Int26_6(st.tracking*64)
	}
	if inkMin.X > inkMax.X {
		return Box{}
	}
	return Box{fixedToF(inkMin.X) / p.w, fixedToF(inkMin.Y) / p.h, fixedToF(inkMax.X) / p.w, fixedToF(inkMax.Y) / p.h}
}

// fit shrinks st.px (and tracking) so that s is at most maxW pixels wide.
func (p *painter) fit(st textStyle, s string, maxW float64) textStyle {
	for i := 0; i < 8; i++ {
		w := p.width(st, s)
		if w <= maxW {
			break
		}
		k := maxW / w * 0.99
		st.px *= k
		st.tracking *= k
	}
	return st
}

// label draws a pre-printed label in box b (fractions). A zero st.px takes the em
// size from the box height; the text shrinks to the box width, and with justify the
// glyphs spread over it, as the spaced two-character labels (姓 名) are. It returns
// the baseline in pixels.
func (p *painter) label(s string, b Box, st textStyle, justify bool) float64 {
	if st.px == 0 {
		st.px = (b.Y1 - b.Y0) * p.h * 1.05
	}
	bw := (b.X1 - b.X0) * p.w
	st = p.fit(st, s, bw)
	if n := len([]rune(s)); justify && n > 1 {
		st.tracking = (bw - p.width(st, s)) / float64(n-1)
	}
	y := p.baseline(st, (b.Y0+b.Y1)/2*p.h)
	p.draw(st, b.X0*p.w, y, s)
	return y
}

// value draws a field value at x (fraction) on baseline y (pixels), shrunk to fit
// maxX, and records its ink box under key.
func (p *painter) value(key string, st textStyle, x, y, maxX float64, s string) Box {
	st = p.fit(st, s, (maxX-x)*p.w)
	b := p.draw(st, x*p.w, y, s)
	p.boxes[key] = p.boxes[key].union(b)
	return b
}

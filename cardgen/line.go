package cardgen

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
)

// Background names a card face whose paper and guilloche a text line is drawn on.
type Background string

// Line backgrounds, one per card face.
const (
	BackgroundIDFront  Background = "id_card_front"
	BackgroundIDBack   Background = "id_card_back"
	BackgroundDriving  Background = "driving_licence"
	BackgroundVehicle  Background = "vehicle_licence"
	BackgroundPlain    Background = "plain" // flat paper white, no pattern
	defaultLinePadding            = 0.25
)

// LineOptions controls RenderLine.
type LineOptions struct {
	Font       *Font       // required
	Fallback   []*Font     // tried in order for runes Font lacks; none means such runes are an error
	Size       float64     // em size in pixels; 0 means 40 (a value glyph on the 1200-px canvas)
	Tracking   float64     // extra pixels between glyphs
	Color      color.Color // nil means near-black ink
	Background Background  // "" means BackgroundIDFront
	Padding    float64     // margin around the ink, as a fraction of Size; 0 means 0.25
	Seed       uint64      // background pattern
}

// LineTruth is the ground truth of a rendered line.
type LineTruth struct {
	Text  string          `json:"text"`
	Font  string          `json:"font"`
	Size  float64         `json:"size"`
	Ink   image.Rectangle `json:"ink"`   // ink bounding box in image pixels
	Fonts []string        `json:"fonts"` // font of each rune, in order (fallbacks show here)
}

// RenderLine draws one line of text on a strip of card background sized to fit it,
// for training and testing a glyph recogniser. It fails with ErrMissingGlyph when
// neither the font nor a fallback has a rune.
func RenderLine(text string, opt LineOptions) (image.Image, LineTruth, error) {
	if opt.Font == nil {
		return nil, LineTruth{}, fmt.Errorf("cardgen: render line: no font")
	}
	if opt.Size == 0 {
		opt.Size = 40
	}
	if opt.Padding == 0 {
		opt.Padding = defaultLinePadding
	}
	if opt.Color == nil {
		opt.Color = inkBlack
	}
	fs := &FontSet{Name: "line", Fallback: opt.Fallback}
	fs.Fonts[RoleIDValue] = opt.Font
	truth := LineTruth{Text: text, Font: opt.Font.Name, Size: opt.Size}
	for _, r := range text {
		f, err := fs.pick(RoleIDValue, r)
		if err != nil {
			return nil, LineTruth{}, err
		}
		truth.Fonts = append(truth.Fonts, f.Name)
	}
	st := textStyle{role: RoleIDValue, px: opt.Size, col: opt.Color, tracking: opt.Tracking}
	// Measure on a throwaway painter, then size the strip to the text.
	m := newPainter(image.NewRGBA(image.Rect(0, 0, 1, 1)), fs)
	pad := opt.Padding * opt.Size
	w := int(m.width(st, text) + 2*pad + 0.5)
	h := int(opt.Size*1.25 + 2*pad + 0.5)
	img := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	lineBackground(img, opt.Background, opt.Seed)
	p := newPainter(img, fs)
	b := p.draw(st, pad, p.baseline(st, float64(h)/2), text)
	truth.Ink = image.Rect(int(b.X0*p.w), int(b.Y0*p.h), int(b.X1*p.w+0.999), int(b.Y1*p.h+0.999))
	return img, truth, p.err
}

func lineBackground(img *image.RGBA, bg Background, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x6c696e65))
	switch bg {
	case BackgroundPlain:
		pal := palIDFront
		pal.ink1, pal.ink2 = pal.base, pal.base
		guilloche(img, pal, r, 1200)
	case BackgroundIDBack:
		guilloche(img, palIDBack, r, 1200)
	case BackgroundDriving:
		guilloche(img, palDriving, r, 1200)
	case BackgroundVehicle:
		guilloche(img, palVehicle, r, 1200)
	default:
		guilloche(img, palIDFront, r, 1200)
	}
}

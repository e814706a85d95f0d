package cardgen

import (
	"fmt"
	"image"
	"math/rand/v2"
)

// Kind is a document kind, named as in CARDS.md §2 and the reader's API.
type Kind string

// The four document kinds.
const (
	IDFront        Kind = "id_card_front"
	IDBack         Kind = "id_card_back"
	DrivingLicence Kind = "driving_licence"
	VehicleLicence Kind = "vehicle_licence"
)

// Kinds lists every kind.
var Kinds = []Kind{IDFront, IDBack, DrivingLicence, VehicleLicence}

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("cardgen: unknown kind %q", s)
}

// Size returns the canonical rectified canvas of the kind (CARDS.md §1): ID cards
// 1200×757 (85.6×54 mm), licence pages 1200×818 (88×60 mm).
func (k Kind) Size() (w, h int) {
	if k == IDFront || k == IDBack {
		return 1200, 757
	}
	return 1200, 818
}

// Side returns "front" or "back"; licences are rendered on their main page (正页), "front".
func (k Kind) Side() string {
	if k == IDBack {
		return "back"
	}
	return "front"
}

// cornerRadius is the card's corner radius in canonical pixels: ISO 7810 ID-1 cards
// have ~3 mm; licence pages are cut square.
func (k Kind) cornerRadius() float64 {
	if k == IDFront || k == IDBack {
		return 3.0 / 85.6 * 1200
	}
	return 4
}

// Layout variants a card may be printed in.
const (
	LayoutStandard = "standard"
	LayoutOld      = "old" // driving: 有效起始日期 + 有效期限 6年; vehicle: older form with swapped rows
)

// RenderOptions controls how a record is drawn.
type RenderOptions struct {
	Fonts  *FontSet // required
	Scale  float64  // canvas size as a multiple of the canonical one; 0 means 1
	Seed   uint64   // drives layout jitter, background and variant choice
	Layout string   // "", LayoutStandard or LayoutOld; "" picks by seed (licences only)
}

// Card is a rendered card face with its ground truth.
type Card struct {
	Kind   Kind
	Image  *image.RGBA
	Fields map[string]string // normalised values, CARDS.md keys
	Boxes  map[string]Box    // ink box of every field's printed value, fractions of the canvas
	Layout string
	Fonts  map[string]string // role → font name
	// Radius is the corner radius in Image pixels; pixels outside the rounded corners
	// are not card (Photograph shows the background there).
	Radius float64
}

// Render draws rec as a card of kind k.
func Render(k Kind, rec *Record, opt RenderOptions) (*Card, error) {
	if opt.Fonts == nil {
		return nil, fmt.Errorf("cardgen: render: no font set")
	}
	if opt.Scale == 0 {
		opt.Scale = 1
	}
	cw, ch := k.Size()
	w, h := int(float64(cw)*opt.Scale+0.5), int(float64(ch)*opt.Scale+0.5)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(opt.Seed, 0x72656e646572))
	p := newPainter(img, opt.Fonts)
	layout := opt.Layout
	if layout == "" {
		layout = LayoutStandard
		if (k == DrivingLicence || k == VehicleLicence) && r.IntN(3) == 0 {
			layout = LayoutOld
		}
	}
	switch k {
	case IDFront:
		guilloche(img, palIDFront, r, float64(w))
		renderIDFront(p, rec, r)
	case IDBack:
		guilloche(img, palIDBack, r, float64(w))
		renderIDBack(p, rec, r)
	case DrivingLicence:
		guilloche(img, palDriving, r, float64(w))
		renderDriving(p, rec, r, layout == LayoutOld)
	case VehicleLicence:
		guilloche(img, palVehicle, r, float64(w))
		renderVehicle(p, rec, r, layout == LayoutOld)
	default:
		return nil, fmt.Errorf("cardgen: render: unknown kind %q", k)
	}
	if p.err != nil {
		return nil, fmt.Errorf("cardgen: render %s: %w", k, p.err)
	}
	if k == IDFront || k == IDBack {
		layout = LayoutStandard
	}
	return &Card{Kind: k, Image: img, Fields: rec.Fields(k), Boxes: p.boxes, Layout: layout,
		Fonts: opt.Fonts.Describe(), Radius: k.cornerRadius() * opt.Scale}, nil
}

// jitter returns a uniform offset in [-a, a].
func jitter(r *rand.Rand, a float64) float64 { return (r.Float64()*2 - 1) * a }

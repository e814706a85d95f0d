package cardgen

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

// Flat is the condition without a photograph: the rectified canvas itself, for
// testing field extraction apart from card finding.
const Flat = "flat"

// Capture is a named condition's photograph and the JPEG quality the image is saved at.
type Capture struct {
	Photo       Photo
	JPEGQuality int
}

// conditions maps condition names to their parameter draws. Each starts from an
// ordinary handheld photo (base) and pushes one property into the range CARDS.md §6
// lists; "degraded" mixes moderate amounts of several.
var conditions = map[string]func(r *rand.Rand) Capture{
	"clean": func(r *rand.Rand) Capture { return base(r) },
	"perspective": func(r *rand.Rand) Capture {
		c := base(r)
		c.Photo.TiltX, c.Photo.TiltY = sign(r)*uni(r, 8, 15), sign(r)*uni(r, 6, 15)
		c.Photo.Rotation = uni(r, -8, 8)
		c.Photo.Coverage = uni(r, 0.7, 0.88)
		return c
	},
	"rotate90":  func(r *rand.Rand) Capture { return rotated(r, 90) },
	"rotate180": func(r *rand.Rand) Capture { return rotated(r, 180) },
	"rotate270": func(r *rand.Rand) Capture { return rotated(r, 270) },
	"blur": func(r *rand.Rand) Capture {
		c := base(r)
		c.Photo.Blur = uni(r, 1.6, 2.5)
		return c
	},
	"noise": func(r *rand.Rand) Capture {
		c := base(r)
		c.Photo.Noise = uni(r, 10, 18)
		return c
	},
	"jpeg_low": func(r *rand.Rand) Capture {
		c := base(r)
		c.JPEGQuality = 30 + r.IntN(16)
		return c
	},
	"glare": func(r *rand.Rand) Capture {
		c := base(r)
		c.Photo.Glare = 1 + r.IntN(2)
		return c
	},
	"low_light": func(r *rand.Rand) Capture {
		c := base(r)
		c.Photo.Gain, c.Photo.Gamma = uni(r, 0.2, 0.32), uni(r, 1.4, 2.0)
		c.Photo.Noise = uni(r, 5, 9)
		return c
	},
	"small": func(r *rand.Rand) Capture {
		c := base(r)
		c.Photo.Coverage = uni(r, 0.15, 0.3)
		return c
	},
	"cropped": func(r *rand.Rand) Capture {
		c := base(r)
		c.Photo.Coverage = uni(r, 0.7, 0.9)
		if r.IntN(2) == 0 {
			c.Photo.ShiftX = sign(r) * uni(r, 0.16, 0.28)
		} else {
			c.Photo.ShiftY = sign(r) * uni(r, 0.16, 0.28)
		}
		return c
	},
	"photocopy": func(r *rand.Rand) Capture {
		c := base(r)
		c.Photo.Photocopy = true
		c.Photo.Coverage = uni(r, 0.6, 0.8)
		return c
	},
	"screen": func(r *rand.Rand) Capture {
		c := base(r)
		c.Photo.Screen = true
		return c
	},
	"degraded": func(r *rand.Rand) Capture {
		c := base(r)
		p := &c.Photo
		p.TiltX, p.TiltY = uni(r, -10, 10), uni(r, -10, 10)
		p.Rotation = float64(90*r.IntN(4)) + uni(r, -6, 6)
		p.Coverage = uni(r, 0.45, 0.85)
		if int(p.Rotation+360+45)/90%2 == 1 { // portrait: let the long side use the frame height
			p.Coverage = uni(r, 0.8, 0.95)
		}
		p.Blur = uni(r, 0.5, 1.2)
		p.Noise = uni(r, 4, 10)
		p.Gain, p.Gamma = uni(r, 0.55, 1.0), uni(r, 1.0, 1.3)
		if r.IntN(3) == 0 {
			p.Glare = 1
		}
		c.JPEGQuality = 45 + r.IntN(31)
		return c
	},
}

// ConditionNames lists the conditions Generate accepts, Flat included.
func ConditionNames() []string {
	names := []string{Flat}
	for n := range conditions {
		names = append(names, n)
	}
	sort.Strings(names[1:])
	return names
}

// NewCapture draws the photograph parameters of a named condition from seed.
func NewCapture(condition string, seed uint64) (Capture, error) {
	f, ok := conditions[condition]
	if !ok {
		return Capture{}, fmt.Errorf("cardgen: unknown condition %q (have %s)", condition, strings.Join(ConditionNames(), ", "))
	}
	r := rand.New(rand.NewPCG(seed, 0x636f6e64))
	c := f(r)
	c.Photo.Seed = r.Uint64()
	return c, nil
}

// base is an ordinary handheld photo on a desk: slight tilt and rotation, the card
// filling most of the frame, a touch of lens softness and sensor noise.
func base(r *rand.Rand) Capture {
	return Capture{
		Photo: Photo{
			Coverage: uni(r, 0.62, 0.85),
			Rotation: uni(r, -4, 4),
			TiltX:    uni(r, -4, 4),
			TiltY:    uni(r, -4, 4),
			Surface:  Surface(r.IntN(int(SurfacePaper))),
			Blur:     uni(r, 0.3, 0.6),
			Noise:    uni(r, 1.5, 3.5),
			Gain:     uni(r, 0.86, 0.97), // keeps the pale card below 245 so only glare saturates
		},
		JPEGQuality: 85 + r.IntN(8),
	}
}

// rotated is base turned by about deg; sideways cards may use the frame's height.
func rotated(r *rand.Rand, deg float64) Capture {
	c := base(r)
	c.Photo.Rotation = deg + uni(r, -4, 4)
	if deg == 90 || deg == 270 {
		c.Photo.Coverage = uni(r, 0.85, 0.95)
	}
	return c
}

func uni(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

func sign(r *rand.Rand) float64 {
	if r.IntN(2) == 0 {
		return -1
	}
	return 1
}

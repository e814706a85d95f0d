package ocr

import (
	"image"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// cue is a colour patch that marks a side of a document, with the region it occupies when the
// card is upright (CARDS.md §2.5). Upside down, it appears in the point-mirrored region.
type cue struct {
	kind           kiosk.DocKind
	hue            hue
	x0, y0, x1, y1 float64
}

var cues = []cue{
	{kiosk.KindIDCardFront, hueBlue, 0.06, 0.12, 0.36, 0.90},   // blue labels, left band
	{kiosk.KindIDCardBack, hueRed, 0.04, 0.10, 0.26, 0.42},     // emblem, upper left
	{kiosk.KindDrivingLicence, hueRed, 0.04, 0.50, 0.35, 0.84}, // seal, left middle
	{kiosk.KindVehicleLicence, hueRed, 0.04, 0.60, 0.29, 0.97}, // seal, lower left
}

// minCue is the share of a cue's region that must be coloured ink for the cue to count.
const minCue = 0.01

// faintCue is the share under minCue that still orients a card when the mirrored region has
// less than a quarter of it: a photocopy has none, a dim photo's desaturated labels keep a
// trace (0.2 % of the band in a glared, dim ID card).
const faintCue = minCue / 8

// score returns the cue's strength upright and upside down.
func (q cue) score(c *bgr) (up, down float64) {
	up = c.colourFraction(c.rect(q.x0, q.y0, q.x1, q.y1), q.hue)
	down = c.colourFraction(c.rect(1-q.x1, 1-q.y1, 1-q.x0, 1-q.y0), q.hue)
	return up, down
}

// classify decides the card's kind (when asked for auto), turns it upright and flags
// upside_down and wrong_side. family is the kind whose canvas the card was warped to.
// Without colour (a photocopy) the cues are silent: the requested kind is trusted and the card
// is read as it lies.
func (r *Reader) classify(c *card, family kiosk.DocKind, flags flagSet) {
	idFamily := family == kiosk.KindIDCardFront || family == kiosk.KindIDCardBack
	best, bestScore, bestDown, bestOther := kiosk.DocKind(""), 0.0, false, 0.0
	scores := map[kiosk.DocKind]float64{}
	for _, q := range cues {
		isID := q.kind == kiosk.KindIDCardFront || q.kind == kiosk.KindIDCardBack
		if isID != idFamily {
			continue
		}
		up, down := q.score(c.bgr)
		s, isDown, other := up, false, down
		if down > up {
			s, isDown, other = down, true, up
		}
		scores[q.kind] = s
		if s > bestScore {
			best, bestScore, bestDown, bestOther = q.kind, s, isDown, other
		}
	}
	if !idFamily && bestScore >= minCue {
		// Both licences carry a red seal on the left; the driving licence has a photo at the
		// lower right where the vehicle licence has dotted value lines. The seal's height
		// separates them well enough to orient; the kind comes from the photo block.
		best = licenceKind(c.bgr, bestDown)
	}
	if bestScore < minCue {
		if c.kind == kiosk.KindAuto {
			c.kind = darkKind(c.bgr, idFamily)
		}
		// A trace of the cue's colour on one side only (a dim photo's faded labels) still
		// tells which way up the card lies; it is too little to tell the kind.
		if bestScore >= faintCue && bestOther*4 <= bestScore {
			if bestDown {
				c.rotate180()
				flags.add(kiosk.FlagUpsideDown)
			}
			return
		}
		// Without colour (a photocopy) the portrait is still the darkest block of a card
		// that carries one: found in the mirrored place, the card lies upside down.
		if p, ok := portraits[c.kind]; ok && p.mirrored(c.bgr) {
			c.rotate180()
			flags.add(kiosk.FlagUpsideDown)
		}
		return
	}
	if bestDown {
		c.rotate180()
		flags.add(kiosk.FlagUpsideDown)
	}
	switch {
	case c.kind == kiosk.KindAuto:
		c.kind = best
	case best != c.kind && sameFamily(best, c.kind) && scores[c.kind] < minCue/2:
		flags.add(kiosk.FlagWrongSide)
	}
}

// portrait is the photo block of a kind that carries one (CARDS.md §2.2, §2.3).
type portrait struct{ x0, y0, x1, y1 float64 }

var portraits = map[kiosk.DocKind]portrait{
	kiosk.KindIDCardFront:    {0.62, 0.12, 0.94, 0.74},
	kiosk.KindDrivingLicence: {0.72, 0.42, 0.96, 0.90},
}

// portraitMargin is how much darker (mean luma) the mirrored place must be than the portrait's
// own: text is sparse ink on paper, a portrait a block of mid tones.
const portraitMargin = 12

// mirrored reports whether the portrait lies in its point-mirrored place.
func (p portrait) mirrored(c *bgr) bool {
	up := meanLuma(c.luma(c.rect(p.x0, p.y0, p.x1, p.y1)))
	down := meanLuma(c.luma(c.rect(1-p.x1, 1-p.y1, 1-p.x0, 1-p.y0)))
	return down+portraitMargin < up
}

func meanLuma(g *image.Gray) float64 {
	if len(g.Pix) == 0 {
		return 0
	}
	sum := 0
	for _, v := range g.Pix {
		sum += int(v)
	}
	return float64(sum) / float64(len(g.Pix))
}

func sameFamily(a, b kiosk.DocKind) bool {
	isID := func(k kiosk.DocKind) bool { return k == kiosk.KindIDCardFront || k == kiosk.KindIDCardBack }
	return isID(a) == isID(b)
}

// darkKind decides the kind of a card whose colour cues are too faint to tell (a dark photo,
// a photocopy) by its portrait, upright or upside down: an ID card's front and a driving
// licence carry one, an ID card's back and a vehicle licence do not.
func darkKind(c *bgr, idFamily bool) kiosk.DocKind {
	with, without := kiosk.KindDrivingLicence, kiosk.KindVehicleLicence
	if idFamily {
		with, without = kiosk.KindIDCardFront, kiosk.KindIDCardBack
	}
	p, paper := portraits[with], paperLuma(c)
	if p.darkIn(c, paper, false, darkShare) || p.darkIn(c, paper, true, darkShare) {
		return with
	}
	return without
}

// licencePhoto is where licenceKind looks for a driving licence's portrait: inside the photo
// block, clear of its edges.
var licencePhoto = portrait{0.74, 0.45, 0.94, 0.86}

// licenceKind tells a driving licence (photo block at the lower right) from a vehicle licence.
// down says the card is still upside down. The portrait's hair, face and clothes are far darker
// than the card's paper, where the vehicle licence has sparse text and dotted value lines; how
// dark the paper itself is varies with the print and the light (its median luma from 160 to 250
// in daylight photos of either kind, 7 to 25 in a dark one), so darkness is measured against it.
func licenceKind(c *bgr, down bool) kiosk.DocKind {
	if licencePhoto.darkIn(c, paperLuma(c), down, portraitShare) {
		return kiosk.KindDrivingLicence
	}
	return kiosk.KindVehicleLicence
}

// paperLuma is the card's median luma: its paper, which covers most of it.
func paperLuma(c *bgr) float64 {
	return float64(percentile(c.luma(c.rect(0, 0, 1, 1)), 0.5))
}

// darkIn reports whether p's place (point-mirrored when down) holds a portrait: more than share
// of its pixels darker than portraitTone of the paper's luma.
func (p portrait) darkIn(c *bgr, paper float64, down bool, share float64) bool {
	x0, y0, x1, y1 := p.x0, p.y0, p.x1, p.y1
	if down {
		x0, y0, x1, y1 = 1-x1, 1-y1, 1-x0, 1-y0
	}
	g := c.luma(c.rect(x0, y0, x1, y1))
	dark := 0
	for _, v := range g.Pix {
		if float64(v) < portraitTone*paper {
			dark++
		}
	}
	return float64(dark) > share*float64(len(g.Pix))
}

// A driving licence's photo block has more than portraitShare of its pixels darker than
// portraitTone of the paper's luma: 0.31–0.65 in clean photos, 0.01–0.13 for a vehicle
// licence's same place (glare washing a portrait out brings it down to 0.02). In a dark photo,
// whose colour cues are gone, sensor noise puts pixels under that tone everywhere (up to 0.17
// of a vehicle licence's text-only places) while a portrait stays above 0.5: darkShare.
const (
	portraitTone  = 0.75
	portraitShare = 0.15
	darkShare     = 0.3
)

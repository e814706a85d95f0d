package ocr

import (
	"image"
	"math"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// TestFindCardCorners regenerates photos on which the card search once chose the wrong
// outline — the whole 4:3 frame (within 10 % of a licence's aspect), a blob of textured
// background, a card too dark to stand out, a pale card whose border shows only in pieces, a
// dark photo's stretched noise, a dark photo's portrait, a larger outline around a dark
// card, a corner cut off — and checks that every corner is now
// found within 2 % of the card's diagonal.
func TestFindCardCorners(t *testing.T) {
	cases := []struct {
		kind, condition string
		seed            uint64
		quality         int
	}{
		{"driving_licence", "clean", 13648346976780240821, 86},
		{"id_card_back", "perspective", 16839007291008452601, 90},
		{"driving_licence", "rotate180", 2500552209196819553, 85},
		{"vehicle_licence", "noise", 10911460916363761344, 85},
		{"id_card_front", "jpeg_low", 3438208316287483496, 40},
		{"id_card_front", "degraded", 4427753667273741819, 53},
		{"id_card_front", "low_light", 17872677682906846457, 92},
		{"driving_licence", "blur", 11846073707709830819, 89},
		{"id_card_back", "perspective", 7140822925723781266, 91},
		{"vehicle_licence", "perspective", 6118471349576588524, 86},
		{"vehicle_licence", "low_light", 17120955393477483517, 92},
		// The hull of the border's pieces took in a speck of noise by the frame's edge.
		{"vehicle_licence", "low_light", 14646961580200158270, 92},
		// No outline has support in this dark photo; a larger one with next to none won.
		{"id_card_back", "low_light", 13696364853882551903, 88},
		// Outlines found a few pixels inside a dim card had card on both sides of them at
		// the first sampling offset.
		{"id_card_front", "low_light", 3343229275687856774, 87},
		{"id_card_front", "perspective", 10131174820562838088, 92},
		// Dark photos whose only supported outline was the portrait (the card around it
		// found as a body), or whose border's edge spurs pulled the hull's corners out.
		{"id_card_front", "low_light", 12160899501893996196, 86},
		{"id_card_front", "low_light", 3615703086149851336, 91},
		{"driving_licence", "low_light", 17528257448434229854, 86},
		{"id_card_back", "low_light", 16817212275365035422, 86},
		{"vehicle_licence", "low_light", 5272971558645050675, 85},
		// A dark photo's card, its outline supported all round, inside a larger outline that
		// took in background along one side and won for its size.
		{"id_card_front", "low_light", 4788960435532429429, 90},
		// A dark photo whose background, filled up to the frame's edges, was taken for the
		// card's body over four outlines of the card supported all round.
		{"vehicle_licence", "low_light", 4316899670777883182, 90},
		// A pale card on a pale grey background: no edge along its last tenth by one corner,
		// and the hull cut the corner off.
		{"vehicle_licence", "clean", 14989773485685599283, 88},
	}
	for _, c := range cases {
		t.Run(c.kind+"_"+c.condition, func(t *testing.T) {
			t.Parallel()
			img, truth := mustGenerate(t, kiosk.DocKind(c.kind), c.condition, c.seed, c.quality)
			m, scale, err := decode(img, 40_000_000)
			if err != nil {
				t.Fatal(err)
			}
			f := findCard(m)
			m.Close()
			want := truth.Corners
			diag := math.Hypot(want[0][0]-want[2][0], want[0][1]-want[2][1])
			for _, w := range want {
				d := math.Inf(1)
				for _, p := range f.q {
					d = math.Min(d, math.Hypot(p.X*float64(scale)-w[0], p.Y*float64(scale)-w[1]))
				}
				if d > 0.02*diag {
					t.Errorf("corner %v: nearest found corner is %.0f px off (%.1f %% of the diagonal); found %v", w, d, 100*d/diag, f.q)
				}
			}
		})
	}
}

// TestCutCorner checks that a hull whose diagonal cuts a corner off gets the corner back where
// the sides either side of the cut meet, and that a five-sided hull that is not a cut corner
// is left alone.
func TestCutCorner(t *testing.T) {
	pts := func(xy ...int) []image.Point {
		var out []image.Point
		for i := 0; i < len(xy); i += 2 {
			out = append(out, image.Pt(xy[i], xy[i+1]))
		}
		return out
	}
	// A 600×400 card whose bottom-left corner is cut 60 px up and 50 px along.
	q, ok := cutCorner(pts(0, 0, 600, 0, 600, 400, 50, 400, 0, 340))
	if want := (quad{{0, 0}, {600, 0}, {600, 400}, {0, 400}}); !ok || q != want {
		t.Errorf("got %v (%v), want %v", q, ok, want)
	}
	for name, poly := range map[string][]image.Point{
		"cut too long":   pts(0, 0, 600, 0, 600, 400, 250, 400, 0, 150),
		"four sides":     pts(0, 0, 600, 0, 600, 400, 0, 400),
		"a pentagon":     pts(300, 0, 600, 200, 500, 500, 100, 500, 0, 200),
		"sides parallel": pts(0, 0, 600, 0, 640, 20, 600, 40, 0, 40),
	} {
		if q, ok := cutCorner(poly); ok {
			t.Errorf("%s: got %v, want none", name, q)
		}
	}
}

// TestRowSharpness checks the measure that decides a cut-off corner: a card rectified through
// its own corners has sharper rows than through an outline with one corner out of place, in
// or out, by a twentieth of the card's height.
func TestRowSharpness(t *testing.T) {
	for _, c := range []struct {
		kind kiosk.DocKind
		seed uint64
	}{{kiosk.KindIDCardFront, 11}, {kiosk.KindVehicleLicence, 12}, {kiosk.KindDrivingLicence, 13}} {
		img, truth := mustGenerate(t, c.kind, "clean", c.seed, 90)
		m, scale, err := decode(img, 40_000_000)
		if err != nil {
			t.Fatal(err)
		}
		var q quad
		for i, p := range truth.Corners {
			q[i] = point{p[0] / float64(scale), p[1] / float64(scale)}
		}
		q = orderQuad([]image.Point{
			image.Pt(int(q[0].X), int(q[0].Y)), image.Pt(int(q[1].X), int(q[1].Y)),
			image.Pt(int(q[2].X), int(q[2].Y)), image.Pt(int(q[3].X), int(q[3].Y))})
		own := rowSharpness(m, q)
		shift := q.side(1) / 20
		for _, dy := range []float64{-shift, shift} {
			moved := q
			moved[3].Y += dy
			if got := rowSharpness(m, moved); own <= cutGain*got {
				t.Errorf("%s: rows through its own corners %.3f, through one moved %+.0f px %.3f", c.kind, own, dy, got)
			}
		}
		m.Close()
	}
}

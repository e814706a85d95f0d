package ocr

import (
	"math"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// TestFindCardCorners regenerates photos on which the card search once chose the wrong
// outline — the whole 4:3 frame (within 10 % of a licence's aspect), a blob of textured
// background, a card too dark to stand out, a pale card whose border shows only in pieces, a
// dark photo's stretched noise, a dark photo's portrait, a larger outline around a dark
// card — and checks that every corner is now
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

package device

import (
	"image"
	"testing"

	"gocv.io/x/gocv"
)

// with returns baseScene(seed) changed by f.
func with(seed uint64, f func(*scene)) scene {
	s := baseScene(seed)
	f(&s)
	return s
}

func TestMeasureCard(t *testing.T) {
	cfg := DefaultConfig()
	tests := []struct {
		name  string
		scene scene
		card  cardPresence
		sharp bool // sharpness ≥ MinSharpness; only for cardInside
	}{
		{"ID card", baseScene(1), cardInside, true},
		{"licence page", with(1, func(s *scene) { s.aspect = aspectLicence }), cardInside, true},
		{"rotated card", with(1, func(s *scene) { s.angle = 0.4; s.long = 260 }), cardInside, true},
		{"card off the right edge", with(1, func(s *scene) { s.cx = 420 }), cardPartial, false},
		{"card off the top edge", with(1, func(s *scene) { s.cy = 40 }), cardPartial, false},
		{"empty plate", with(1, func(s *scene) { s.card = false }), cardNone, false},
		{"card too far away", with(1, func(s *scene) { s.long = 120 }), cardNone, false},
		{"square sheet", with(1, func(s *scene) { s.aspect = 1; s.long = 220 }), cardNone, false},
		{"long strip", with(1, func(s *scene) { s.aspect = 2.4 }), cardNone, false},
		{"blurred card", with(1, func(s *scene) { s.blur = 3 }), cardInside, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMeasurer(cfg)
			defer m.close()
			frame := MustMat(t, tt.scene)
			defer frame.Close()
			r := m.measure(frame, true)
			if r.card != tt.card {
				t.Fatalf("card %d, want %d (%+v)", r.card, tt.card, r)
			}
			if tt.card == cardInside {
				if sharp := r.sharpness >= cfg.MinSharpness; sharp != tt.sharp {
					t.Errorf("sharpness %.0f, want sharp=%v at threshold %.0f", r.sharpness, tt.sharp, cfg.MinSharpness)
				}
				// The box is in full-resolution pixels and hugs the card.
				if r.box.Dx() < int(tt.scene.long*0.9) || r.box.Dx() > tt.scene.w {
					t.Errorf("box %v for a card %.0f px long", r.box, tt.scene.long)
				}
			}
		})
	}
}

func TestMeasureMotionAndHealth(t *testing.T) {
	cfg := DefaultConfig()
	m := newMeasurer(cfg)
	defer m.close()
	still1, still2 := MustMat(t, baseScene(1)), MustMat(t, baseScene(2))
	moved := MustMat(t, with(3, func(s *scene) { s.cx += 6 }))
	dark := MustMat(t, with(4, func(s *scene) { s.card, s.dark = false, true }))
	for _, f := range []*gocv.Mat{&still1, &still2, &moved, &dark} {
		defer f.Close()
	}

	first := m.measure(still1, false)
	if !first.first || first.identical {
		t.Errorf("first frame: %+v, want first and not identical", first)
	}
	noise := m.measure(still2, false)
	if noise.first || noise.motion > cfg.MaxMotion || noise.identical {
		t.Errorf("same card, new noise: motion %.4f identical %v; want still (≤ %g), not identical", noise.motion, noise.identical, cfg.MaxMotion)
	}
	same := m.measure(still2, false)
	if !same.identical || same.motion != 0 {
		t.Errorf("the same frame again: %+v, want identical", same)
	}
	shift := m.measure(moved, false)
	if shift.motion <= cfg.MaxMotion || shift.identical {
		t.Errorf("card moved 6 px: motion %.4f, want above %g", shift.motion, cfg.MaxMotion)
	}
	if shift.luma <= cfg.BlackMaxLuma {
		t.Errorf("lit frame has luma %.1f, at or below the black threshold", shift.luma)
	}
	black := m.measure(dark, false)
	if black.luma > cfg.BlackMaxLuma || black.lumaStdDev > cfg.BlackMaxStdDev {
		t.Errorf("covered lens: luma %.1f ± %.1f, want black", black.luma, black.lumaStdDev)
	}
	m.reset()
	if again := m.measure(still1, false); !again.first {
		t.Error("after reset the next frame must be a first frame")
	}
}

// BenchmarkMeasure is the per-frame cost while a capture waits, at the recording's size and
// at 2.8 MP (the recording scaled ×4, keeping its 4:3 shape); at 15 fps the budget is 66 ms.
func BenchmarkMeasure(b *testing.B) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"480x360", 480, 360}, {"1920x1440", 1920, 1440}} {
		b.Run(size.name, func(b *testing.B) {
			frames := MustScaledFrames(b, size.w, size.h)
			defer frames[0].Close()
			defer frames[1].Close()
			m := newMeasurer(DefaultConfig())
			defer m.close()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if r := m.measure(frames[i%2], true); r.card != cardInside {
					b.Fatalf("card %d", r.card)
				}
			}
		})
	}
}

// BenchmarkEncode is the cost of handing a frame over.
func BenchmarkEncode(b *testing.B) {
	frames := MustScaledFrames(b, 1920, 1440)
	defer frames[0].Close()
	defer frames[1].Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := encodeJPEG(frames[0], DefaultConfig().JPEGQuality); err != nil {
			b.Fatal(err)
		}
	}
}

// MustScaledFrames renders two noisy frames of a still card and scales them to w×h.
func MustScaledFrames(tb testing.TB, w, h int) [2]gocv.Mat {
	tb.Helper()
	var out [2]gocv.Mat
	for i := range out {
		src := MustMat(tb, baseScene(uint64(i+1)))
		out[i] = gocv.NewMat()
		gocv.Resize(src, &out[i], image.Pt(w, h), 0, 0, gocv.InterpolationCubic)
		src.Close()
	}
	return out
}

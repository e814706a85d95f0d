package device

import (
	"testing"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// event is one thing that happens to a watchdog at a time (ms since the start).
type event struct {
	ms   int
	kind string // "open", "openfail", "gone", "frame", "black", "same", "readfail", "readgone", "tick"
}

// Health shorthands for watchdog tables.
var (
	hGood  = measurement{luma: 110, lumaStdDev: 60}
	hBlack = measurement{luma: 3, lumaStdDev: 1, identical: true}
	hSame  = measurement{luma: 110, lumaStdDev: 60, identical: true}
)

// every returns events of kind every step ms in [from, to).
func every(kind string, from, to, step int) []event {
	var out []event
	for ms := from; ms < to; ms += step {
		out = append(out, event{ms, kind})
	}
	return out
}

func events(parts ...[]event) []event {
	var out []event
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestWatchdog(t *testing.T) {
	cfg := DefaultConfig() // black 1s, frozen 1.5s, stall 1.5s, 3 read errors, 3 good frames, reconnect after 1s
	const frame = 67       // ms at 15 fps
	open := []event{{0, "open"}}
	tests := []struct {
		name      string
		static    bool
		events    []event
		state     kiosk.CameraState
		reason    string
		sinceMS   int // when the last change of state happened
		reconnect bool
	}{
		{"good frames", false, events(open, every("frame", 0, 3000, frame)), kiosk.CameraOK, "", 0, false},
		{"black for less than BlackAfter", false,
			events(open, every("black", 0, 900, frame), every("frame", 938, 1500, frame)), kiosk.CameraOK, "", 0, false},
		{"black for BlackAfter", false, events(open, every("black", 0, 1100, frame)), kiosk.CameraDown, ReasonBlack, 1005, false},
		{"black long enough to reconnect", false, events(open, every("black", 0, 2100, frame)), kiosk.CameraDown, ReasonBlack, 1005, true},
		{"back from black after RecoverFrames", false,
			events(open, every("black", 0, 1100, frame), every("frame", 1139, 1139+3*frame, frame)), kiosk.CameraOK, "", 1273, false},
		{"two good frames are not enough", false,
			events(open, every("black", 0, 1100, frame), every("frame", 1139, 1139+2*frame, frame)), kiosk.CameraDown, ReasonBlack, 1005, false},
		{"frozen", false, events(open, every("frame", 0, 500, frame), every("same", 536, 2200, frame)), kiosk.CameraDown, ReasonFrozen, 2077, false},
		{"a still image is never frozen", true, events(open, every("same", 0, 5000, frame)), kiosk.CameraOK, "", 0, false},
		{"two read errors are forgiven", false,
			events(open, every("frame", 0, 500, frame), []event{{540, "readfail"}, {600, "readfail"}}, every("frame", 670, 1000, frame)),
			kiosk.CameraOK, "", 0, false},
		{"three read errors", false,
			events(open, every("frame", 0, 500, frame), []event{{540, "readfail"}, {600, "readfail"}, {660, "readfail"}}),
			kiosk.CameraDown, ReasonReadError, 660, true},
		{"a vanished device is down at once", false,
			events(open, every("frame", 0, 500, frame), []event{{540, "readgone"}}), kiosk.CameraDown, ReasonVanished, 540, true},
		{"stalled", false, events(open, every("frame", 0, 500, frame), every("tick", 250, 2500, 250)), kiosk.CameraDown, ReasonStalled, 2000, false},
		{"no first frame after open", false, events(open, every("tick", 250, 2000, 250)), kiosk.CameraDown, ReasonStalled, 1500, false},
		{"ticks with frames", false, events(open, every("frame", 0, 3000, frame), every("tick", 250, 3000, 250)), kiosk.CameraOK, "", 0, false},
		{"open fails, device there", false, []event{{0, "openfail"}}, kiosk.CameraDown, ReasonOpenFailed, 0, false},
		{"open fails, device gone", false, []event{{0, "gone"}}, kiosk.CameraDown, ReasonVanished, 0, false},
		{"reopened but not yet proven", false,
			events([]event{{0, "gone"}, {250, "open"}}, every("frame", 300, 300+2*frame, frame)), kiosk.CameraDown, ReasonVanished, 0, false},
		{"reopened and delivering", false,
			events([]event{{0, "gone"}, {250, "open"}}, every("frame", 300, 300+3*frame, frame)), kiosk.CameraOK, "", 434, false},
		{"reason follows the fault, since stays", false,
			events(open, every("black", 0, 1100, frame), []event{{1200, "readgone"}}), kiosk.CameraDown, ReasonVanished, 1005, true},
	}
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWatchdog(cfg)
			var reconnect bool
			for _, e := range tt.events {
				now := t0.Add(time.Duration(e.ms) * time.Millisecond)
				switch e.kind {
				case "open":
					w.opened(now, tt.static)
				case "openfail":
					w.openFailed(now, false)
				case "gone":
					w.openFailed(now, true)
				case "frame":
					reconnect = w.frame(now, hGood)
				case "black":
					reconnect = w.frame(now, hBlack)
				case "same":
					reconnect = w.frame(now, hSame)
				case "readfail":
					reconnect = w.readFailed(now, false)
				case "readgone":
					reconnect = w.readFailed(now, true)
				case "tick":
					w.tick(now)
				}
			}
			st := w.status
			since := int(st.Since.Sub(t0) / time.Millisecond)
			if st.State != tt.state || st.Reason != tt.reason || since != tt.sinceMS || reconnect != tt.reconnect {
				t.Errorf("got %s/%q since %dms reconnect %v; want %s/%q since %dms reconnect %v",
					st.State, st.Reason, since, reconnect, tt.state, tt.reason, tt.sinceMS, tt.reconnect)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	cfg := DefaultConfig() // 250ms … 2s
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 2 * time.Second, 2 * time.Second}
	for i, w := range want {
		if got := backoff(cfg, i+1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := backoff(cfg, 1000); got != cfg.BackoffMax {
		t.Errorf("backoff(1000) = %v, want the cap %v", got, cfg.BackoffMax)
	}
}

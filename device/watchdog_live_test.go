package device

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// The tests in this file run a real Camera (loop, ticker, measurer, gocv) on fake devices
// inside synctest bubbles: the clock is virtual, so the 2 s and 5 s targets are asserted
// exactly and a 20 s scenario takes a fraction of a second.

// change is a change of camera state seen by sampling.
type change struct {
	at     time.Duration // since the fake device was made
	status kiosk.CameraStatus
}

func (c change) String() string {
	if c.status.Reason == "" {
		return fmt.Sprintf("%v %s", c.at, c.status.State)
	}
	return fmt.Sprintf("%v %s/%s", c.at, c.status.State, c.status.Reason)
}

// MustTimeline samples c every 10 ms until d's clock reads until, and returns the changes of
// state and reason, starting with the state at the first sample.
func MustTimeline(tb testing.TB, c *Camera, d *fakeDevice, until time.Duration) []change {
	tb.Helper()
	var out []change
	for now := time.Since(d.t0); now < until; now = time.Since(d.t0) {
		st := c.Status()
		if len(out) == 0 || st.State != out[len(out)-1].status.State || st.Reason != out[len(out)-1].status.Reason {
			out = append(out, change{at: now, status: st})
		}
		time.Sleep(10 * time.Millisecond)
	}
	return out
}

// firstAfter returns the first change at or after from to state, and whether there is one.
func firstAfter(tl []change, from time.Duration, state kiosk.CameraState) (change, bool) {
	for _, ch := range tl {
		if ch.at >= from && ch.status.State == state {
			return ch, true
		}
	}
	return change{}, false
}

func TestWatchdogTargets(t *testing.T) {
	const (
		fault   = 3 * time.Second  // the fault starts
		cured   = 10 * time.Second // the camera is fine again
		downMax = 2 * time.Second  // target: down within 2 s
		upMax   = 5 * time.Second  // target: ok again within 5 s
	)
	tests := []struct {
		name   string
		fault  mode
		reason string
	}{
		{"black", modeBlack, ReasonBlack},
		{"frozen", modeFrozen, ReasonFrozen},
		{"read errors", modeFail, ReasonReadError},
		{"vanished", modeGone, ReasonVanished},
		{"hanging read", modeHang, ReasonStalled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cfg := DefaultConfig()
				d := newFakeDevice(t, 320, 240, schedule(fault, modeGood, cured, tt.fault, modeGood))
				defer d.Close()
				c := MustStart(t, d, cfg)
				tl := MustTimeline(t, c, d, cured+8*time.Second)
				t.Logf("timeline: %v", tl)

				if tl[0].status.State != kiosk.CameraOK {
					t.Fatalf("camera starts %v, want ok", tl[0].status)
				}
				down, ok := firstAfter(tl, 0, kiosk.CameraDown)
				if !ok || down.at < fault || down.at-fault > downMax {
					t.Fatalf("down at %v (found %v), want within %v of the fault at %v", down.at, ok, downMax, fault)
				}
				if down.status.Reason != tt.reason {
					t.Errorf("down with reason %q, want %q", down.status.Reason, tt.reason)
				}
				// Reconnecting must not bring a still-faulty camera back to ok.
				if up, ok := firstAfter(tl, down.at, kiosk.CameraOK); !ok || up.at < cured || up.at-cured > upMax {
					t.Errorf("ok again at %v (found %v), want within %v of the cure at %v", up.at, ok, upMax, cured)
				}
				if last := tl[len(tl)-1].status; last.State != kiosk.CameraOK {
					t.Errorf("ends %v, want ok", last)
				}
			})
		})
	}
}

func TestFailingAfterNFrames(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := DefaultConfig()
		// Every opening of this device delivers 20 frames and then only errors.
		d := newFakeDevice(t, 320, 240, func(_ time.Duration, frames int) mode {
			if frames >= 20 {
				return modeFail
			}
			return modeGood
		})
		defer d.Close()
		c := MustStart(t, d, cfg)
		tl := MustTimeline(t, c, d, 10*time.Second)
		t.Logf("timeline: %v", tl)

		firstFail := 20 * cfg.frameInterval()
		down, ok := firstAfter(tl, 0, kiosk.CameraDown)
		if !ok || down.status.Reason != ReasonReadError || down.at-firstFail > 2*time.Second {
			t.Fatalf("first down %+v (found %v), want read_error within 2s of %v", down, ok, firstFail)
		}
		// Each reconnect gives 20 good frames, enough to be ok again for a while.
		if up, ok := firstAfter(tl, down.at, kiosk.CameraOK); !ok || up.at-down.at > 5*time.Second {
			t.Errorf("not ok again within 5s of going down: %+v %v", up, ok)
		}
		opens := d.Opens()
		if len(opens) < 3 {
			t.Fatalf("opened %d times in 10s, want reconnects", len(opens))
		}
		for i := 1; i < len(opens); i++ {
			if gap := opens[i] - opens[i-1]; gap < firstFail+cfg.BackoffMin {
				t.Errorf("reopened %v after the previous open, want at least 20 frames plus backoff", gap)
			}
		}
	})
}

func TestFlappingDevice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := DefaultConfig()
		// Unplugged and plugged in again every 3 s for 24 s, then left alone.
		d := newFakeDevice(t, 320, 240, func(elapsed time.Duration, _ int) mode {
			if elapsed < 24*time.Second && (elapsed/(3*time.Second))%2 == 1 {
				return modeGone
			}
			return modeGood
		})
		defer d.Close()
		c := MustStart(t, d, cfg)
		tl := MustTimeline(t, c, d, 32*time.Second)
		t.Logf("timeline: %v", tl)

		for gone := 3 * time.Second; gone < 24*time.Second; gone += 6 * time.Second {
			down, ok := firstAfter(tl, gone, kiosk.CameraDown)
			if !ok || down.at-gone > 2*time.Second || down.status.Reason != ReasonVanished {
				t.Errorf("unplugged at %v: first down %+v (found %v), want vanished within 2s", gone, down, ok)
			}
			back := gone + 3*time.Second
			up, ok := firstAfter(tl, back, kiosk.CameraOK)
			if !ok || up.at-back > 5*time.Second {
				t.Errorf("plugged in at %v: first ok %+v (found %v), want within 5s", back, up, ok)
			}
		}
		if last := tl[len(tl)-1].status; last.State != kiosk.CameraOK {
			t.Errorf("ends %v, want ok", last)
		}
	})
}

func TestStartsDownWithoutDevice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := DefaultConfig()
		d := newFakeDevice(t, 320, 240, schedule(4*time.Second, modeGone, modeGood))
		defer d.Close()
		c := MustStart(t, d, cfg)
		if st := c.Status(); st.State != kiosk.CameraDown || st.Reason != ReasonVanished {
			t.Fatalf("status %+v, want down/vanished while unplugged", st)
		}
		if _, err := c.Capture(t.Context(), nil); kiosk.ErrorCode(err) != kiosk.EUNAVAILABLE {
			t.Fatalf("Capture on a down camera: %v, want EUNAVAILABLE", err)
		}
		tl := MustTimeline(t, c, d, 10*time.Second)
		if up, ok := firstAfter(tl, 0, kiosk.CameraOK); !ok || up.at-4*time.Second > 5*time.Second {
			t.Errorf("plugged in at 4s: ok at %v (found %v), want within 5s; %v", up.at, ok, tl)
		}
	})
}

func TestSingleImageNeverFreezes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		pattern := MustWriteSequence(t, dir, []scene{baseScene(7)})
		c, err := Open(t.Context(), fmtFrame(pattern, 0), DefaultConfig(), testLogger(t))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		time.Sleep(10 * time.Second)
		if st := c.Status(); st.State != kiosk.CameraOK {
			t.Fatalf("a still image for 10s: %+v, want ok (its frames are identical by nature)", st)
		}
	})
}

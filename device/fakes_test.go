package device

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

// mode is what a fakeDevice does at a given moment.
type mode int

const (
	modeGood   mode = iota // a still card, with fresh sensor noise in every frame
	modeEmpty              // the empty base plate, with fresh noise in every frame
	modeBlack              // lens covered
	modeFrozen             // the same frame again and again
	modeFail               // reads fail, the device node is still there
	modeGone               // unplugged: reads and opens fail, the node is gone
	modeHang               // a read blocks until the mode changes
)

// fakeDevice is a camera that misbehaves on purpose. plan says what it does, given the
// time since the device was made and the number of frames it has delivered since it was
// last opened. It runs on whatever clock the test runs on; inside a synctest bubble that is
// virtual time, so a test of minutes takes milliseconds.
type fakeDevice struct {
	plan  func(elapsed time.Duration, frames int) mode
	t0    time.Time
	good  [2]gocv.Mat // two renders of one still card with different noise
	empty [2]gocv.Mat // two renders of the empty plate
	dark  gocv.Mat

	mu     sync.Mutex
	opens  []time.Duration // when each successful open happened
	frames int             // delivered in total
}

// newFakeDevice renders the fake's frames at w×h; the test must Close it.
func newFakeDevice(tb testing.TB, w, h int, plan func(time.Duration, int) mode) *fakeDevice {
	tb.Helper()
	s := baseScene(1)
	f := float64(w) / float64(s.w)
	s.w, s.h, s.cx, s.cy, s.long = w, h, s.cx*f, s.cy*f, s.long*f
	d := &fakeDevice{plan: plan, t0: time.Now()}
	d.good[0] = MustMat(tb, s)
	s.seed++
	d.good[1] = MustMat(tb, s)
	s.card = false
	d.empty[0] = MustMat(tb, s)
	s.seed++
	d.empty[1] = MustMat(tb, s)
	s.dark = true
	d.dark = MustMat(tb, s)
	return d
}

// Close releases the fake's Mats.
func (d *fakeDevice) Close() {
	for _, m := range []*gocv.Mat{&d.good[0], &d.good[1], &d.empty[0], &d.empty[1], &d.dark} {
		m.Close()
	}
}

func (d *fakeDevice) mode(frames int) mode { return d.plan(time.Since(d.t0), frames) }

// source returns a sourceSpec that opens this fake, paced at cfg's frame rate.
func (d *fakeDevice) source(cfg Config) sourceSpec {
	return sourceSpec{
		open: func() (source, sourceInfo, error) {
			if d.mode(0) == modeGone {
				return nil, sourceInfo{}, errReadFailed
			}
			d.mu.Lock()
			d.opens = append(d.opens, time.Since(d.t0))
			d.mu.Unlock()
			return &fakeSource{d: d}, sourceInfo{interval: cfg.frameInterval()}, nil
		},
		present: func() bool { return d.mode(0) != modeGone },
		cleanup: func() {},
	}
}

// Opens returns the times of the successful opens so far.
func (d *fakeDevice) Opens() []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]time.Duration(nil), d.opens...)
}

// Frames returns the number of frames delivered so far.
func (d *fakeDevice) Frames() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.frames
}

// fakeSource is one opening of a fakeDevice.
type fakeSource struct {
	d      *fakeDevice
	frames int
}

func (s *fakeSource) Read(dst *gocv.Mat) error {
	for s.d.mode(s.frames) == modeHang {
		time.Sleep(10 * time.Millisecond) // virtual inside a bubble
	}
	switch s.d.mode(s.frames) {
	case modeFail, modeGone:
		return errReadFailed
	case modeBlack:
		s.d.dark.CopyTo(dst)
	case modeFrozen:
		s.d.good[0].CopyTo(dst)
	case modeEmpty:
		s.d.empty[s.frames%2].CopyTo(dst)
	default:
		s.d.good[s.frames%2].CopyTo(dst)
	}
	s.frames++
	s.d.mu.Lock()
	s.d.frames++
	s.d.mu.Unlock()
	return nil
}

func (s *fakeSource) Close() {}

// MustStart starts a Camera on a fake device and closes it when the test ends.
func MustStart(tb testing.TB, d *fakeDevice, cfg Config) *Camera {
	tb.Helper()
	c, err := start(context.Background(), Spec{Kind: KindDeviceIndex}, d.source(cfg), cfg, testLogger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// testLogger sends the camera's log to the test's log, where a failing test shows it.
func testLogger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Log(string(p))
	return len(p), nil
}

// schedule builds a plan from (until, mode) steps: each mode lasts until its time since
// the start; the last one lasts for ever.
func schedule(steps ...any) func(time.Duration, int) mode {
	return func(elapsed time.Duration, _ int) mode {
		for i := 0; i+1 < len(steps); i += 2 {
			if elapsed < steps[i].(time.Duration) {
				return steps[i+1].(mode)
			}
		}
		return steps[len(steps)-1].(mode)
	}
}

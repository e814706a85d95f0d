package device

import (
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// Reasons a camera is down, as reported in kiosk.CameraStatus.Reason.
const (
	ReasonBlack      = "black"       // frames are (nearly) black: lens covered, light or sensor failed
	ReasonFrozen     = "frozen"      // frames are identical: the stream is stuck
	ReasonReadError  = "read_error"  // reads fail while the device is still there
	ReasonVanished   = "vanished"    // the device node or file is gone (unplugged)
	ReasonOpenFailed = "open_failed" // the device is there but cannot be opened
	ReasonStalled    = "stalled"     // no frame arrived for a while, e.g. a read hangs
	ReasonClosed     = "closed"      // the camera was closed
)

// watchdog judges a camera's health from what happens to it: frames with their
// measurements, failed reads, opens, and the passing of time. Like autoCapture it is plain
// Go, fed with times, so every rule can be tested as a table.
type watchdog struct {
	cfg    Config
	status kiosk.CameraStatus

	static      bool      // the source is one still image; identical frames are expected
	lastOpen    time.Time // last successful open
	lastFrame   time.Time // last frame, or the last open while waiting for the first frame
	blackSince  time.Time // first of the current run of black frames; zero when none
	frozenSince time.Time // first of the current run of identical frames; zero when none
	readErrors  int       // consecutive failed reads
	good        int       // consecutive good frames while down
}

// newWatchdog returns a watchdog that has seen nothing yet; its first open or failed open
// sets the state.
func newWatchdog(cfg Config) *watchdog { return &watchdog{cfg: cfg} }

// opened records a successful (re)open. A camera that was down stays down until it has
// delivered RecoverFrames good frames: opening proves little, frames prove it works.
func (w *watchdog) opened(now time.Time, static bool) {
	w.static, w.lastOpen, w.lastFrame = static, now, now
	w.blackSince, w.frozenSince = time.Time{}, time.Time{}
	w.readErrors, w.good = 0, 0
	if w.status.State == "" {
		w.status = kiosk.CameraStatus{State: kiosk.CameraOK, Since: now}
	}
}

// openFailed records a failed open; vanished says whether the device node is gone.
func (w *watchdog) openFailed(now time.Time, vanished bool) {
	reason := ReasonOpenFailed
	if vanished {
		reason = ReasonVanished
	}
	w.down(now, reason)
}

// readFailed records a failed read and reports whether the source should be reopened. A
// vanished device is down at once; otherwise MaxReadErrors in a row are, since a UVC
// camera may drop a single frame now and then.
func (w *watchdog) readFailed(now time.Time, vanished bool) (reconnect bool) {
	w.readErrors++
	w.good = 0
	switch {
	case vanished:
		w.down(now, ReasonVanished)
	case w.readErrors >= w.cfg.MaxReadErrors:
		w.down(now, ReasonReadError)
	default:
		return false
	}
	return true
}

// frame records a frame read at now and reports whether the source should be reopened,
// which is the cure for a camera that streams black or stuck frames for too long.
func (w *watchdog) frame(now time.Time, m measurement) (reconnect bool) {
	w.lastFrame, w.readErrors = now, 0
	black := m.luma <= w.cfg.BlackMaxLuma && m.lumaStdDev <= w.cfg.BlackMaxStdDev
	frozen := m.identical && !w.static
	w.blackSince = since(w.blackSince, black, now)
	w.frozenSince = since(w.frozenSince, frozen, now)

	switch {
	case black && now.Sub(w.blackSince) >= w.cfg.BlackAfter:
		w.down(now, ReasonBlack)
	case frozen && now.Sub(w.frozenSince) >= w.cfg.FrozenAfter:
		w.down(now, ReasonFrozen)
	}
	if w.status.State != kiosk.CameraDown {
		return false
	}
	if black || frozen {
		w.good = 0
		return now.Sub(w.status.Since) >= w.cfg.ReconnectAfter && now.Sub(w.lastOpen) >= w.cfg.ReconnectAfter
	}
	if w.good++; w.good >= w.cfg.RecoverFrames {
		w.status = kiosk.CameraStatus{State: kiosk.CameraOK, Since: now}
		w.good = 0
	}
	return false
}

// tick lets the watchdog notice a camera that delivers nothing at all: a read that hangs
// cannot report itself.
func (w *watchdog) tick(now time.Time) {
	if w.status.State == kiosk.CameraOK && now.Sub(w.lastFrame) >= w.cfg.StallAfter {
		w.down(now, ReasonStalled)
	}
}

// down puts the camera down for reason. Since keeps the moment it first went down, so
// that a camera failing for several reasons in turn shows how long it has been out.
func (w *watchdog) down(now time.Time, reason string) {
	w.good = 0
	if w.status.State == kiosk.CameraDown {
		w.status.Reason = reason
		return
	}
	w.status = kiosk.CameraStatus{State: kiosk.CameraDown, Reason: reason, Since: now}
}

// since keeps the start of a run of frames for which cond holds, or clears it.
func since(start time.Time, cond bool, now time.Time) time.Time {
	switch {
	case !cond:
		return time.Time{}
	case start.IsZero():
		return now
	}
	return start
}

// backoff is the wait before reopen attempt n (1, 2, …): BackoffMin doubling up to BackoffMax.
func backoff(cfg Config, n int) time.Duration {
	d := cfg.BackoffMin
	for i := 1; i < n && d < cfg.BackoffMax; i++ {
		d *= 2
	}
	return min(d, cfg.BackoffMax)
}

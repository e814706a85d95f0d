package device

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"gocv.io/x/gocv"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// Camera is a document camera driven through gocv. It reads frames all the time, so that
// the watchdog can tell within a second or two when the camera fails, and while a Capture
// waits it also looks for a card. It is safe for concurrent use.
type Camera struct {
	cfg    Config
	src    sourceSpec
	logger *slog.Logger

	mu     sync.Mutex
	wd     *watchdog
	reqs   []*request
	closed bool

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

var _ kiosk.Camera = (*Camera)(nil)

// sourceSpec is how the camera gets at its frames.
type sourceSpec struct {
	open     opener
	present  func() bool // whether the device node or file exists; nil when it cannot vanish
	cleanup  func()
	failFast bool // fail Open when the first open fails, rather than start down and retry
}

// request is one waiting Capture.
type request struct {
	ac      *autoCapture
	stage   kiosk.CaptureStage // latest stage; guarded by Camera.mu
	stageAt time.Time
	notify  chan struct{}   // signals a new stage; capacity 1, so the loop never blocks
	done    chan captureEnd // receives the outcome exactly once; capacity 1
}

type captureEnd struct {
	frame kiosk.Frame
	err   error
}

// Open opens the camera named by spec (see ParseSpec) and starts reading it. A file source
// that cannot be opened is an error. A device that cannot be opened is not: the camera
// starts down and keeps trying, so that a kiosk booted with its camera unplugged recovers
// when it is plugged in. ctx bounds opening only; the camera runs until Close.
func Open(ctx context.Context, spec string, cfg Config, logger *slog.Logger) (*Camera, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("camera config: %w", err)
	}
	s, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	op, cleanup, err := newCaptureOpener(s, cfg)
	if err != nil {
		return nil, err
	}
	node := s.node()
	return start(ctx, s, sourceSpec{
		open:     op,
		present:  func() bool { return exists(node) },
		cleanup:  cleanup,
		failFast: !s.isDevice(),
	}, cfg, logger)
}

// start opens the first source and starts the reading loop and the watchdog's ticker.
func start(ctx context.Context, spec Spec, src sourceSpec, cfg Config, logger *slog.Logger) (*Camera, error) {
	if err := ctx.Err(); err != nil {
		src.cleanup()
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Camera{cfg: cfg, src: src, wd: newWatchdog(cfg),
		logger: logger.With("component", "camera", "camera", spec.String())}
	first, info, err := src.open()
	now := time.Now()
	if err != nil {
		if src.failFast {
			src.cleanup()
			return nil, err
		}
		c.wd.openFailed(now, c.vanished())
		c.logger.Warn("camera down", "reason", c.wd.status.Reason, "err", err)
	} else {
		c.wd.opened(now, info.static)
	}
	loopCtx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.wg.Add(2)
	go c.run(loopCtx, first, info)
	go c.watch(loopCtx)
	return c, nil
}

// Close stops reading, fails any waiting Capture with EUNAVAILABLE and releases the
// device. It waits for a read in progress to return.
func (c *Camera) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.failAllLocked(unavailable(ReasonClosed))
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	c.src.cleanup()
	return nil
}

// Status returns the camera's health as the watchdog sees it.
func (c *Camera) Status() kiosk.CameraStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return kiosk.CameraStatus{State: kiosk.CameraDown, Reason: ReasonClosed, Since: c.wd.status.Since}
	}
	return c.wd.status
}

// Capture waits until a card lies inside the frame, sharp and still, and returns that frame
// as JPEG. It returns EUNAVAILABLE when the camera is down or goes down while waiting,
// EINVALID with the reason for the citizen when the capture deadline passes, and ctx.Err()
// when ctx ends. progress is called from Capture's goroutine on each change of stage.
func (c *Camera) Capture(ctx context.Context, progress func(kiosk.CaptureProgress)) (kiosk.Frame, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return kiosk.Frame{}, unavailable(ReasonClosed)
	}
	if st := c.wd.status; st.State == kiosk.CameraDown {
		c.mu.Unlock()
		return kiosk.Frame{}, unavailable(st.Reason)
	}
	r := &request{ac: newAutoCapture(c.cfg, time.Now()),
		notify: make(chan struct{}, 1), done: make(chan captureEnd, 1)}
	c.reqs = append(c.reqs, r)
	c.mu.Unlock()
	defer c.removeRequest(r)

	var reported kiosk.CaptureStage
	report := func() {
		c.mu.Lock()
		stage, at := r.stage, r.stageAt
		c.mu.Unlock()
		if progress != nil && stage != reported {
			progress(kiosk.CaptureProgress{Stage: stage, At: at})
		}
		reported = stage
	}
	for {
		select {
		case <-ctx.Done():
			return kiosk.Frame{}, ctx.Err()
		case <-r.notify:
			report()
		case end := <-r.done:
			report()
			return end.frame, end.err
		}
	}
}

// run is the reading loop. It owns the source, the frame Mat and the measurer; nothing else
// touches them, so no Mat is ever shared between goroutines.
func (c *Camera) run(ctx context.Context, src source, info sourceInfo) {
	defer c.wg.Done()
	m := newMeasurer(c.cfg)
	defer m.close()
	frame := gocv.NewMat()
	defer frame.Close()
	defer func() {
		if src != nil {
			src.Close()
		}
	}()

	attempt := 0 // failed opens since the camera was last ok
	if src == nil {
		attempt = 1 // the first open, in start, failed
	}
	reopenIn := backoff(c.cfg, 1)
	var lastRead time.Time
	rewound := false
	drop := func() { // close the source and schedule the next open with backoff
		src.Close()
		src = nil
		attempt++
		reopenIn = backoff(c.cfg, attempt)
	}
	for ctx.Err() == nil {
		if src == nil {
			if !sleep(ctx, reopenIn) {
				return
			}
			var err error
			src, info, err = c.src.open()
			now := time.Now()
			if err != nil {
				c.update(func() { c.wd.openFailed(now, c.vanished()) })
				attempt++
				reopenIn, rewound = backoff(c.cfg, attempt), false
				continue
			}
			// A rewound recording goes on where it ended, for the watchdog as for the
			// measurer; only a real reopen starts afresh.
			if !rewound {
				c.update(func() { c.wd.opened(now, info.static) })
				m.reset()
			}
			rewound = false
		}
		// Pace from the start of the previous read, so that decoding time does not slow a
		// recording below its frame rate.
		if info.interval > 0 && !lastRead.IsZero() && !sleep(ctx, info.interval-time.Since(lastRead)) {
			return
		}
		lastRead = time.Now()
		err := src.Read(&frame)
		now := time.Now()
		switch {
		case errors.Is(err, errEndOfStream):
			// Rewind a recording at once; it is not a failure, and the picture goes on, so
			// the measurer keeps its previous frame.
			src.Close()
			src, reopenIn, rewound = nil, 0, true
		case err != nil:
			var reconnect bool
			c.update(func() { reconnect = c.wd.readFailed(now, c.vanished()) })
			if reconnect {
				drop()
			}
		case c.handleFrame(now, frame, m):
			drop()
		default:
			if c.Status().State == kiosk.CameraOK {
				attempt = 0
			}
		}
	}
}

// handleFrame measures a frame, feeds the watchdog and the waiting captures, and hands the
// frame to those that are done. It reports whether the source should be reopened.
func (c *Camera) handleFrame(now time.Time, frame gocv.Mat, m *measurer) (reconnect bool) {
	c.mu.Lock()
	detect := len(c.reqs) > 0
	c.mu.Unlock()
	meas := m.measure(frame, detect) // outside the lock: this is the slow part

	var captured []*request
	c.mu.Lock()
	prev := c.wd.status
	reconnect = c.wd.frame(now, meas)
	c.changedLocked(prev)
	if detect && c.wd.status.State == kiosk.CameraOK {
		for _, r := range slices.Clone(c.reqs) {
			v := r.ac.step(now, meas)
			c.setStageLocked(r, r.ac.stage, now)
			switch v {
			case verdictCapture:
				captured = append(captured, r)
			case verdictGiveUp:
				c.finishLocked(r, captureEnd{err: r.ac.giveUpError()})
			}
		}
	}
	c.mu.Unlock()

	if len(captured) > 0 {
		jpeg, err := encodeJPEG(frame, c.cfg.JPEGQuality)
		c.mu.Lock()
		for _, r := range captured {
			c.finishLocked(r, captureEnd{frame: kiosk.Frame{JPEG: jpeg, At: now}, err: err})
		}
		c.mu.Unlock()
	}
	return reconnect
}

// watch ticks the watchdog and the capture deadlines, which must advance even while the
// reading loop is stuck in a read.
func (c *Camera) watch(ctx context.Context) {
	defer c.wg.Done()
	t := time.NewTicker(c.cfg.CheckInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		c.update(func() {
			c.wd.tick(now)
			for _, r := range slices.Clone(c.reqs) {
				if r.ac.expired(now) {
					c.finishLocked(r, captureEnd{err: r.ac.giveUpError()})
				}
			}
		})
	}
}

// update runs f under the lock and acts on any change of status it caused.
func (c *Camera) update(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prev := c.wd.status
	f()
	c.changedLocked(prev)
}

// changedLocked logs a change of status and, when the camera went down, fails the waiting
// captures: a citizen should hear at once that the camera is out, not after the deadline.
func (c *Camera) changedLocked(prev kiosk.CameraStatus) {
	st := c.wd.status
	if st.State == prev.State && st.Reason == prev.Reason {
		return
	}
	if st.State == kiosk.CameraDown {
		c.logger.Warn("camera down", "reason", st.Reason, "was", prev.Reason)
		c.failAllLocked(unavailable(st.Reason))
	} else {
		c.logger.Info("camera ok", "down_for", st.Since.Sub(prev.Since).Round(time.Millisecond))
	}
}

func (c *Camera) setStageLocked(r *request, stage kiosk.CaptureStage, at time.Time) {
	if r.stage == stage {
		return
	}
	r.stage, r.stageAt = stage, at
	select {
	case r.notify <- struct{}{}:
	default: // a signal is already pending; Capture reads the latest stage anyway
	}
}

// finishLocked ends a request with its outcome and forgets it.
func (c *Camera) finishLocked(r *request, end captureEnd) {
	i := slices.Index(c.reqs, r)
	if i < 0 {
		return // already finished
	}
	c.reqs = slices.Delete(c.reqs, i, i+1)
	r.done <- end
}

func (c *Camera) failAllLocked(err error) {
	for _, r := range slices.Clone(c.reqs) {
		c.finishLocked(r, captureEnd{err: err})
	}
}

func (c *Camera) removeRequest(r *request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := slices.Index(c.reqs, r); i >= 0 {
		c.reqs = slices.Delete(c.reqs, i, i+1)
	}
}

// vanished reports whether the source's device node or file is gone.
func (c *Camera) vanished() bool { return c.src.present != nil && !c.src.present() }

// unavailable is the error of a Capture on a down camera. The reason goes into the wrapping
// text for logs; the screen shows only the message.
func unavailable(reason string) error {
	return fmt.Errorf("camera %s: %w", reason,
		kiosk.Errorf(kiosk.EUNAVAILABLE, "高拍仪暂时无法使用，请联系工作人员。"))
}

// encodeJPEG encodes frame; the bytes are copied out of OpenCV's buffer, which is freed here.
func encodeJPEG(frame gocv.Mat, quality int) ([]byte, error) {
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, frame, []int{gocv.IMWriteJpegQuality, quality})
	if err != nil {
		return nil, fmt.Errorf("camera: encode: %w", err)
	}
	defer buf.Close()
	if buf.Len() == 0 {
		return nil, errors.New("camera: encode: empty JPEG")
	}
	return bytes.Clone(buf.GetBytes()), nil
}

// sleep waits for d or until ctx ends; it reports whether the wait ran its course.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

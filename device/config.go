package device

import (
	"errors"
	"fmt"
	"time"
)

// Config holds the camera's tunables. cmd/xiaozhi fills it from flags and environment; the
// package itself never reads either. Start from DefaultConfig and change what you need.
type Config struct {
	// Width and Height request a device resolution; 0 keeps the driver's choice.
	Width, Height int
	// FPS is the frame rate requested from a device and the playback rate of file sources.
	FPS float64
	// FourCC is the pixel format requested from a device, e.g. "MJPG" (UVC cameras deliver
	// high resolutions at 15 fps only compressed); "" keeps the driver's choice.
	FourCC string
	// DeviceBuffers is the number of V4L2 buffers to request; few buffers keep frames fresh,
	// because a queued frame is an old frame. 0 keeps the driver's choice.
	DeviceBuffers int

	// CaptureTimeout is how long Capture waits for a usable card before giving up.
	CaptureTimeout time.Duration
	// StillFrames is how many consecutive still and sharp frames a card needs to be captured.
	StillFrames int
	// MaxMotion is the largest share of pixels (0–1) that may change between two frames for
	// the picture to count as still.
	MaxMotion float64
	// MotionDelta is the grey-level change (0–255) above which a pixel counts as changed; it
	// sits well above sensor noise so that only movement counts.
	MotionDelta float64
	// MinSharpness is the smallest variance of the Laplacian over the card for it to count as
	// sharp (CARDS.md §5 uses ~100 for "blurred").
	MinSharpness float64
	// SharpnessWidth caps the long side of the card region on which sharpness is measured,
	// so that the threshold means the same for any camera resolution.
	SharpnessWidth int
	// MinCardArea is the smallest share of the frame (0–1) a card must cover.
	MinCardArea float64
	// AspectTolerance is the relative deviation allowed from the ID-card (1.585) and licence
	// (1.467) aspect ratios.
	AspectTolerance float64
	// DetectWidth is the width frames are scaled down to for detection and the watchdog.
	DetectWidth int
	// JPEGQuality is the quality (1–100) of captured frames.
	JPEGQuality int

	// BlackMaxLuma and BlackMaxStdDev define a black frame: mean grey level and its standard
	// deviation both below these.
	BlackMaxLuma, BlackMaxStdDev float64
	// BlackAfter is how long frames must stay black before the camera is down.
	BlackAfter time.Duration
	// FrozenAfter is how long frames must stay identical before the camera is down.
	FrozenAfter time.Duration
	// StallAfter is how long the camera may deliver no frame at all before it is down.
	StallAfter time.Duration
	// MaxReadErrors is the number of consecutive failed reads that puts the camera down.
	MaxReadErrors int
	// RecoverFrames is the number of consecutive good frames that bring a down camera back.
	RecoverFrames int
	// ReconnectAfter is how long a camera that is down but still delivers (black or frozen)
	// frames is given before it is closed and opened again.
	ReconnectAfter time.Duration
	// BackoffMin and BackoffMax bound the wait before reopening; it doubles per failed try.
	// BackoffMax also bounds how late a camera that came back is noticed.
	BackoffMin, BackoffMax time.Duration
	// CheckInterval is how often the watchdog looks for a camera that stopped delivering.
	CheckInterval time.Duration
}

// DefaultConfig returns settings that meet the kiosk's targets with a UVC document camera at
// 15 fps: capture about 270 ms after the card is still, down within 2 s, back within 5 s.
func DefaultConfig() Config {
	return Config{
		FPS:             15,
		FourCC:          "MJPG",
		DeviceBuffers:   2,
		CaptureTimeout:  30 * time.Second,
		StillFrames:     4,
		MaxMotion:       0.004,
		MotionDelta:     24,
		MinSharpness:    100,
		SharpnessWidth:  1200,
		MinCardArea:     0.10,
		AspectTolerance: 0.10,
		DetectWidth:     320,
		JPEGQuality:     92,
		BlackMaxLuma:    16,
		BlackMaxStdDev:  6,
		BlackAfter:      time.Second,
		FrozenAfter:     1500 * time.Millisecond,
		StallAfter:      1500 * time.Millisecond,
		MaxReadErrors:   3,
		RecoverFrames:   3,
		ReconnectAfter:  time.Second,
		BackoffMin:      250 * time.Millisecond,
		BackoffMax:      2 * time.Second,
		CheckInterval:   250 * time.Millisecond,
	}
}

// Validate reports every setting that is out of range, so that a misconfigured kiosk fails
// at start rather than never capturing.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.Width >= 0 && c.Height >= 0, "camera width and height must not be negative")
	check(c.FPS > 0, "camera fps must be positive, got %g", c.FPS)
	check(c.FourCC == "" || len(c.FourCC) == 4, "camera fourcc must have 4 characters, got %q", c.FourCC)
	check(c.DeviceBuffers >= 0, "camera buffers must not be negative")
	check(c.CaptureTimeout > 0, "capture timeout must be positive")
	check(c.StillFrames >= 1, "still frames must be at least 1")
	check(c.MaxMotion >= 0 && c.MaxMotion < 1, "max motion must be in [0,1), got %g", c.MaxMotion)
	check(c.MotionDelta > 0 && c.MotionDelta < 255, "motion delta must be in (0,255), got %g", c.MotionDelta)
	check(c.MinSharpness >= 0, "min sharpness must not be negative")
	check(c.SharpnessWidth >= 64, "sharpness width must be at least 64")
	check(c.MinCardArea > 0 && c.MinCardArea < 1, "min card area must be in (0,1), got %g", c.MinCardArea)
	check(c.AspectTolerance > 0 && c.AspectTolerance < 0.5, "aspect tolerance must be in (0,0.5)")
	check(c.DetectWidth >= 80, "detect width must be at least 80")
	check(c.JPEGQuality >= 1 && c.JPEGQuality <= 100, "jpeg quality must be in [1,100]")
	check(c.BlackMaxLuma >= 0 && c.BlackMaxStdDev >= 0, "black thresholds must not be negative")
	check(c.BlackAfter > 0 && c.FrozenAfter > 0 && c.StallAfter > 0, "watchdog durations must be positive")
	check(c.MaxReadErrors >= 1 && c.RecoverFrames >= 1, "read errors and recover frames must be at least 1")
	check(c.ReconnectAfter > 0, "reconnect-after must be positive")
	check(c.BackoffMin > 0 && c.BackoffMax >= c.BackoffMin, "backoff must satisfy 0 < min <= max")
	check(c.CheckInterval > 0, "check interval must be positive")
	return errors.Join(errs...)
}

// frameInterval is the time between frames of a paced (file) source.
func (c Config) frameInterval() time.Duration {
	return time.Duration(float64(time.Second) / c.FPS)
}

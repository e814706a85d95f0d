package device

import (
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// verdict is what auto-capture decides after a frame.
type verdict int

const (
	verdictWait    verdict = iota // keep looking
	verdictCapture                // this frame is the one
	verdictGiveUp                 // the deadline passed without a usable card
)

// autoCapture decides, frame by frame, when a card may be captured: present, fully inside
// the frame, sharp, and still for StillFrames consecutive frames. It is fed measurements
// and their times and knows nothing of gocv or clocks.
type autoCapture struct {
	stillFrames  int
	maxMotion    float64
	minSharpness float64
	deadline     time.Time

	stage   kiosk.CaptureStage // "" until the first frame
	still   int                // consecutive still and sharp frames
	blurred bool               // the last frame with a card inside was still but not sharp
}

// newAutoCapture starts an auto-capture at start; it gives up at start + CaptureTimeout.
func newAutoCapture(cfg Config, start time.Time) *autoCapture {
	return &autoCapture{
		stillFrames:  cfg.StillFrames,
		maxMotion:    cfg.MaxMotion,
		minSharpness: cfg.MinSharpness,
		deadline:     start.Add(cfg.CaptureTimeout),
	}
}

// step feeds the measurement of the frame read at now. The measurement must include card
// detection.
func (a *autoCapture) step(now time.Time, m measurement) verdict {
	switch m.card {
	case cardNone:
		a.stage, a.still = kiosk.StageNoCard, 0
	case cardPartial:
		a.stage, a.still = kiosk.StagePartial, 0
	case cardInside:
		a.stage = kiosk.StageHoldStill
		// The first frame after (re)opening has nothing to compare with: its stillness is
		// unknown, so it does not count.
		still := !m.first && m.motion <= a.maxMotion
		sharp := m.sharpness >= a.minSharpness
		if still && sharp {
			a.still++
		} else {
			a.still = 0
		}
		a.blurred = still && !sharp
		if a.still >= a.stillFrames {
			a.stage = kiosk.StageCaptured
			return verdictCapture
		}
	}
	if a.expired(now) {
		return verdictGiveUp
	}
	return verdictWait
}

// expired reports whether the deadline has passed; the watchdog's ticker asks too, so that a
// capture ends on time even when frames stop coming.
func (a *autoCapture) expired(now time.Time) bool { return !now.Before(a.deadline) }

// giveUpError explains, in words for the kiosk screen, why no card was captured.
func (a *autoCapture) giveUpError() *kiosk.Error {
	switch {
	case a.stage == kiosk.StagePartial:
		return kiosk.Errorf(kiosk.EINVALID, "证件没有完全进入拍摄区域，请将证件放在拍摄区域中央后重试。")
	case a.stage == kiosk.StageHoldStill && a.blurred:
		return kiosk.Errorf(kiosk.EINVALID, "拍摄的图像不够清晰，请将证件平放在高拍仪下后重试。")
	case a.stage == kiosk.StageHoldStill:
		return kiosk.Errorf(kiosk.EINVALID, "证件一直在移动，请将证件放稳、不要移动后重试。")
	}
	return kiosk.Errorf(kiosk.EINVALID, "未检测到证件，请将证件平放在高拍仪下后重试。")
}

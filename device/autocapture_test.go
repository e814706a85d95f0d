package device

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// Frame shorthands for auto-capture tables.
var (
	fNone    = measurement{card: cardNone, motion: 0.2}
	fPartial = measurement{card: cardPartial, motion: 0.1}
	fMoving  = measurement{card: cardInside, motion: 0.05, sharpness: 900}
	fStill   = measurement{card: cardInside, motion: 0.001, sharpness: 900}
	fBlurred = measurement{card: cardInside, motion: 0.001, sharpness: 40}
	fFirst   = measurement{card: cardInside, first: true, motion: 1, sharpness: 900}
)

func repeat(m measurement, n int) []measurement {
	out := make([]measurement, n)
	for i := range out {
		out[i] = m
	}
	return out
}

func concat(parts ...[]measurement) []measurement {
	var out []measurement
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestAutoCapture(t *testing.T) {
	cfg := DefaultConfig() // StillFrames 4, CaptureTimeout 30s
	const fps = 15
	tests := []struct {
		name    string
		frames  []measurement
		stages  []kiosk.CaptureStage // after each frame, deduplicated
		verdict verdict              // after the last frame
		at      int                  // index of the frame that ends it; -1: none
		message string               // in the give-up message
	}{
		{
			name:    "card laid down and held still",
			frames:  concat(repeat(fNone, 3), repeat(fPartial, 3), repeat(fMoving, 2), repeat(fStill, 4)),
			stages:  []kiosk.CaptureStage{kiosk.StageNoCard, kiosk.StagePartial, kiosk.StageHoldStill, kiosk.StageCaptured},
			verdict: verdictCapture, at: 11,
		},
		{
			name:    "a jolt restarts the count",
			frames:  concat(repeat(fStill, 3), []measurement{fMoving}, repeat(fStill, 4)),
			stages:  []kiosk.CaptureStage{kiosk.StageHoldStill, kiosk.StageCaptured},
			verdict: verdictCapture, at: 7,
		},
		{
			name:    "blurred frames do not count",
			frames:  concat(repeat(fStill, 3), []measurement{fBlurred}, repeat(fStill, 3)),
			stages:  []kiosk.CaptureStage{kiosk.StageHoldStill},
			verdict: verdictWait, at: -1,
		},
		{
			name:    "card slipping off the edge restarts the count",
			frames:  concat(repeat(fStill, 3), []measurement{fPartial}, repeat(fStill, 4)),
			stages:  []kiosk.CaptureStage{kiosk.StageHoldStill, kiosk.StagePartial, kiosk.StageHoldStill, kiosk.StageCaptured},
			verdict: verdictCapture, at: 7,
		},
		{
			name:    "the first frame after a reconnect has unknown motion",
			frames:  concat([]measurement{fFirst}, repeat(fStill, 3)),
			stages:  []kiosk.CaptureStage{kiosk.StageHoldStill},
			verdict: verdictWait, at: -1,
		},
		{
			name:    "no card until the deadline",
			frames:  repeat(fNone, 30*fps+1),
			stages:  []kiosk.CaptureStage{kiosk.StageNoCard},
			verdict: verdictGiveUp, at: 30 * fps, message: "未检测到证件",
		},
		{
			name:    "card half outside until the deadline",
			frames:  concat(repeat(fNone, 10), repeat(fPartial, 30*fps)),
			stages:  []kiosk.CaptureStage{kiosk.StageNoCard, kiosk.StagePartial},
			verdict: verdictGiveUp, at: 30 * fps, message: "没有完全进入",
		},
		{
			name:    "card kept moving until the deadline",
			frames:  repeat(fMoving, 30*fps+1),
			stages:  []kiosk.CaptureStage{kiosk.StageHoldStill},
			verdict: verdictGiveUp, at: 30 * fps, message: "一直在移动",
		},
		{
			name:    "card still but blurred until the deadline",
			frames:  repeat(fBlurred, 30*fps+1),
			stages:  []kiosk.CaptureStage{kiosk.StageHoldStill},
			verdict: verdictGiveUp, at: 30 * fps, message: "不够清晰",
		},
	}
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAutoCapture(cfg, t0)
			var stages []kiosk.CaptureStage
			v, at := verdictWait, -1
			for i, m := range tt.frames {
				v = a.step(t0.Add(time.Duration(i)*time.Second/fps), m)
				if len(stages) == 0 || stages[len(stages)-1] != a.stage {
					stages = append(stages, a.stage)
				}
				if v != verdictWait {
					at = i
					break
				}
			}
			if diff := cmp.Diff(tt.stages, stages); diff != "" {
				t.Errorf("stages (-want +got):\n%s", diff)
			}
			if v != tt.verdict || at != tt.at {
				t.Errorf("verdict %d at frame %d, want %d at %d", v, at, tt.verdict, tt.at)
			}
			if tt.message != "" {
				err := a.giveUpError()
				if err.Code != kiosk.EINVALID || !strings.Contains(err.Message, tt.message) {
					t.Errorf("give-up error %v, want EINVALID with %q", err, tt.message)
				}
			}
		})
	}
}

func TestAutoCaptureDeadlineWithoutFrames(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	a := newAutoCapture(DefaultConfig(), t0)
	if a.expired(t0.Add(29 * time.Second)) {
		t.Error("expired before the deadline")
	}
	if !a.expired(t0.Add(30 * time.Second)) {
		t.Error("not expired at the deadline")
	}
}

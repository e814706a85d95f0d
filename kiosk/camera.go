package kiosk

import (
	"context"
	"time"
)

// Frame is one captured image, encoded, so that it can cross package and process
// boundaries without owning native memory.
type Frame struct {
	JPEG []byte
	At   time.Time
}

// CaptureStage says where an auto-capture stands; the kiosk screen turns each into a prompt.
type CaptureStage string

// Auto-capture stages, in the order a citizen usually goes through them.
const (
	StageNoCard    CaptureStage = "no_card"
	StagePartial   CaptureStage = "partial"    // a card is seen but not fully inside the frame
	StageHoldStill CaptureStage = "hold_still" // a card is inside but moving or not yet sharp
	StageCaptured  CaptureStage = "captured"
)

// CaptureProgress is reported while a capture waits for a card.
type CaptureProgress struct {
	Stage CaptureStage
	At    time.Time
}

// CameraState is the health of a camera as the watchdog sees it.
type CameraState string

// Camera states.
const (
	CameraOK   CameraState = "ok"
	CameraDown CameraState = "down"
)

// CameraStatus is a camera's state and, when down, why.
type CameraStatus struct {
	State  CameraState
	Reason string // e.g. "black", "frozen", "read_error", "vanished"; empty when ok
	Since  time.Time
}

// Camera is a document camera that captures a card on its own once it lies still and sharp.
//
// Capture blocks until a frame is captured or ctx ends (returning ctx.Err()). It returns an
// *Error with code EUNAVAILABLE when the camera is down, and EINVALID with a user-facing reason
// when no usable card appeared before the camera's capture deadline. progress, if not nil, is
// called from the capturing goroutine and must not block.
type Camera interface {
	Capture(ctx context.Context, progress func(CaptureProgress)) (Frame, error)
	Status() CameraStatus
}

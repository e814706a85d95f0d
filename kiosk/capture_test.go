package kiosk_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// scriptCamera is a document camera that hands out frames from a script, one per Capture,
// repeating the last; the frames' bytes are what cardReader recognises. When hold is set, each
// Capture first says so on entered and then waits for hold to close.
type scriptCamera struct {
	mu      sync.Mutex
	frames  []string
	calls   int
	entered chan struct{}
	hold    chan struct{}
}

func (c *scriptCamera) Capture(ctx context.Context, progress func(kiosk.CaptureProgress)) (kiosk.Frame, error) {
	if c.hold != nil {
		c.entered <- struct{}{}
		select {
		case <-c.hold:
		case <-ctx.Done():
			return kiosk.Frame{}, ctx.Err()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.frames[min(c.calls, len(c.frames)-1)]
	c.calls++
	if progress != nil {
		progress(kiosk.CaptureProgress{Stage: kiosk.StageHoldStill})
		progress(kiosk.CaptureProgress{Stage: kiosk.StageCaptured})
	}
	return kiosk.Frame{JPEG: []byte(f)}, nil
}

func (c *scriptCamera) Status() kiosk.CameraStatus { return kiosk.CameraStatus{State: kiosk.CameraOK} }

func withFlags(d kiosk.Document, flags ...string) kiosk.Document {
	d.Flags = flags
	return d
}

func captureFixture(t *testing.T, cam *scriptCamera) (fixture, string) {
	t.Helper()
	front := idFront("张伟民", "330212198503121234", 0.97)
	f := newFixture(t, cardReader{"front": front, "blurry": withFlags(front, kiosk.FlagBlurred), "back": idBack})
	f.svc.Camera = cam
	c, err := f.svc.StartCase(context.Background(), "DL_DAMAGED_REPLACE", kiosk.ChannelKiosk, "kiosk:k1")
	if err != nil {
		t.Fatal(err)
	}
	return f, c.ID
}

func promptCodes(ps []kiosk.Prompt) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Code
	}
	return out
}

func TestCaptureRetakesFlaggedAndWrongSide(t *testing.T) {
	cam := &scriptCamera{frames: []string{"blurry", "back", "front"}}
	f, id := captureFixture(t, cam)
	var prompts []kiosk.Prompt
	c, doc, err := f.svc.Capture(context.Background(), id, kiosk.KindIDCardFront, "kiosk:k1", func(p kiosk.Prompt) { prompts = append(prompts, p) })
	if err != nil {
		t.Fatal(err)
	}
	if doc.Kind != kiosk.KindIDCardFront || len(doc.Flags) != 0 || cam.calls != 3 {
		t.Fatalf("doc %+v after %d captures", doc, cam.calls)
	}
	if _, ok := c.Documents[kiosk.KindIDCardFront]; !ok {
		t.Fatal("front not kept in the case")
	}
	var retakes []string
	for _, p := range prompts {
		if p.Code == kiosk.PromptRetake {
			retakes = append(retakes, p.Text)
		}
	}
	want := []string{kiosk.RetakePrompt(kiosk.KindIDCardFront, kiosk.FlagBlurred).Text,
		kiosk.RetakePrompt(kiosk.KindIDCardFront, kiosk.FlagWrongSide).Text}
	if !slices.Equal(retakes, want) {
		t.Fatalf("retake prompts %q, want %q", retakes, want)
	}
	codes := promptCodes(prompts)
	if codes[0] != kiosk.PromptPlace || codes[len(codes)-1] != kiosk.PromptRead {
		t.Fatalf("prompts %v", codes)
	}
}

func TestCaptureGivesUpAfterMaxAttempts(t *testing.T) {
	cam := &scriptCamera{frames: []string{"blurry"}}
	f, id := captureFixture(t, cam)
	var prompts []kiosk.Prompt
	_, doc, err := f.svc.Capture(context.Background(), id, kiosk.KindIDCardFront, "kiosk:k1", func(p kiosk.Prompt) { prompts = append(prompts, p) })
	if err != nil {
		t.Fatal(err)
	}
	// The last flagged read is returned for the screen to decide; no endless loop.
	if kiosk.NeedsRetake(doc) != kiosk.FlagBlurred || cam.calls != 6 {
		t.Fatalf("gave up with %+v after %d captures, want blurred after 6", doc, cam.calls)
	}
	if slices.Contains(promptCodes(prompts), kiosk.PromptRead) {
		t.Fatal("a flagged capture was announced as read")
	}
}

func TestCaptureOneAtATime(t *testing.T) {
	cam := &scriptCamera{frames: []string{"front"}, entered: make(chan struct{}), hold: make(chan struct{})}
	f, id := captureFixture(t, cam)
	ctx := context.Background()
	done := make(chan error, 1)
	go func() {
		_, _, err := f.svc.Capture(ctx, id, kiosk.KindIDCardFront, "kiosk:k1", nil)
		done <- err
	}()
	<-cam.entered // the first capture holds the camera
	if _, _, err := f.svc.Capture(ctx, id, kiosk.KindIDCardBack, "kiosk:k1", nil); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		t.Fatalf("second capture while the first runs: %v", err)
	}
	close(cam.hold)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The camera is free again.
	cam.frames, cam.calls = []string{"back"}, 0
	go func() { <-cam.entered }()
	if _, doc, err := f.svc.Capture(ctx, id, kiosk.KindIDCardBack, "kiosk:k1", nil); err != nil || doc.Kind != kiosk.KindIDCardBack {
		t.Fatalf("capture after the first ended: %+v %v", doc, err)
	}
}

func TestCaptureWithoutCameraOrBadKind(t *testing.T) {
	f, id := captureFixture(t, &scriptCamera{frames: []string{"front"}})
	if _, _, err := f.svc.Capture(context.Background(), id, "passport", "kiosk:k1", nil); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Fatalf("bad kind: %v", err)
	}
	f.svc.Camera = nil
	if _, _, err := f.svc.Capture(context.Background(), id, kiosk.KindIDCardFront, "kiosk:k1", nil); err != kiosk.ErrNoCamera {
		t.Fatalf("no camera: %v", err)
	}
}

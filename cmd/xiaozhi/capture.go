package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/jpeg"
	"log/slog"
	"os"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/device"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// captureStages are the kiosk screen's prompts for each stage, printed while waiting so that
// whoever installs a kiosk sees what the camera sees.
var captureStages = map[kiosk.CaptureStage]string{
	kiosk.StageNoCard:    "no card: lay a card under the camera",
	kiosk.StagePartial:   "card partly outside the frame: move it to the middle",
	kiosk.StageHoldStill: "card seen: hold still",
	kiosk.StageCaptured:  "captured",
}

// runCapture grabs one auto-captured frame and writes it as JPEG: the way to check a kiosk's
// camera after installing it, or to record a sample.
func runCapture(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("capture", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	spec := fs.String("camera", or(e.Getenv("XIAOZHI_CAMERA"), "0"),
		"device index, /dev/videoN, image, directory, printf pattern (dir/frame_%03d.jpg) or video file (env XIAOZHI_CAMERA)")
	out := fs.String("out", "", "file to write the captured JPEG to")
	timeout := fs.Duration("timeout", 30*time.Second, "give up when no usable card appears within this time")
	fs.Usage = func() {
		fmt.Fprintln(e.Stderr, "Usage: xiaozhi capture --out FILE [--camera SPEC] [--timeout 30s]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *out == "" || fs.NArg() > 0 || *timeout <= 0 {
		fs.Usage()
		return errUsage
	}

	cfg := device.DefaultConfig()
	cfg.CaptureTimeout = *timeout
	// The camera's own log (down, back ok) goes to stderr; the progress lines say the rest.
	logger := slog.New(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cam, err := device.Open(ctx, *spec, cfg, logger)
	if err != nil {
		return err
	}
	defer cam.Close()

	start := time.Now()
	frame, err := cam.Capture(ctx, func(p kiosk.CaptureProgress) {
		fmt.Fprintf(e.Stderr, "%6.2fs  %s\n", p.At.Sub(start).Seconds(), captureStages[p.Stage])
	})
	if err != nil {
		return captureError(err, cam.Status())
	}
	if err := os.WriteFile(*out, frame.JPEG, 0o644); err != nil {
		return err
	}
	img, err := jpeg.DecodeConfig(bytes.NewReader(frame.JPEG))
	if err != nil {
		return fmt.Errorf("captured frame is not a JPEG: %w", err)
	}
	fmt.Fprintf(e.Stdout, "%s: %dx%d JPEG, %d bytes\n", *out, img.Width, img.Height, len(frame.JPEG))
	return nil
}

// captureError turns a failed capture into one line for an operator: the camera's state
// when it is down, the prompt the citizen would have seen when no card came.
func captureError(err error, st kiosk.CameraStatus) error {
	switch {
	case errors.Is(err, context.Canceled):
		return errors.New("interrupted")
	case kiosk.ErrorCode(err) == kiosk.EUNAVAILABLE:
		return fmt.Errorf("camera %s (%s): %s", st.State, st.Reason, kiosk.ErrorMessage(err))
	case kiosk.ErrorCode(err) == kiosk.EINVALID:
		return fmt.Errorf("no card captured: %s", kiosk.ErrorMessage(err))
	}
	return err
}

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

//go:build matprofile

package device

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"testing/synctest"
	"time"

	"gocv.io/x/gocv"
)

// Run with: go test -tags matprofile -run 'TestNoMatLeak' ./device/
// or the whole package with -tags matprofile, which TestMain then checks as a whole.

// TestMain fails the run if any test of the package left a Mat open.
func TestMain(m *testing.M) {
	code := m.Run()
	if n := gocv.MatProfile.Count(); n != 0 {
		var b bytes.Buffer
		gocv.MatProfile.WriteTo(&b, 1)
		fmt.Fprintf(os.Stderr, "FAIL: %d Mats left open after the tests:\n%s", n, b.String())
		code = 1
	}
	os.Exit(code)
}

// TestNoMatLeak runs 10 000 frames through a camera — captures, black and frozen spells,
// read errors, unplugging, reconnects — and the recorded sequence through the file source,
// and checks that every Mat created on the way was closed.
func TestNoMatLeak(t *testing.T) {
	before := gocv.MatProfile.Count()
	const frames = 10000
	synctest.Test(t, func(t *testing.T) {
		// A 30 s cycle: 20 s of a card, then 2 s each of black, frozen, failing reads,
		// unplugged, and an empty plate.
		d := newFakeDevice(t, 160, 120, func(elapsed time.Duration, _ int) mode {
			switch s := elapsed % (30 * time.Second); {
			case s < 20*time.Second:
				return modeGood
			case s < 22*time.Second:
				return modeBlack
			case s < 24*time.Second:
				return modeFrozen
			case s < 26*time.Second:
				return modeFail
			case s < 28*time.Second:
				return modeGone
			}
			return modeEmpty
		})
		defer d.Close()
		c, err := start(context.Background(), Spec{Kind: KindDeviceIndex}, d.source(DefaultConfig()), DefaultConfig(), nil)
		if err != nil {
			t.Fatal(err)
		}
		captured := 0
		for d.Frames() < frames {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if _, err := c.Capture(ctx, nil); err == nil {
				captured++
			} else {
				time.Sleep(100 * time.Millisecond) // a down camera fails at once; let time pass
			}
			cancel()
		}
		c.Close()
		t.Logf("%d frames, %d captures, %d opens", d.Frames(), captured, len(d.Opens()))
		if captured < 100 {
			t.Errorf("only %d captures in %d frames; the run did not exercise capturing", captured, frames)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		c, err := Open(context.Background(), laydownPattern, DefaultConfig(), nil)
		if err != nil {
			t.Fatal(err)
		}
		for range 5 { // the recording loops, so captures repeat; 5 of them cover a full loop
			if _, err := c.Capture(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
		}
		c.Close()
	})
	if n := gocv.MatProfile.Count(); n != before || n != 0 {
		var b bytes.Buffer
		gocv.MatProfile.WriteTo(&b, 1)
		t.Fatalf("MatProfile.Count() = %d (before: %d), want 0:\n%s", n, before, b.String())
	}
}

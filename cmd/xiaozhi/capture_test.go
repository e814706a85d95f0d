package main

import (
	"bytes"
	"context"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
)

// laydown is device's recorded sequence of a card being laid down.
const laydown = "../../device/testdata/laydown/frame_%03d.jpg"

func TestCaptureCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "card.jpg")
	// In a synctest bubble the recording plays on a virtual clock: no waiting at 15 fps.
	synctest.Test(t, func(t *testing.T) {
		e, stdout, stderr := testEnv(nil)
		if code := run(context.Background(), e, []string{"capture", "--camera", laydown, "--out", out}); code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		if !strings.Contains(stdout.String(), "480x360 JPEG") {
			t.Errorf("stdout %q, want the frame's size", stdout)
		}
		for _, want := range []string{"no card", "partly outside", "hold still", "captured"} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("progress on stderr lacks %q:\n%s", want, stderr)
			}
		}
	})
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("output is not a JPEG: %v", err)
	}
}

func TestCaptureCommandFails(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		vars map[string]string
		code int
		want string // on stderr
	}{
		{"no --out", []string{"--camera", laydown}, nil, 2, "Usage: xiaozhi capture"},
		{"stray argument", []string{"--out", "x.jpg", "extra"}, nil, 2, "Usage: xiaozhi capture"},
		{"missing file", []string{"--camera", filepath.Join(dir, "none.jpg"), "--out", filepath.Join(dir, "x.jpg")}, nil, 1, "no such file"},
		{"camera from the environment", []string{"--out", filepath.Join(dir, "x.jpg")},
			map[string]string{"XIAOZHI_CAMERA": filepath.Join(dir, "env.png")}, 1, "env.png"},
		{"no card before the timeout", []string{"--camera", "../../device/testdata/laydown/frame_000.jpg", "--out", filepath.Join(dir, "x.jpg"), "--timeout", "3s"},
			nil, 1, "no card captured: 未检测到证件"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e, _, stderr := testEnv(tt.vars)
				if code := run(context.Background(), e, append([]string{"capture"}, tt.args...)); code != tt.code {
					t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
				}
				if !strings.Contains(stderr.String(), tt.want) {
					t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
				}
			})
		})
	}
}

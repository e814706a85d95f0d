package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"strings"
	"time"
)

// runTesseract reads img with the tesseract CLI (chi_sim, single line) and
// returns the text without spaces and the wall time of the call.
func runTesseract(img image.Image) (string, time.Duration, error) {
	f, err := os.CreateTemp("", "glyphbench-*.png")
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(f.Name())
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return "", 0, err
	}
	if err := f.Close(); err != nil {
		return "", 0, err
	}
	var out, stderr bytes.Buffer
	cmd := exec.Command("tesseract", f.Name(), "stdout", "-l", "chi_sim", "--psm", "7")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return "", 0, fmt.Errorf("tesseract: %v: %s", err, stderr.String())
	}
	dt := time.Since(t0)
	return strings.Join(strings.Fields(out.String()), ""), dt, nil
}

//go:build matprofile

package ocr

import (
	"context"
	"strings"
	"testing"

	"gocv.io/x/gocv"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// TestNoMatLeaks reads many photos, including dark, blurred and unreadable ones, and requires every Mat the
// reader created to be closed again. gocv counts Mats only when built with -tags matprofile.
func TestNoMatLeaks(t *testing.T) {
	r := mustReader(t)
	var imgs [][]byte
	for i, k := range kiosk.DocKinds {
		img, _ := mustSynth(t, k, uint64(i+1), "noto", shot{skew: 0.03, turns: i % 4})
		imgs = append(imgs, img)
	}
	// A dark photo (denoised) and a blurred one (sharpened) take filters of their own.
	dark, _ := mustGenerate(t, kiosk.KindVehicleLicence, "low_light", 14646961580200158270, 92)
	blurred, _ := mustGenerate(t, kiosk.KindVehicleLicence, "blur", 2345411350595699215, 91)
	imgs = append(imgs, dark, blurred)
	imgs = append(imgs, nil, []byte("not an image"), imgs[0][:len(imgs[0])/2])
	before := gocv.MatProfile.Count()
	n := 40
	if testing.Short() {
		n = 8
	}
	for i := 0; i < n; i++ {
		img := imgs[i%len(imgs)]
		_, _ = r.Read(context.Background(), img, kiosk.KindAuto)
	}
	if got := gocv.MatProfile.Count() - before; got != 0 {
		var b strings.Builder
		_ = gocv.MatProfile.WriteTo(&b, 1)
		t.Fatalf("%d Mats not closed after %d reads:\n%s", got, n, b.String())
	}
}

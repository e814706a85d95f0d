package ocr

import (
	"context"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// BenchmarkReadIDFront reads one photographed ID card front per iteration with a warm pool.
// Run on one core: OMP_THREAD_LIMIT=1 go test ./ocr -run '^$' -bench ReadIDFront -cpu 1
func BenchmarkReadIDFront(b *testing.B) {
	benchmarkRead(b, kiosk.KindIDCardFront)
}

// BenchmarkReadIDBack is the same for the emblem side.
func BenchmarkReadIDBack(b *testing.B) {
	benchmarkRead(b, kiosk.KindIDCardBack)
}

// BenchmarkReadVehicleLicence is the same for a vehicle licence, the kind with the most fields.
func BenchmarkReadVehicleLicence(b *testing.B) {
	benchmarkRead(b, kiosk.KindVehicleLicence)
}

func benchmarkRead(b *testing.B, k kiosk.DocKind) {
	r := mustReader(b)
	var imgs [][]byte
	for seed := uint64(1); seed <= 4; seed++ {
		img, _ := mustSynth(b, k, seed, "noto", shot{skew: 0.02})
		imgs = append(imgs, img)
	}
	ctx := context.Background()
	if _, err := r.Read(ctx, imgs[0], k); err != nil { // warm caches
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := r.Read(ctx, imgs[i%len(imgs)], k); err != nil {
			b.Fatal(err)
		}
	}
}

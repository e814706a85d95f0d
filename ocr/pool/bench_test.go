package pool_test

import (
	"context"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/pool"
)

// The benchmarks time what the pool adds to a read: a ~300 KB photo to a worker and a small
// document back, with a reader that does nothing. The empty image gives the floor: two
// frames and two process wake-ups.

func BenchmarkRead(b *testing.B) {
	cfg := workerConfig("serve")
	cfg.Size = 1
	b.Run("300KB", func(b *testing.B) { benchmarkRead(b, cfg, 300<<10, false) })
	b.Run("empty", func(b *testing.B) { benchmarkRead(b, cfg, 0, false) })
}

func BenchmarkReadParallel(b *testing.B) {
	benchmarkRead(b, workerConfig("serve"), 300<<10, true)
}

func benchmarkRead(b *testing.B, cfg pool.Config, size int, parallel bool) {
	p, _ := MustOpen(b, cfg)
	img := photo(size)
	ctx := context.Background()
	b.SetBytes(int64(len(img)))
	b.ReportAllocs()
	b.ResetTimer()
	if !parallel {
		for b.Loop() {
			if _, err := p.Read(ctx, img, benchKind); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.Read(ctx, img, benchKind); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

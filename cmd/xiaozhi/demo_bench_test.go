package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/demo"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
)

// BenchmarkLastCaptureToResult measures the kiosk's target span for 驾驶证损毁换证: from the
// last capture (the back of the ID card, as a JPEG from the camera) to the result, i.e. the
// read in an OCR worker process, the decision and the issuance, on the real wiring with one
// worker. Run on one core:
//
//	go test ./cmd/xiaozhi -run '^$' -bench LastCaptureToResult -cpu 1 -benchtime 40x
func BenchmarkLastCaptureToResult(b *testing.B) {
	var logs lockedBuffer
	m := mustRunDemo(b, "", &logs)
	ctx := context.Background()
	front, _ := demo.Card(demo.Approve, "front")
	back, _ := demo.Card(demo.Approve, "back")
	var spans []time.Duration
	for b.Loop() {
		b.StopTimer()
		c, err := m.Kiosk.StartCase(ctx, "DL_DAMAGED_REPLACE", kiosk.ChannelKiosk, "kiosk:bench")
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := m.Kiosk.ReadDocument(ctx, c.ID, kiosk.KindIDCardFront, front, "kiosk:bench"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if _, _, err := m.Kiosk.ReadDocument(ctx, c.ID, kiosk.KindIDCardBack, back, "kiosk:bench"); err != nil {
			b.Fatal(err)
		}
		c, err = m.Kiosk.Submit(ctx, c.ID, rules.Request{Phone: "13812345678", SMSVerified: true}, "13812345678", "kiosk:bench")
		if err != nil {
			b.Fatal(err)
		}
		spans = append(spans, time.Since(start))
		if c.State != kiosk.StateIssued {
			b.Fatalf("case %s, want issued", c.State)
		}
	}
	slices.Sort(spans)
	b.ReportMetric(float64(spans[len(spans)*95/100].Milliseconds()), "p95-ms")
	b.ReportMetric(float64(spans[len(spans)/2].Milliseconds()), "p50-ms")
}

package api

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	l := newLimiter(Rate{PerSecond: 2, Burst: 3}, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	ok, wait := l.allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("after the burst: ok=%v wait=%v, want refused for 500ms", ok, wait)
	}
	if ok, _ := l.allow("b"); !ok {
		t.Fatal("another key shares the bucket")
	}
	now = now.Add(500 * time.Millisecond)
	if ok, _ := l.allow("a"); !ok {
		t.Fatal("not refilled after 500ms at 2/s")
	}
	now = now.Add(time.Hour)
	l.allow("c") // sweeps buckets idle long enough to be full again
	if _, kept := l.buckets["b"]; kept {
		t.Fatal("idle bucket not swept")
	}
	if ok, _ := newLimiter(Rate{}, time.Now).allow("x"); !ok {
		t.Fatal("a zero rate must mean unlimited")
	}
}

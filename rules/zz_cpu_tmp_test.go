package rules

import (
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestCPUPerDecision(t *testing.T) {
	e := mustEngine(t)
	for _, code := range e.codes {
		f := approvedCase(t, e, code)
		for i := 0; i < 2000; i++ {
			e.Decide(f)
		}
		n := 20000
		c0, w0 := cpuNow(), time.Now()
		for i := 0; i < n; i++ {
			e.Decide(f)
		}
		t.Logf("%-26s cpu %6.1f µs  wall %6.1f µs", code, float64(cpuNow()-c0)/float64(n)/1e3, float64(time.Since(w0))/float64(n)/1e3)
	}
}

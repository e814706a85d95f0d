package main

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time used so far by the calling OS thread; the
// caller locks itself to its thread. On a machine shared with other work it
// measures the reader's own cost, which wall time does not.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	const rusageThread = 1 // RUSAGE_THREAD
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

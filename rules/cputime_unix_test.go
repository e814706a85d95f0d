//go:build unix

package rules

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, GC workers included. On a shared machine a
// benchmark's wall time mostly measures the neighbours; its CPU time per operation does not.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}

package pool

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// sysProcAttr puts a worker in its own process group, so a Ctrl-C meant for the service does
// not kill the workers under it before it has closed them, and asks the kernel to kill the
// worker if the service dies without closing it. (Pdeathsig fires when the creating OS thread
// exits; the Go runtime keeps its threads unless a goroutine exits while locked to one, which
// this service does not do.)
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// rssBytes returns the resident set size of process pid from /proc/PID/statm (its second
// field, in pages), and false when it cannot be read, as for a process that has just exited.
func rssBytes(pid int) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0, false
	}
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * int64(os.Getpagesize()), true
}

// ProtocolStdout prepares a worker process's standard output for Serve: it returns a new
// file on the original standard output for the frames, and points file descriptor 1 at
// standard error. Tesseract, Leptonica and OpenCV print diagnostics with printf now and then;
// without this a single stray line would corrupt the stream, and the pool would have to kill
// the worker. Call it once, before the reader is built.
func ProtocolStdout() (*os.File, error) {
	fd, err := unix.FcntlInt(uintptr(unix.Stdout), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return nil, fmt.Errorf("ocr worker: duplicate stdout: %w", err)
	}
	if err := unix.Dup2(unix.Stderr, unix.Stdout); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("ocr worker: redirect stdout: %w", err)
	}
	return os.NewFile(uintptr(fd), "ocr-protocol"), nil
}

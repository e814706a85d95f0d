package pool

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// Why the pool ended a worker; empty while the pool has no complaint about it.
const (
	reasonCrashed   = "crashed"   // exited, or its pipes broke, without being asked to
	reasonTimeout   = "timeout"   // a read ran past its deadline
	reasonMemory    = "memory"    // its resident memory passed the cap
	reasonProtocol  = "protocol"  // it sent something that is not a valid answer
	reasonCancelled = "cancelled" // the caller gave up while the request was half written
	reasonStopped   = "stopped"   // the pool is closing
)

// worker is the parent's handle on one worker process.
//
// Ownership: the slot goroutine that started a worker owns its lifetime and closes its files;
// between acquire and release a single read owns its pipes. txn counts that read, so the slot
// goroutine can wait for it before closing the files under it.
type worker struct {
	pid     int
	cmd     *exec.Cmd
	in      *os.File      // our end of the worker's stdin
	outFile *os.File      // our end of the worker's stdout
	out     *bufio.Reader // frames from outFile
	started time.Time

	exited  chan struct{} // closed once cmd.Wait has returned
	waitErr error         // cmd.Wait's result, set before exited is closed
	logDone chan struct{} // closed once stderr has reached its end
	txn     sync.WaitGroup
	reads   atomic.Int64 // reads answered
	busy    bool         // guarded by Pool.mu

	inMu     sync.Mutex // serialises a request write with the close of in
	inClosed bool

	mu     sync.Mutex
	reason string
}

// startWorker starts one worker process and waits for its "ready" frame, for at most
// startTimeout or until ctx is done.
func startWorker(ctx context.Context, cfg *Config, logger *slog.Logger) (*worker, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW)
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW, outR, outW)
		return nil, err
	}
	cmd := exec.Command(cfg.Command[0], cfg.Command[1:]...)
	cmd.Env = cfg.Env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	cmd.SysProcAttr = sysProcAttr()
	err = cmd.Start()
	// The child holds its own copies now; ours would keep the pipes open after it dies.
	closeAll(inR, outW, errW)
	if err != nil {
		closeAll(inW, outR, errR)
		return nil, fmt.Errorf("ocr pool: start worker: %w", err)
	}
	w := &worker{
		pid: cmd.Process.Pid, cmd: cmd, in: inW, outFile: outR,
		out: bufio.NewReaderSize(outR, 16<<10), started: time.Now(),
		exited: make(chan struct{}), logDone: make(chan struct{}),
	}
	go w.logStderr(errR, logger.With("pid", w.pid))
	go func() {
		w.waitErr = cmd.Wait()
		close(w.exited)
	}()

	stop := context.AfterFunc(ctx, func() { w.kill(reasonStopped) })
	err = w.handshake(cfg.StartTimeout)
	if !stop() && err == nil {
		err = context.Cause(ctx)
	}
	if err != nil {
		w.kill(reasonCrashed)
		w.reap()
		return nil, fmt.Errorf("ocr pool: worker %d did not become ready: %w", w.pid, err)
	}
	return w, nil
}

func (w *worker) handshake(timeout time.Duration) error {
	if err := w.outFile.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	h, _, err := readFrame(w.out, maxHeaderBytes, 0)
	if err != nil {
		return err
	}
	if h.Type != typeReady {
		return fmt.Errorf("%w: %q frame before ready", errProtocol, h.Type)
	}
	if h.Version != protocolVersion {
		// The binary on disk may have been replaced by another release since the service
		// started; its workers must not be fed requests they might misread.
		return fmt.Errorf("%w: worker speaks protocol version %d, want %d", errProtocol, h.Version, protocolVersion)
	}
	return w.outFile.SetReadDeadline(time.Time{})
}

// roundTrip sends one request and reads its result, all before deadline. written is closed
// once the request has been written or has failed, after which img is no longer used.
func (w *worker) roundTrip(req frameHeader, img []byte, deadline time.Time, written chan<- struct{}) (frameHeader, error) {
	err := w.send(req, img, deadline)
	close(written)
	if err != nil {
		return frameHeader{}, fmt.Errorf("write request: %w", err)
	}
	if err := w.outFile.SetReadDeadline(deadline); err != nil {
		return frameHeader{}, err
	}
	res, _, err := readFrame(w.out, maxHeaderBytes, 0)
	if err != nil {
		return res, fmt.Errorf("read result: %w", err)
	}
	if res.Type != typeResult || res.ID != req.ID {
		return res, fmt.Errorf("%w: got %q frame %d, want result %d", errProtocol, res.Type, res.ID, req.ID)
	}
	if res.Doc == nil && res.Err == nil {
		return res, fmt.Errorf("%w: result %d has neither document nor error", errProtocol, res.ID)
	}
	return res, nil
}

func (w *worker) send(req frameHeader, img []byte, deadline time.Time) error {
	w.inMu.Lock()
	defer w.inMu.Unlock()
	if w.inClosed {
		return os.ErrClosed
	}
	if err := w.in.SetWriteDeadline(deadline); err != nil {
		return err
	}
	return writeFrame(w.in, req, img)
}

// closeInput tells the worker to finish: Serve returns at the end of its input, after
// answering a request it already has. It waits for a request being written to be complete,
// so the worker never sees half a frame.
func (w *worker) closeInput() {
	w.inMu.Lock()
	defer w.inMu.Unlock()
	if !w.inClosed {
		w.inClosed = true
		w.in.Close()
	}
}

// kill ends the process at once and records why; the first reason given sticks. Killing a
// process that has already been waited for is harmless: os.Process knows it is done.
func (w *worker) kill(reason string) {
	w.setReason(reason)
	_ = w.cmd.Process.Kill()
}

// stop ends the worker gracefully, by closing its input, and kills it if it is still running
// after grace.
func (w *worker) stop(grace time.Duration) {
	w.setReason(reasonStopped)
	w.closeInput()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-w.exited:
	case <-t.C:
		w.kill(reasonStopped)
		<-w.exited
	}
}

// reap waits for the process, its stderr and the read using it, then closes our pipe ends.
func (w *worker) reap() {
	<-w.exited
	<-w.logDone
	w.txn.Wait()
	w.closeInput()
	w.outFile.Close()
}

func (w *worker) setReason(reason string) {
	w.mu.Lock()
	if w.reason == "" {
		w.reason = reason
	}
	w.mu.Unlock()
}

func (w *worker) endReason() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reason
}

func (w *worker) hasExited() bool {
	select {
	case <-w.exited:
		return true
	default:
		return false
	}
}

// logStderr passes the worker's standard error to the logger line by line. Lines are cut at
// 1 KiB so a runaway print cannot make one huge record, and the pipe is always drained, since
// a worker blocked on a full stderr pipe would look like a hang. The worker writes only
// diagnostics there (Serve never prints images or fields); the pool logs them as they are.
func (w *worker) logStderr(f *os.File, logger *slog.Logger) {
	defer close(w.logDone)
	defer f.Close()
	r := bufio.NewReaderSize(f, 1024)
	cut := false // inside a line whose beginning was already logged
	for {
		line, err := r.ReadSlice('\n')
		if len(line) > 0 && !cut {
			text := string(trimNewline(line))
			if errors.Is(err, bufio.ErrBufferFull) {
				text += " …"
			}
			logger.Info("ocr worker stderr", "line", text)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			cut = true
		case err != nil:
			return
		default:
			cut = false
		}
	}
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

func closeAll(files ...*os.File) {
	for _, f := range files {
		f.Close()
	}
}

package pool

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// Serve is the loop of a worker process: it announces that it is ready, then reads requests
// from in, passes each to r and writes the result to out, one at a time, until in reaches its
// end, which returns nil. The pool ends a worker by closing its input.
//
// The caller builds r before calling Serve, so the "ready" message tells the pool that the
// warm-up has finished. out should come from ProtocolStdout, so that C libraries printing to
// standard output cannot corrupt the frames. Each read gets ctx's values and the pool's
// deadline for it, but not ctx's cancellation: a stop signal sent to the whole service (as
// systemd does) reaches the workers too, and they must go on answering while the service
// drains its requests, until the pool closes their input. A Go panic in r becomes an
// EINTERNAL result and the worker carries on; a crash in C code ends the process, and the
// pool replaces it.
//
// Serve returns an error when in or out fail or when a request breaks the protocol.
func Serve(ctx context.Context, r kiosk.Reader, in io.Reader, out io.Writer) error {
	ctx = context.WithoutCancel(ctx)
	br := bufio.NewReaderSize(in, 64<<10)
	bw := bufio.NewWriterSize(out, 16<<10)
	if err := send(bw, frameHeader{Type: typeReady, Version: protocolVersion, PID: os.Getpid()}); err != nil {
		return fmt.Errorf("ocr worker: announce ready: %w", err)
	}
	for {
		req, img, err := readFrame(br, maxHeaderBytes, MaxImageLimit)
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("ocr worker: read request: %w", err)
		}
		if req.Type != typeRead {
			return fmt.Errorf("ocr worker: %w: unexpected %q frame", errProtocol, req.Type)
		}
		if err := send(bw, serveOne(ctx, r, req, img)); err != nil {
			return fmt.Errorf("ocr worker: write result: %w", err)
		}
	}
}

// serveOne runs one read and turns its outcome, a panic included, into a result frame.
func serveOne(ctx context.Context, r kiosk.Reader, req frameHeader, img []byte) (res frameHeader) {
	res = frameHeader{Type: typeResult, ID: req.ID}
	if req.TimeoutMS > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(req.TimeoutMS)*time.Millisecond)
		defer cancel()
	}
	// The house rule keeps recover() to the HTTP and WebSocket edges; a worker's read loop is
	// such an edge. A Go panic leaves no C state behind, so one bad image should cost one
	// result, not a warm worker. The stack goes to stderr, which the pool logs; it holds
	// function names and addresses, not image bytes or field values.
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(os.Stderr, "ocr worker: panic in read: %v\n%s", v, debug.Stack())
			res.Doc = nil
			res.Err = toWireErr(fmt.Errorf("panic in read: %v", v))
		}
	}()
	doc, err := r.Read(ctx, img, kiosk.DocKind(req.Kind))
	if err != nil {
		res.Err = toWireErr(err)
		return res
	}
	res.Doc = toWireDoc(doc)
	return res
}

// send writes one frame and flushes it. A result too large for the protocol is replaced by
// an error, so the pool sees a failed read rather than a broken worker.
func send(w *bufio.Writer, h frameHeader) error {
	err := writeFrame(w, h, nil)
	if err != nil && h.Type == typeResult && w.Buffered() == 0 {
		h.Doc = nil
		h.Err = toWireErr(fmt.Errorf("result not sent: %w", err))
		err = writeFrame(w, h, nil)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

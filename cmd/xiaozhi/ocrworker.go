package main

import (
	"context"
	"flag"

	"github.com/xiaozhi-kiosk/xiaozhi/ocr/pool"
)

// runOCRWorker is one reading process of serve's OCR pool: it reads requests on stdin and
// answers on stdout, with its own warm Tesseract clients. serve starts and supervises it.
func runOCRWorker(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("ocr-worker", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	var o ocrFlags // --tessdata; one client per script, since a worker reads one image at a time
	o.register(fs, e)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	// First of all: OpenCV, Leptonica and Tesseract may print while loading, and a stray
	// byte on the protocol stream would break it.
	out, err := pool.ProtocolStdout()
	if err != nil {
		return err
	}
	r, err := o.reader()
	if err != nil {
		return err
	}
	defer r.Close()
	return pool.Serve(ctx, r, e.Stdin, out)
}

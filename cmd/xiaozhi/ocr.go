package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr"
)

// ocrResult is one line of `xiaozhi ocr` output.
type ocrResult struct {
	File       string             `json:"file"`
	Kind       kiosk.DocKind      `json:"kind,omitempty"`
	Fields     map[string]string  `json:"fields,omitempty"`
	Confidence map[string]float64 `json:"confidence,omitempty"`
	Flags      []string           `json:"flags,omitempty"`
	ElapsedMS  int64              `json:"elapsed_ms"`
	Error      string             `json:"error,omitempty"`
}

// ocrFlags are the options shared by ocr and ocr-eval.
type ocrFlags struct {
	tessdata string
	clients  int
}

func (o *ocrFlags) register(fs *flag.FlagSet, e *env) {
	fs.StringVar(&o.tessdata, "tessdata", e.Getenv("XIAOZHI_TESSDATA"), "Tesseract tessdata directory (env XIAOZHI_TESSDATA)")
	fs.IntVar(&o.clients, "clients", 1, "warm Tesseract clients per script")
}

func (o *ocrFlags) reader() (*ocr.Reader, error) {
	return ocr.NewReader(ocr.Config{Clients: o.clients, TessData: o.tessdata}, slog.New(slog.DiscardHandler))
}

// runOCR reads each file and prints one JSON object per file. An unreadable file gets an
// object with "error" and a line on stderr; the command then fails after the last file.
func runOCR(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("ocr", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	kind := fs.String("kind", "auto", "document kind: id_card_front, id_card_back, driving_licence, vehicle_licence or auto")
	var o ocrFlags
	o.register(fs, e)
	fs.Usage = func() {
		fmt.Fprintln(e.Stderr, "Usage: xiaozhi ocr [--kind KIND|auto] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	k := kiosk.DocKind(*kind)
	if fs.NArg() == 0 || k != kiosk.KindAuto && !k.Valid() {
		fs.Usage()
		return errUsage
	}
	r, err := o.reader()
	if err != nil {
		return fmt.Errorf("start reader: %w", err)
	}
	defer r.Close()

	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	failed := 0
	for _, file := range fs.Args() {
		res := ocrResult{File: file}
		start := time.Now()
		doc, err := readFile(ctx, r, file, k)
		res.ElapsedMS = time.Since(start).Milliseconds()
		if err != nil {
			failed++
			res.Error = err.Error()
			fmt.Fprintf(e.Stderr, "xiaozhi ocr: %s: %s\n", file, res.Error)
		} else {
			res.Kind, res.Fields, res.Confidence, res.Flags = doc.Kind, doc.Fields, roundConf(doc.Confidence), doc.Flags
		}
		if err := enc.Encode(res); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be read", failed, fs.NArg())
	}
	return nil
}

// readFile reads one image file. Errors carry the user-facing message where there is one.
func readFile(ctx context.Context, r *ocr.Reader, file string, k kiosk.DocKind) (kiosk.Document, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return kiosk.Document{}, err
	}
	doc, err := r.Read(ctx, data, k)
	if err != nil {
		var ke *kiosk.Error
		if errors.As(err, &ke) {
			return doc, fmt.Errorf("%s: %s", ke.Code, ke.Message)
		}
		return doc, err
	}
	return doc, nil
}

func roundConf(c map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(c))
	for k, v := range c {
		out[k] = float64(int(v*1000+0.5)) / 1000
	}
	return out
}

// compact removes all white space, for comparing values with free text.
func compact(s string) string {
	return strings.Join(strings.Fields(s), "")
}

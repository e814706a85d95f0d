package pool

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// The wire protocol between a Pool and its workers. Every message is one frame:
//
//	magic   uint32  "XZO1", big-endian; catches a stray print on the protocol stream at once
//	hlen    uint32  length of the JSON header
//	plen    uint32  length of the raw payload (the image of a read request, else 0)
//	header  hlen bytes of JSON (frameHeader)
//	payload plen bytes
//
// The worker first sends a "ready" frame once its reader is warm; the parent then sends
// "read" frames and the worker answers each with a "result" frame carrying the same ID.
// Images travel as raw bytes rather than inside JSON so that a 300 KB photo is copied, not
// base64-encoded. Sizes are checked before anything is allocated.
const (
	protocolVersion = 1
	frameMagic      = 0x585a4f31 // "XZO1"
	prefixLen       = 12

	typeReady  = "ready"
	typeRead   = "read"
	typeResult = "result"

	// maxHeaderBytes bounds a header in either direction. A result's header carries the
	// whole document, a few kilobytes of fields; a megabyte leaves ample room.
	maxHeaderBytes = 1 << 20
	// MaxImageLimit is the largest image the protocol carries. Config.MaxImageBytes may
	// lower it, not raise it; the worker enforces this bound because it does not know the
	// parent's configuration.
	MaxImageLimit = 64 << 20
	// maxDetailBytes bounds the internal error text a worker sends back.
	maxDetailBytes = 2048
)

// errProtocol marks a frame that breaks the protocol: the peer is not trustworthy any more.
var errProtocol = errors.New("protocol violation")

// frameHeader is the JSON header of every frame; which fields are set depends on Type.
type frameHeader struct {
	Type      string   `json:"type"`
	Version   int      `json:"version,omitempty"`    // ready
	PID       int      `json:"pid,omitempty"`        // ready
	ID        uint64   `json:"id,omitempty"`         // read, result
	Kind      string   `json:"kind,omitempty"`       // read
	TimeoutMS int64    `json:"timeout_ms,omitempty"` // read: the parent's deadline for this read
	Doc       *wireDoc `json:"doc,omitempty"`        // result, on success
	Err       *wireErr `json:"err,omitempty"`        // result, on failure
}

// wireDoc is kiosk.Document on the wire; domain types carry no wire tags.
type wireDoc struct {
	Kind       string             `json:"kind"`
	Fields     map[string]string  `json:"fields,omitempty"`
	Confidence map[string]float64 `json:"confidence,omitempty"`
	Flags      []string           `json:"flags,omitempty"`
}

// wireErr carries a reader's error across the pipe: the kiosk code and user-facing message
// unchanged, plus the error's text for the parent's error chain (never shown to users).
type wireErr struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Detail  string `json:"detail,omitempty"`
}

func toWireDoc(d kiosk.Document) *wireDoc {
	w := &wireDoc{Kind: string(d.Kind), Fields: d.Fields, Flags: d.Flags}
	if len(d.Confidence) > 0 {
		// JSON has no NaN or infinity; a confidence that is not a number means "no idea".
		w.Confidence = make(map[string]float64, len(d.Confidence))
		for k, v := range d.Confidence {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				v = 0
			}
			w.Confidence[k] = v
		}
	}
	return w
}

func (w *wireDoc) document() kiosk.Document {
	return kiosk.Document{Kind: kiosk.DocKind(w.Kind), Fields: w.Fields, Confidence: w.Confidence, Flags: w.Flags}
}

func toWireErr(err error) *wireErr {
	detail := err.Error()
	if len(detail) > maxDetailBytes {
		detail = detail[:maxDetailBytes]
	}
	return &wireErr{Code: kiosk.ErrorCode(err), Message: kiosk.ErrorMessage(err), Detail: detail}
}

// workerError is a reader's error as the parent sees it: the worker's text for logs, and the
// original *kiosk.Error underneath, so kiosk.ErrorCode and ErrorMessage give what the reader
// said (EUNREADABLE stays EUNREADABLE).
type workerError struct {
	detail string
	err    *kiosk.Error
}

func (e *workerError) Error() string { return "ocr worker: " + e.detail }
func (e *workerError) Unwrap() error { return e.err }

func (w *wireErr) error() error {
	code, msg := w.Code, w.Message
	if code == "" {
		// Not a kiosk error: show the generic internal message, as in-process reading would.
		code, msg = kiosk.EINTERNAL, kiosk.ErrorMessage(errProtocol)
	}
	return &workerError{detail: w.Detail, err: &kiosk.Error{Code: code, Message: msg}}
}

// writeFrame writes one frame. The prefix and header go out in one write; the payload is
// written from the caller's slice without copying.
func writeFrame(w io.Writer, h frameHeader, payload []byte) error {
	js, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("encode %s header: %w", h.Type, err)
	}
	if len(js) > maxHeaderBytes || len(payload) > MaxImageLimit {
		return fmt.Errorf("%s frame too large: header %d bytes, payload %d bytes", h.Type, len(js), len(payload))
	}
	buf := make([]byte, prefixLen, prefixLen+len(js))
	binary.BigEndian.PutUint32(buf[0:], frameMagic)
	binary.BigEndian.PutUint32(buf[4:], uint32(len(js)))
	binary.BigEndian.PutUint32(buf[8:], uint32(len(payload)))
	if _, err := w.Write(append(buf, js...)); err != nil {
		return err
	}
	if len(payload) > 0 {
		if _, err := w.Write(payload); err != nil {
			return err
		}
	}
	return nil
}

// readFrame reads one frame, refusing a header longer than maxHeader or a payload longer than
// maxPayload before allocating for either. It returns io.EOF only at a clean frame boundary.
func readFrame(r *bufio.Reader, maxHeader, maxPayload int) (frameHeader, []byte, error) {
	var h frameHeader
	var prefix [prefixLen]byte
	if _, err := io.ReadFull(r, prefix[:]); err != nil {
		return h, nil, err
	}
	if m := binary.BigEndian.Uint32(prefix[0:]); m != frameMagic {
		return h, nil, fmt.Errorf("%w: bad frame magic %#08x", errProtocol, m)
	}
	hlen, plen := binary.BigEndian.Uint32(prefix[4:]), binary.BigEndian.Uint32(prefix[8:])
	if hlen > uint32(maxHeader) || plen > uint32(maxPayload) {
		return h, nil, fmt.Errorf("%w: frame of %d+%d bytes exceeds %d+%d", errProtocol, hlen, plen, maxHeader, maxPayload)
	}
	js := make([]byte, hlen)
	if _, err := io.ReadFull(r, js); err != nil {
		return h, nil, noEOF(err)
	}
	if err := json.Unmarshal(js, &h); err != nil {
		return h, nil, fmt.Errorf("%w: bad header: %v", errProtocol, err)
	}
	var payload []byte
	if plen > 0 {
		payload = make([]byte, plen)
		if _, err := io.ReadFull(r, payload); err != nil {
			return h, nil, noEOF(err)
		}
	}
	return h, payload, nil
}

// noEOF reports a stream that ended inside a frame as truncated, not as a clean end.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

package pool

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

func TestFrameRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	want := frameHeader{Type: typeRead, ID: 7, Kind: string(kiosk.KindDrivingLicence), TimeoutMS: 1500}
	img := []byte("\xff\xd8 not really a jpeg")
	if err := writeFrame(&buf, want, img); err != nil {
		t.Fatal(err)
	}
	if err := writeFrame(&buf, frameHeader{Type: typeReady, Version: 1}, nil); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(&buf)
	got, payload, err := readFrame(r, maxHeaderBytes, len(img))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" || !bytes.Equal(payload, img) {
		t.Errorf("frame (-want +got):\n%s payload %q", diff, payload)
	}
	if got, payload, err := readFrame(r, maxHeaderBytes, 0); err != nil || got.Type != typeReady || payload != nil {
		t.Errorf("second frame = %+v, %q, %v", got, payload, err)
	}
	if _, _, err := readFrame(r, maxHeaderBytes, 0); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
}

// A bad peer's frame is refused from its prefix, before any allocation for its lengths.
func TestReadFrameRefuses(t *testing.T) {
	prefix := func(magic, hlen, plen uint32) []byte {
		b := make([]byte, prefixLen)
		binary.BigEndian.PutUint32(b[0:], magic)
		binary.BigEndian.PutUint32(b[4:], hlen)
		binary.BigEndian.PutUint32(b[8:], plen)
		return b
	}
	var good bytes.Buffer
	writeFrame(&good, frameHeader{Type: typeResult, ID: 1, Err: &wireErr{Code: "x"}}, []byte("abc"))
	tests := []struct {
		name  string
		input []byte
		want  error
	}{
		{"stray text", []byte("Tesseract Open Source OCR Engine\n"), errProtocol},
		{"huge header", prefix(frameMagic, math.MaxUint32, 0), errProtocol},
		{"huge payload", prefix(frameMagic, 2, math.MaxUint32), errProtocol},
		{"payload where none is allowed", good.Bytes(), errProtocol},
		{"bad json", append(prefix(frameMagic, 2, 0), "{x"...), errProtocol},
		{"cut in the prefix", prefix(frameMagic, 2, 0)[:5], io.ErrUnexpectedEOF},
		{"cut in the header", append(prefix(frameMagic, 20, 0), `{"type":`...), io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readFrame(bufio.NewReader(bytes.NewReader(tt.input)), maxHeaderBytes, 0)
			if !errors.Is(err, tt.want) {
				t.Errorf("readFrame: %v, want %v", err, tt.want)
			}
		})
	}
}

// fakeReader answers from a function, in process.
type fakeReader func(ctx context.Context, img []byte, kind kiosk.DocKind) (kiosk.Document, error)

func (f fakeReader) Read(ctx context.Context, img []byte, kind kiosk.DocKind) (kiosk.Document, error) {
	return f(ctx, img, kind)
}

// serveInProcess runs Serve over in-memory pipes and returns the parent's ends. Serve gets a
// cancelled context, as a worker does once the service's stop signal reached it: it must go
// on serving until its input ends.
func serveInProcess(t *testing.T, r kiosk.Reader) (io.WriteCloser, *bufio.Reader, <-chan error) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	go func() {
		err := Serve(ctx, r, inR, outW)
		outW.CloseWithError(io.EOF)
		done <- err
	}()
	t.Cleanup(func() { inW.Close(); outR.Close() })
	out := bufio.NewReader(outR)
	h, _, err := readFrame(out, maxHeaderBytes, 0)
	if err != nil || h.Type != typeReady || h.Version != protocolVersion || h.PID == 0 {
		t.Fatalf("first frame %+v, %v; want ready", h, err)
	}
	return inW, out, done
}

func TestServe(t *testing.T) {
	reader := fakeReader(func(ctx context.Context, img []byte, kind kiosk.DocKind) (kiosk.Document, error) {
		if _, ok := ctx.Deadline(); !ok || ctx.Err() != nil {
			t.Errorf("read context: deadline %v, err %v; want the pool's deadline only", ok, ctx.Err())
		}
		switch string(img) {
		case "blurred":
			return kiosk.Document{}, kiosk.Errorf(kiosk.EUNREADABLE, "图片无法识别")
		case "nan":
			return kiosk.Document{Kind: kind, Confidence: map[string]float64{"name": math.NaN(), "id": 0.5}}, nil
		case "huge":
			return kiosk.Document{Kind: kind, Fields: map[string]string{"x": strings.Repeat("字", maxHeaderBytes)}}, nil
		case "panic":
			var m map[string]int
			m["boom"]++
		}
		return kiosk.Document{Kind: kind, Fields: map[string]string{"name": "张三"}, Flags: []string{kiosk.FlagBlurred}}, nil
	})
	in, out, done := serveInProcess(t, reader)
	ask := func(id uint64, img string) frameHeader {
		t.Helper()
		req := frameHeader{Type: typeRead, ID: id, Kind: string(kiosk.KindIDCardBack), TimeoutMS: 1000}
		if err := writeFrame(in, req, []byte(img)); err != nil {
			t.Fatal(err)
		}
		res, _, err := readFrame(out, maxHeaderBytes, 0)
		if err != nil || res.Type != typeResult || res.ID != id {
			t.Fatalf("answer to %d: %+v, %v", id, res, err)
		}
		return res
	}

	res := ask(1, "card")
	want := kiosk.Document{Kind: kiosk.KindIDCardBack, Fields: map[string]string{"name": "张三"}, Flags: []string{kiosk.FlagBlurred}}
	if res.Err != nil || res.Doc == nil {
		t.Fatalf("result %+v", res)
	}
	if diff := cmp.Diff(want, res.Doc.document()); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}

	res = ask(2, "blurred")
	if err := res.Err.error(); kiosk.ErrorCode(err) != kiosk.EUNREADABLE || kiosk.ErrorMessage(err) != "图片无法识别" {
		t.Errorf("reader error came back as %v", err)
	}

	if res = ask(3, "nan"); res.Doc == nil || res.Doc.Confidence["name"] != 0 || res.Doc.Confidence["id"] != 0.5 {
		t.Errorf("non-finite confidence: %+v", res)
	}

	res = ask(4, "huge")
	if res.Err == nil || res.Err.Code != kiosk.EINTERNAL || !strings.Contains(res.Err.Detail, "too large") {
		t.Errorf("oversized result: %+v", res.Err)
	}

	res = ask(5, "panic")
	if res.Err == nil || res.Err.Code != kiosk.EINTERNAL || !strings.Contains(res.Err.Detail, "panic") {
		t.Errorf("panic: %+v", res.Err)
	}
	if res = ask(6, "card"); res.Doc == nil {
		t.Errorf("after a panic: %+v", res)
	}

	in.Close()
	if err := <-done; err != nil {
		t.Errorf("Serve at end of input: %v", err)
	}
}

func TestServeRefusesBadRequests(t *testing.T) {
	ok := fakeReader(func(context.Context, []byte, kiosk.DocKind) (kiosk.Document, error) { return kiosk.Document{}, nil })
	t.Run("not a read", func(t *testing.T) {
		in, _, done := serveInProcess(t, ok)
		writeFrame(in, frameHeader{Type: typeResult}, nil)
		if err := <-done; !errors.Is(err, errProtocol) {
			t.Errorf("Serve: %v, want a protocol error", err)
		}
	})
	t.Run("cut short", func(t *testing.T) {
		in, _, done := serveInProcess(t, ok)
		in.Write([]byte("XZO1"))
		in.Close()
		if err := <-done; !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("Serve: %v, want io.ErrUnexpectedEOF", err)
		}
	})
}

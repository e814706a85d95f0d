package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// newTestServer returns a server whose log output is captured in the returned buffer.
func newTestServer(tb testing.TB) (*Server, *bytes.Buffer) {
	tb.Helper()
	var logs bytes.Buffer
	return NewServer(slog.New(slog.NewJSONHandler(&logs, nil))), &logs
}

func serve(s *Server, method, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}

func decodeError(tb testing.TB, w *httptest.ResponseRecorder) errorBody {
	tb.Helper()
	var body errorResponse
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		tb.Fatalf("error body %q: %v", w.Body.String(), err)
	}
	return body.Error
}

func TestHealthz(t *testing.T) {
	s, _ := newTestServer(t)
	w := serve(s, "GET", "/healthz")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"ok"`) {
		t.Fatalf("GET /healthz = %d %s", w.Code, w.Body)
	}
	if w.Header().Get(requestIDHeader) == "" {
		t.Error("no X-Request-ID on the response")
	}
}

func TestReadyz(t *testing.T) {
	s, _ := newTestServer(t)
	dbUp := true
	s.Checks = []Check{
		{Name: "database", Check: func(context.Context) error {
			if !dbUp {
				return errors.New("connection refused")
			}
			return nil
		}},
	}
	if w := serve(s, "GET", "/readyz"); w.Code != 200 {
		t.Fatalf("ready: %d %s", w.Code, w.Body)
	}
	dbUp = false
	w := serve(s, "GET", "/readyz")
	if w.Code != 503 || !strings.Contains(w.Body.String(), "connection refused") || !strings.Contains(w.Body.String(), `"database"`) {
		t.Fatalf("not ready: %d %s", w.Code, w.Body)
	}
}

func TestMetrics(t *testing.T) {
	s, _ := newTestServer(t)
	serve(s, "GET", "/healthz")
	w := serve(s, "GET", "/metrics")
	if w.Code != 200 {
		t.Fatalf("GET /metrics = %d", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{
		`xiaozhi_http_requests_total{code="200",method="GET",route="/healthz"} 1`,
		"go_goroutines",
		"process_resident_memory_bytes",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestUnknownRouteIsJSON404(t *testing.T) {
	s, _ := newTestServer(t)
	w := serve(s, "GET", "/no/such/page?id=330212198503121234")
	if w.Code != 404 {
		t.Fatalf("status %d", w.Code)
	}
	if e := decodeError(t, w); e.Code != kiosk.ENOTFOUND || e.Message == "" || e.RequestID == "" {
		t.Fatalf("body %+v", e)
	}
	if w := serve(s, "POST", "/healthz"); w.Code != 405 {
		t.Fatalf("POST /healthz = %d, want 405", w.Code)
	}
}

func TestErrorMapping(t *testing.T) {
	for code, status := range statusCodes {
		t.Run(code, func(t *testing.T) {
			s, _ := newTestServer(t)
			s.router.GET("/fail", s.handle(func(*gin.Context) error {
				return fmt.Errorf("wrapped: %w", kiosk.Errorf(code, "消息"))
			}))
			w := serve(s, "GET", "/fail")
			if w.Code != status {
				t.Fatalf("%s → %d, want %d", code, w.Code, status)
			}
			e := decodeError(t, w)
			if e.Code != code {
				t.Fatalf("body code %q, want %q", e.Code, code)
			}
			if code != kiosk.EINTERNAL && e.Message != "消息" {
				t.Fatalf("message %q", e.Message)
			}
		})
	}
}

func TestPlainErrorIsInternalAndLoggedOnce(t *testing.T) {
	s, logs := newTestServer(t)
	s.router.GET("/fail", s.handle(func(*gin.Context) error { return errors.New("disk on fire") }))
	w := serve(s, "GET", "/fail")
	if w.Code != 500 {
		t.Fatalf("status %d", w.Code)
	}
	if e := decodeError(t, w); strings.Contains(e.Message, "disk") || e.Code != kiosk.EINTERNAL {
		t.Fatalf("internal detail leaked to the client: %+v", e)
	}
	if n := strings.Count(logs.String(), "disk on fire"); n != 1 {
		t.Fatalf("internal error logged %d times, want once:\n%s", n, logs)
	}
}

func TestPanicRecovers(t *testing.T) {
	s, logs := newTestServer(t)
	s.router.GET("/panic", func(*gin.Context) { panic("boom") })
	w := serve(s, "GET", "/panic")
	if w.Code != 500 || decodeError(t, w).Code != kiosk.EINTERNAL {
		t.Fatalf("panic → %d %s", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Fatal("panic not logged")
	}
	if w := serve(s, "GET", "/healthz"); w.Code != 200 {
		t.Fatal("server unhealthy after a panic")
	}
}

func TestLogsCarryNoQueryOrPath(t *testing.T) {
	s, logs := newTestServer(t)
	serve(s, "GET", "/lookup/330212198503121234?name=%E5%BC%A0%E4%BC%9F")
	if strings.Contains(logs.String(), "330212198503121234") || strings.Contains(logs.String(), "name=") {
		t.Fatalf("personal data in logs:\n%s", logs)
	}
}

func TestRequestIDPropagates(t *testing.T) {
	s, _ := newTestServer(t)
	r := httptest.NewRequest("GET", "/healthz", nil)
	r.Header.Set(requestIDHeader, "abc-123")
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	if got := w.Header().Get(requestIDHeader); got != "abc-123" {
		t.Fatalf("X-Request-ID = %q", got)
	}
	r.Header.Set(requestIDHeader, "bad id\n")
	w = httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	if got := w.Header().Get(requestIDHeader); got == "bad id\n" || got == "" {
		t.Fatalf("unsafe request ID echoed: %q", got)
	}
}

func TestOpenServesAndCloses(t *testing.T) {
	s, _ := newTestServer(t)
	s.Addr = "127.0.0.1:0"
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(s.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(s.URL() + "/healthz"); err == nil {
		t.Fatal("server still answers after Close")
	}
}

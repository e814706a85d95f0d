package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

// runAsMainEnv makes the test binary behave as xiaozhi itself. serve starts its OCR workers
// as "<this executable> ocr-worker", which in a test is the test binary: with the variable
// set (and inherited by the children) they run the real worker.
const runAsMainEnv = "XIAOZHI_TEST_RUN_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsMainEnv) == "1" {
		os.Exit(run(context.Background(), &env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:]))
	}
	os.Setenv(runAsMainEnv, "1")
	os.Exit(m.Run())
}

// testEnv returns an env with the given variables and captured output.
func testEnv(vars map[string]string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &env{
		Stdin:  strings.NewReader(""),
		Stdout: &out,
		Stderr: &errOut,
		Getenv: func(k string) string { return vars[k] },
	}, &out, &errOut
}

// MustRunMain starts the real wiring on a free port and stops it when the test ends.
func MustRunMain(tb testing.TB, cfg Config) *Main {
	tb.Helper()
	cfg.Addr = "127.0.0.1:0"
	if err := cfg.Validate(); err != nil {
		tb.Fatal(err)
	}
	cfg.OCRWorkers = 1
	m := &Main{Config: cfg, Logger: newLogger(cfg, io.Discard)}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatalf("run: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := m.Close(ctx); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return m
}

func mustGet(tb testing.TB, url string) (int, string) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeSQLiteAndPostgres(t *testing.T) {
	for _, tt := range []struct {
		name string
		url  func(tb testing.TB) string
	}{
		{"sqlite", func(tb testing.TB) string { return filepath.Join(tb.TempDir(), "x.db") }},
		{"postgres", storetest.EmptyPostgresURL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.DatabaseURL = tt.url(t)
			m := MustRunMain(t, cfg)
			if string(m.DB.Dialect()) != tt.name {
				t.Fatalf("dialect %s, want %s", m.DB.Dialect(), tt.name)
			}
			if code, body := mustGet(t, m.HTTP.URL()+"/healthz"); code != 200 {
				t.Fatalf("/healthz = %d %s", code, body)
			}
			if code, body := mustGet(t, m.HTTP.URL()+"/readyz"); code != 200 || !strings.Contains(body, `"database"`) || !strings.Contains(body, `"ocr"`) {
				t.Fatalf("/readyz = %d %s", code, body)
			}
			code, body := mustGet(t, m.HTTP.URL()+"/metrics")
			if code != 200 || !strings.Contains(body, "# TYPE go_goroutines gauge") {
				t.Fatalf("/metrics = %d, not Prometheus text", code)
			}
			if v, err := m.DB.MigrationVersion(context.Background()); err != nil || v < 1 {
				t.Fatalf("migrations not applied: %d %v", v, err)
			}
		})
	}
}

func TestServeGracefulShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	port := freePort(t)
	e, _, stderr := testEnv(map[string]string{
		"XIAOZHI_DATABASE_URL": filepath.Join(t.TempDir(), "x.db"),
		"XIAOZHI_ADDR":         "127.0.0.1:" + port,
	})
	done := make(chan int)
	go func() { done <- run(ctx, e, []string{"serve"}) }()
	waitFor(t, func() bool {
		resp, err := http.Get("http://127.0.0.1:" + port + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	cancel() // what SIGINT/SIGTERM do through signal.NotifyContext
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
}

func TestBadConfigExitsWithOneLine(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"unknown scheme", nil, []string{"serve", "--database-url", "mysql://root@x/db"}, `unknown scheme "mysql"`},
		{"missing directory", map[string]string{"XIAOZHI_DATABASE_URL": "/no/such/dir/x.db"}, []string{"serve"}, "database directory /no/such/dir"},
		{"port in use", map[string]string{"XIAOZHI_DATABASE_URL": filepath.Join(dir, "x.db")}, []string{"serve", "--addr", busy.Addr().String()}, "address already in use"},
		{"bad addr", nil, []string{"serve", "--addr", "8080"}, "want HOST:PORT"},
		{"bad mode", map[string]string{"XIAOZHI_MODE": "prod"}, []string{"serve"}, `--mode "prod"`},
		{"bad duration", map[string]string{"XIAOZHI_SHUTDOWN_TIMEOUT": "soon"}, []string{"serve"}, "XIAOZHI_SHUTDOWN_TIMEOUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, stderr := testEnv(tt.vars)
			code := run(context.Background(), e, tt.args)
			if code == 0 {
				t.Fatal("exit 0 for a bad configuration")
			}
			msg := strings.TrimSpace(stderr.String())
			if !strings.Contains(msg, tt.want) {
				t.Fatalf("stderr %q lacks %q", msg, tt.want)
			}
			if strings.Count(msg, "\n") != 0 || strings.Contains(msg, "goroutine") {
				t.Fatalf("want one line, got:\n%s", msg)
			}
		})
	}
}

func TestFlagsOverrideEnv(t *testing.T) {
	e, _, _ := testEnv(map[string]string{"XIAOZHI_ADDR": "127.0.0.1:1111", "XIAOZHI_LOG_LEVEL": "debug"})
	cfg, _, err := loadConfig("serve", e, []string{"--addr", "127.0.0.1:2222"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:2222" || cfg.LogLevel != "debug" {
		t.Fatalf("cfg = %+v", cfg)
	}
}

func TestMigrateCommand(t *testing.T) {
	e, out, stderr := testEnv(map[string]string{"XIAOZHI_DATABASE_URL": filepath.Join(t.TempDir(), "x.db")})
	if code := run(context.Background(), e, []string{"migrate"}); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out.String(), "database at migration") {
		t.Fatalf("output %q", out)
	}
}

func TestUnknownCommand(t *testing.T) {
	e, _, stderr := testEnv(nil)
	if code := run(context.Background(), e, []string{"frobnicate"}); code != 2 || !strings.Contains(stderr.String(), "unknown command") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func freePort(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(tb testing.TB, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatal("condition not met in 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

package pool_test

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/pool"
)

// read is Read with a generous bound, so a broken pool fails the test instead of hanging it.
func read(tb testing.TB, p *pool.Pool, img []byte) (kiosk.Document, error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return p.Read(ctx, img, kiosk.KindIDCardFront)
}

// MustRead reads a plain image, checks that it crossed intact, and returns the PID of the
// worker that read it.
func MustRead(tb testing.TB, p *pool.Pool, img []byte) int {
	tb.Helper()
	doc, err := read(tb, p, img)
	pid, err := checkDoc(doc, err, img)
	if err != nil {
		tb.Fatal(err)
	}
	return pid
}

// checkDoc checks a testReader's answer to img and returns the PID of the worker.
func checkDoc(doc kiosk.Document, err error, img []byte) (int, error) {
	if err != nil {
		return 0, fmt.Errorf("Read: %w", err)
	}
	wantCRC := strconv.FormatUint(uint64(crc32.ChecksumIEEE(img)), 16)
	if doc.Kind != kiosk.KindIDCardFront || doc.Fields["size"] != strconv.Itoa(len(img)) ||
		doc.Fields["crc"] != wantCRC || doc.Confidence["pid"] != 1 || !doc.HasFlag(kiosk.FlagGlare) {
		return 0, fmt.Errorf("Read = %+v, want kind %s, size %d, crc %s", doc, kiosk.KindIDCardFront, len(img), wantCRC)
	}
	return strconv.Atoi(doc.Fields["pid"])
}

// MustFailWith checks err's kiosk code and that its message is the user-facing Chinese one.
func MustFailWith(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := kiosk.ErrorCode(err); got != code {
		tb.Fatalf("error %v: code %q, want %q", err, got, code)
	}
	if msg := kiosk.ErrorMessage(err); !strings.ContainsAny(msg, "识别服务图片") {
		tb.Fatalf("error %v: message %q is not the user-facing one", err, msg)
	}
}

func TestReadParallel(t *testing.T) {
	p, _ := MustOpen(t, workerConfig("serve"))
	sizes := []int{0, 1, 4 << 10, 300 << 10, 1 << 20, 3 << 20}
	var wg sync.WaitGroup
	for range 4 {
		for _, n := range sizes {
			wg.Go(func() {
				img := photo(n)
				doc, err := read(t, p, img)
				if _, err := checkDoc(doc, err, img); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	s := p.Status()
	if s.Reads != int64(4*len(sizes)) || s.Failures != 0 || s.Alive != 2 || s.Restarts != 0 || !s.Ready() {
		t.Errorf("Status = %+v", s)
	}
	for _, w := range s.Workers {
		if w.RSSBytes <= 0 || w.Busy {
			t.Errorf("worker %+v: busy, or no resident size", w)
		}
	}
}

func TestReaderErrorsCrossThePipe(t *testing.T) {
	p, _ := MustOpen(t, workerConfig("serve"))

	_, err := read(t, p, op("unreadable"))
	MustFailWith(t, err, kiosk.EUNREADABLE)
	if got := kiosk.ErrorMessage(err); got != "图片无法识别，请重新拍摄。" {
		t.Errorf("message = %q", got)
	}

	// An error without a code is internal: generic message for users, its text for logs.
	_, err = read(t, p, op("plain"))
	if kiosk.ErrorCode(err) != kiosk.EINTERNAL || !strings.Contains(err.Error(), "plain failure") ||
		strings.Contains(kiosk.ErrorMessage(err), "plain") {
		t.Errorf("plain error came back as %v (message %q)", err, kiosk.ErrorMessage(err))
	}
	if s := p.Status(); s.Failures != 0 || s.Restarts != 0 || s.Crashes != 0 {
		t.Errorf("a reader's error counted against the pool: %+v", s)
	}
}

func TestPanicIsAnErrorAndWorkerSurvives(t *testing.T) {
	cfg := workerConfig("serve")
	cfg.Size = 1
	p, logs := MustOpen(t, cfg)
	before := MustRead(t, p, photo(10))

	_, err := read(t, p, op("panic"))
	if kiosk.ErrorCode(err) != kiosk.EINTERNAL || !strings.Contains(err.Error(), "test reader told to panic") {
		t.Fatalf("panic came back as %v", err)
	}
	if after := MustRead(t, p, photo(10)); after != before {
		t.Errorf("worker %d replaced by %d after a panic", before, after)
	}
	// The stack reaches the log through stderr, perhaps after the answer.
	MustEventually(t, "panic logged", func() bool { return strings.Contains(logs.String(), "panic in read") })
}

// A worker that dies mid-read fails that read cleanly; the next read gets a new worker.
func TestWorkerDiesMidRead(t *testing.T) {
	for _, how := range []string{"killed", "exit", "sigkill"} {
		t.Run(how, func(t *testing.T) {
			cfg := workerConfig("serve")
			cfg.Size = 1
			p, logs := MustOpen(t, cfg)
			first := MustRead(t, p, photo(10))

			errc := make(chan error, 1)
			if how == "killed" {
				pidfile := filepath.Join(t.TempDir(), "pid")
				go func() { _, err := read(t, p, op("hang pidfile="+pidfile)); errc <- err }()
				if err := syscall.Kill(waitPID(t, pidfile), syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
			} else {
				go func() { _, err := read(t, p, op(how)); errc <- err }()
			}
			MustFailWith(t, <-errc, kiosk.EUNAVAILABLE)

			if next := MustRead(t, p, photo(300<<10)); next == first {
				t.Errorf("read served by the dead worker %d", first)
			}
			s := p.Status()
			if s.Crashes != 1 || s.Restarts != 1 || s.Failures != 1 || s.Alive != 1 {
				t.Errorf("Status = %+v", s)
			}
			if !strings.Contains(logs.String(), "reason=crashed") {
				t.Errorf("crash not logged:\n%s", logs)
			}
		})
	}
}

func TestHangPastDeadline(t *testing.T) {
	cfg := workerConfig("serve")
	cfg.Size = 1
	cfg.ReadTimeout = time.Second
	p, _ := MustOpen(t, cfg)
	first := MustRead(t, p, photo(10))

	start := time.Now()
	_, err := read(t, p, op("sleep d=1h"))
	MustFailWith(t, err, kiosk.EUNAVAILABLE)
	if !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "timeout") {
		t.Errorf("error %v does not say it timed out", err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("hung read returned after %v, deadline 1s", d)
	}
	if next := MustRead(t, p, photo(10)); next == first {
		t.Errorf("hung worker %d still serving", first)
	}
	if s := p.Status(); s.Timeouts != 1 || s.Restarts != 1 {
		t.Errorf("Status = %+v", s)
	}
}

// memoryConfig caps workers well above a test worker's resident size (race-enabled builds
// included) and well below what the greedy reads touch.
func memoryConfig() pool.Config {
	cfg := workerConfig("serve")
	cfg.Size = 1
	cfg.MemoryLimitBytes = 256 << 20
	cfg.MemoryCheckInterval = 50 * time.Millisecond
	return cfg
}

func TestMemoryCapDuringRead(t *testing.T) {
	p, logs := MustOpen(t, memoryConfig())
	first := MustRead(t, p, photo(10))

	_, err := read(t, p, op("grow mib=400"))
	MustFailWith(t, err, kiosk.EUNAVAILABLE)
	if !strings.Contains(err.Error(), "memory") {
		t.Errorf("error %v does not name the memory cap", err)
	}
	if next := MustRead(t, p, photo(10)); next == first {
		t.Errorf("oversized worker %d still serving", first)
	}
	if s := p.Status(); s.MemoryKills != 1 || s.Restarts != 1 {
		t.Errorf("Status = %+v", s)
	}
	if !strings.Contains(logs.String(), "reason=memory") {
		t.Errorf("memory kill not logged:\n%s", logs)
	}
}

// Memory a read leaves behind does not fail that read, but the worker is recycled. The
// sampler is slowed down so that only the check after each answer can see the growth.
func TestMemoryCapAfterRead(t *testing.T) {
	cfg := memoryConfig()
	cfg.MemoryCheckInterval = time.Hour
	p, _ := MustOpen(t, cfg)
	first := MustRead(t, p, photo(10))

	if _, err := read(t, p, op("leak mib=400")); err != nil {
		t.Fatalf("leaking read: %v", err)
	}
	if next := MustRead(t, p, photo(10)); next == first {
		t.Errorf("oversized worker %d still serving", first)
	}
	if s := p.Status(); s.MemoryKills != 1 || s.Failures != 0 {
		t.Errorf("Status = %+v", s)
	}
}

func TestContextWhileWaiting(t *testing.T) {
	cfg := workerConfig("serve")
	cfg.Size = 1
	p, _ := MustOpen(t, cfg)
	pidfile := filepath.Join(t.TempDir(), "pid")
	errc := make(chan error, 1)
	go func() { _, err := read(t, p, op("hang pidfile="+pidfile)); errc <- err }()
	pid := waitPID(t, pidfile)

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := p.Read(ctx, photo(10), kiosk.KindIDCardBack)
	MustFailWith(t, err, kiosk.EUNAVAILABLE)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not match context.DeadlineExceeded", err)
	}
	if s := p.Status(); s.Waiting != 0 || s.Busy != 1 {
		t.Errorf("Status = %+v", s)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	MustFailWith(t, <-errc, kiosk.EUNAVAILABLE)
}

// A caller that gives up mid-read gets an error at once; the worker finishes the read in the
// background and stays.
func TestContextMidRead(t *testing.T) {
	cfg := workerConfig("serve")
	cfg.Size = 1
	p, _ := MustOpen(t, cfg)
	first := MustRead(t, p, photo(10))

	ctx, cancel := context.WithCancel(context.Background())
	pidfile := filepath.Join(t.TempDir(), "pid")
	errc := make(chan error, 1)
	go func() { _, err := p.Read(ctx, op("sleep d=300ms pidfile="+pidfile), kiosk.KindAuto); errc <- err }()
	waitPID(t, pidfile)
	cancel()
	err := <-errc
	MustFailWith(t, err, kiosk.EUNAVAILABLE)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not match context.Canceled", err)
	}
	if next := MustRead(t, p, photo(10)); next != first {
		t.Errorf("worker %d replaced by %d after a cancelled read", first, next)
	}
}

func TestCloseWithReadsInFlight(t *testing.T) {
	cfg := workerConfig("serve")
	cfg.StopTimeout = 2 * time.Second
	p, _ := MustOpen(t, cfg)
	dir := t.TempDir()
	type outcome struct {
		name string
		err  error
	}
	out := make(chan outcome, 3)
	start := func(name string, img []byte) {
		go func() { _, err := read(t, p, img); out <- outcome{name, err} }()
	}
	start("finishing", op("sleep d=500ms pidfile="+filepath.Join(dir, "a")))
	start("hung", op("hang pidfile="+filepath.Join(dir, "b")))
	waitPID(t, filepath.Join(dir, "a"))
	waitPID(t, filepath.Join(dir, "b"))
	start("queued", photo(10))
	MustEventually(t, "a read queued", func() bool { return p.Status().Waiting > 0 })

	p.Close()
	got := map[string]error{}
	for range 3 {
		o := <-out
		got[o.name] = o.err
	}
	if got["finishing"] != nil {
		t.Errorf("read in flight at Close: %v, want its result", got["finishing"])
	}
	MustFailWith(t, got["hung"], kiosk.EUNAVAILABLE)
	MustFailWith(t, got["queued"], kiosk.EUNAVAILABLE)
	_, err := read(t, p, photo(10))
	MustFailWith(t, err, kiosk.EUNAVAILABLE)
	if s := p.Status(); s.Alive != 0 {
		t.Errorf("after Close: %+v", s)
	}
}

func TestOversizedImage(t *testing.T) {
	cfg := workerConfig("serve")
	cfg.MaxImageBytes = 1 << 10
	p, _ := MustOpen(t, cfg)
	_, err := read(t, p, photo(1<<10+1))
	MustFailWith(t, err, kiosk.EUNREADABLE)
	MustRead(t, p, photo(1<<10))
}

// Stray prints of C libraries cannot break the stream, and stderr reaches the log.
func TestStrayOutput(t *testing.T) {
	p, logs := MustOpen(t, workerConfig("serve"))
	pid := MustRead(t, p, op("noise"))
	if s := p.Status(); s.Crashes != 0 {
		t.Errorf("stray output broke the worker: %+v", s)
	}
	// Stderr is logged as it arrives, after the answer perhaps.
	for _, want := range []string{"stray line on stdout", "stray line on stderr", "pid=" + strconv.Itoa(pid)} {
		MustEventually(t, "log has "+want, func() bool { return strings.Contains(logs.String(), want) })
	}
}

func TestWorkerBreaksProtocol(t *testing.T) {
	cfg := workerConfig("liar")
	cfg.Size = 1
	p, logs := MustOpen(t, cfg)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := read(t, p, photo(10))
	MustFailWith(t, err, kiosk.EUNAVAILABLE)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
		t.Errorf("a lying worker made the pool allocate %d bytes", grown)
	}
	MustEventually(t, "worker replaced", func() bool { return p.Status().Restarts > 0 })
	if s := p.Status(); s.Crashes != 1 || !strings.Contains(logs.String(), "reason=protocol") {
		t.Errorf("Status = %+v; log:\n%s", s, logs)
	}
}

// A worker that keeps failing to start is retried with backoff; the pool reports itself not
// ready meanwhile, reads fail when their deadline passes, and it recovers once workers start.
func TestCrashLoopAndRecovery(t *testing.T) {
	block := filepath.Join(t.TempDir(), "block")
	cfg := workerConfig("serve-unless-blocked")
	cfg.Env = append(cfg.Env, blockEnv+"="+block)
	cfg.Size = 1
	cfg.ReadTimeout = 300 * time.Millisecond
	cfg.MaxRestartDelay = 100 * time.Millisecond
	p, _ := MustOpen(t, cfg)
	first := MustRead(t, p, photo(10))

	if err := os.WriteFile(block, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(first, syscall.SIGKILL)
	MustEventually(t, "restarts failing", func() bool { return p.Status().StartFailures >= 3 })
	if s := p.Status(); s.Ready() {
		t.Errorf("Status = %+v, want not ready", s)
	}
	_, err := read(t, p, photo(10))
	MustFailWith(t, err, kiosk.EUNAVAILABLE)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not match context.DeadlineExceeded", err)
	}

	os.Remove(block)
	MustEventually(t, "ready again", func() bool { return p.Status().Ready() })
	MustRead(t, p, photo(10))
}

func TestOpenFails(t *testing.T) {
	tests := []struct {
		name, mode, want string
		command          []string
	}{
		{"no such command", "serve", "no such file", []string{"/nonexistent/xiaozhi", "ocr-worker"}},
		{"exits at start", "exit", "EOF", nil},
		{"other protocol version", "bad-version", "version 99", nil},
		{"never ready", "silent", "timeout", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			cfg := workerConfig(tt.mode)
			cfg.StartTimeout = 500 * time.Millisecond
			if tt.command != nil {
				cfg.Command = tt.command
			}
			p, err := pool.Open(context.Background(), cfg, nil)
			if err == nil {
				p.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open: %v, want %q", err, tt.want)
			}
			MustHaveNoChildren(t)
			MustSettleGoroutines(t, before)
		})
	}
	if _, err := pool.Open(context.Background(), pool.Config{}, nil); err == nil {
		t.Error("Open without a command succeeded")
	}
}

func TestOpenRespectsContext(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := pool.Open(ctx, workerConfig("silent"), nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Open: %v, want context.DeadlineExceeded", err)
	}
	MustHaveNoChildren(t)
	MustSettleGoroutines(t, before)
}

// TestReadyOnOpen: Open returns only when its workers count as alive, so that a readiness
// check right after start-up (a load balancer's first probe) finds the pool ready.
func TestReadyOnOpen(t *testing.T) {
	for range 5 {
		cfg := workerConfig("serve")
		cfg.Size = 1
		p, _ := MustOpen(t, cfg)
		if s := p.Status(); !s.Ready() || s.Alive != 1 {
			t.Fatalf("just opened: Status = %+v", s)
		}
		p.Close()
	}
}

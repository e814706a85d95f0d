package pool_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"math/rand/v2"
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

// The tests run real worker processes: the test binary itself, re-executed with workerEnv
// set, which TestMain turns into a worker around testReader instead of running the tests.
const (
	workerEnv = "XIAOZHI_POOL_TEST_WORKER"
	blockEnv  = "XIAOZHI_POOL_TEST_BLOCK"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(workerEnv); mode != "" {
		os.Exit(runWorker(mode))
	}
	os.Exit(m.Run())
}

// runWorker is the worker's main. mode "serve" is a normal worker; the others misbehave at
// start, to test Open.
func runWorker(mode string) int {
	switch mode {
	case "exit":
		return 3
	case "silent":
		time.Sleep(time.Hour)
		return 0
	case "bad-version":
		// A worker from another release: a well-formed ready frame with another version.
		os.Stdout.Write(rawFrame(`{"type":"ready","version":99}`, 0))
		time.Sleep(time.Hour)
		return 0
	case "liar":
		// A broken worker that answers every request with a frame claiming a 1 GiB header.
		os.Stdout.Write(rawFrame(`{"type":"ready","version":1}`, 0))
		var prefix [12]byte
		for {
			if _, err := io.ReadFull(os.Stdin, prefix[:]); err != nil {
				return 0
			}
			n := int64(binary.BigEndian.Uint32(prefix[4:])) + int64(binary.BigEndian.Uint32(prefix[8:]))
			io.CopyN(io.Discard, os.Stdin, n)
			binary.BigEndian.PutUint32(prefix[4:], 1<<30)
			binary.BigEndian.PutUint32(prefix[8:], 0)
			os.Stdout.Write(prefix[:])
		}
	case "serve-unless-blocked":
		// A worker that cannot start while the file named by blockEnv exists.
		if _, err := os.Stat(os.Getenv(blockEnv)); err == nil {
			fmt.Fprintln(os.Stderr, "blocked")
			return 1
		}
	}
	out, err := pool.ProtocolStdout()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := pool.Serve(context.Background(), testReader{}, os.Stdin, out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// rawFrame builds a frame by hand, for workers that break the protocol on purpose.
func rawFrame(header string, payloadLen uint32) []byte {
	var prefix [12]byte
	binary.BigEndian.PutUint32(prefix[0:], 0x585a4f31)
	binary.BigEndian.PutUint32(prefix[4:], uint32(len(header)))
	binary.BigEndian.PutUint32(prefix[8:], payloadLen)
	return append(prefix[:], header...)
}

// benchKind asks testReader to answer at once, so that benchmarks time the pool alone.
const benchKind kiosk.DocKind = "bench"

// testReader answers with its PID and a checksum of the image, or, for an image that starts
// with "op NAME key=value...\n", misbehaves as told:
//
//	sleep d=DUR [pidfile=P]  sleep (ignoring ctx, like Tesseract), then answer
//	hang pidfile=P           write the PID to P, then sleep for an hour
//	exit | sigkill           die with exit status 2 | by SIGKILL
//	panic                    panic
//	grow mib=N               touch N MiB, then hang holding it
//	leak mib=N               touch N MiB, keep it, and answer
//	unreadable | plain       return EUNREADABLE | an error without a code
//	noise                    print to stdout and stderr, then answer
type testReader struct{}

var leaked [][]byte

func (testReader) Read(ctx context.Context, img []byte, kind kiosk.DocKind) (kiosk.Document, error) {
	if kind == benchKind {
		return kiosk.Document{Kind: kind, Fields: map[string]string{"name": "张三"}}, nil
	}
	op, args := parseOp(img)
	if p := args["pidfile"]; p != "" {
		writePID(p)
	}
	switch op {
	case "sleep":
		d, _ := time.ParseDuration(args["d"])
		time.Sleep(d)
	case "hang":
		time.Sleep(time.Hour)
	case "exit":
		os.Exit(2)
	case "sigkill":
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
	case "panic":
		panic("test reader told to panic")
	case "grow", "leak":
		n, _ := strconv.Atoi(args["mib"])
		b := make([]byte, n<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		leaked = append(leaked, b)
		if op == "grow" {
			time.Sleep(time.Hour)
		}
	case "unreadable":
		return kiosk.Document{}, kiosk.Errorf(kiosk.EUNREADABLE, "图片无法识别，请重新拍摄。")
	case "plain":
		return kiosk.Document{}, errors.New("tesseract: plain failure")
	case "noise":
		fmt.Println("stray line on stdout")
		fmt.Fprintln(os.Stderr, "stray line on stderr")
	}
	return kiosk.Document{
		Kind: kind,
		Fields: map[string]string{
			"pid":  strconv.Itoa(os.Getpid()),
			"size": strconv.Itoa(len(img)),
			"crc":  strconv.FormatUint(uint64(crc32.ChecksumIEEE(img)), 16),
		},
		Confidence: map[string]float64{"pid": 1},
		Flags:      []string{kiosk.FlagGlare},
	}, nil
}

func parseOp(img []byte) (string, map[string]string) {
	if !bytes.HasPrefix(img, []byte("op ")) {
		return "", nil
	}
	line, _, _ := bytes.Cut(img[3:], []byte("\n"))
	f := strings.Fields(string(line))
	args := map[string]string{}
	for _, kv := range f[1:] {
		k, v, _ := strings.Cut(kv, "=")
		args[k] = v
	}
	return f[0], args
}

func writePID(path string) {
	tmp := path + ".tmp"
	os.WriteFile(tmp, []byte(strconv.Itoa(os.Getpid())), 0o600)
	os.Rename(tmp, path)
}

// op builds a test image carrying an instruction for testReader.
func op(s string) []byte { return []byte("op " + s + "\n") }

// photo returns n bytes of noise, standing in for an encoded image.
func photo(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 7))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// workerConfig is a pool of test workers with generous limits; tests tighten what they test.
func workerConfig(mode string) pool.Config {
	return pool.Config{
		Command: []string{os.Args[0], "-test.run=^$"},
		// A race-enabled worker otherwise sleeps a second on exit, to let reports flush.
		Env:          append(os.Environ(), workerEnv+"="+mode, "GORACE=atexit_sleep_ms=0"),
		Size:         2,
		ReadTimeout:  20 * time.Second,
		StartTimeout: 20 * time.Second,
		StopTimeout:  5 * time.Second,
		RestartDelay: 10 * time.Millisecond,
	}
}

// MustOpen opens a pool of test workers and, at cleanup, closes it and checks that no worker
// process and no goroutine outlived it.
func MustOpen(tb testing.TB, cfg pool.Config) (*pool.Pool, *logBuffer) {
	tb.Helper()
	before := runtime.NumGoroutine()
	logs := &logBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := pool.Open(ctx, cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		p.Close()
		MustHaveNoChildren(tb)
		MustSettleGoroutines(tb, before)
	})
	return p, logs
}

// MustHaveNoChildren fails if this process still has children: a live worker or a zombie
// that nobody waited for. It scans /proc for processes whose parent is this one.
func MustHaveNoChildren(tb testing.TB) {
	tb.Helper()
	var kids []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if kids = children(); len(kids) == 0 {
			return
		}
	}
	tb.Errorf("child processes left behind: %v", kids)
}

func children() []string {
	self := strconv.Itoa(os.Getpid())
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var kids []string
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 1 && f[1] == self {
			kids = append(kids, filepath.Base(filepath.Dir(path))+" state "+f[0])
		}
	}
	return kids
}

// MustSettleGoroutines fails unless the goroutine count falls back to at most before.
func MustSettleGoroutines(tb testing.TB, before int) {
	tb.Helper()
	n := 0
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if n = runtime.NumGoroutine(); n <= before {
			return
		}
	}
	buf := make([]byte, 1<<20)
	tb.Errorf("goroutines: %d before, %d after Close\n%s", before, n, buf[:runtime.Stack(buf, true)])
}

// logBuffer collects a pool's log output; the pool logs from its own goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// MustEventually waits up to 20 seconds for cond, a bound meant only to fail a broken pool
// rather than hang the run.
func MustEventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	tb.Fatalf("gave up waiting: %s", what)
}

// waitPID waits for a test worker to write its PID to path.
func waitPID(tb testing.TB, path string) int {
	tb.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil {
			pid, _ := strconv.Atoi(string(b))
			return pid
		}
	}
	tb.Fatalf("no worker wrote %s", path)
	return 0
}

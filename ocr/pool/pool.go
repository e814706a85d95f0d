package pool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// User-facing messages of the pool's own failures. Each read that fails this way escalates
// the case, so the messages say a person will help rather than ask for a retake.
const (
	msgUnavailable = "证件识别服务暂时不可用，请稍候重试或由工作人员协助办理。"
	msgTimeout     = "证件识别超时，请稍候重试或由工作人员协助办理。"
	msgTooLarge    = "图片过大，无法识别，请重新拍摄。"
)

// Config configures a Pool. Zero fields take the defaults given beside them; cmd/xiaozhi
// fills it from the service's configuration.
type Config struct {
	// Command is the worker's argv, e.g. {os.Executable(), "ocr-worker", "--tessdata", dir}.
	Command []string
	// Env is the worker's environment; nil inherits the service's, as in exec.Cmd.
	Env []string
	// Size is the number of workers kept running (2). Each holds its own Tesseract clients,
	// so size it to the cores reading may use.
	Size int
	// ReadTimeout bounds one read (10s): a caller waits at most this long in all, and a
	// worker that has not answered this long after it received the request is killed. The
	// two clocks differ on purpose: time spent queueing for a worker under load must not get
	// a healthy worker killed.
	ReadTimeout time.Duration
	// StartTimeout bounds a worker's start, until its reader is warm (30s).
	StartTimeout time.Duration
	// StopTimeout is how long Close lets a worker finish its current read before killing it (5s).
	StopTimeout time.Duration
	// MemoryLimitBytes caps a worker's resident memory (1 GiB); negative turns the cap off.
	MemoryLimitBytes int64
	// MemoryCheckInterval is how often a worker's resident memory is sampled (250ms).
	MemoryCheckInterval time.Duration
	// MaxImageBytes is the largest image accepted (16 MiB, at most MaxImageLimit).
	MaxImageBytes int
	// RestartDelay and MaxRestartDelay bound the backoff between restarts of a worker that
	// keeps failing soon after it starts (100ms, 10s). A worker that served reads is
	// replaced at once.
	RestartDelay    time.Duration
	MaxRestartDelay time.Duration
}

// healthyLife is how long a worker must have run, if it answered no read, for its death not
// to count as a crash loop.
const healthyLife = 10 * time.Second

func (c Config) withDefaults() (Config, error) {
	if len(c.Command) == 0 || c.Command[0] == "" {
		return c, errors.New("ocr pool: no worker command")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Size <= 0 {
		c.Size = 2
	}
	def(&c.ReadTimeout, 10*time.Second)
	def(&c.StartTimeout, 30*time.Second)
	def(&c.StopTimeout, 5*time.Second)
	def(&c.MemoryCheckInterval, 250*time.Millisecond)
	def(&c.RestartDelay, 100*time.Millisecond)
	def(&c.MaxRestartDelay, 10*time.Second)
	if c.MemoryLimitBytes == 0 {
		c.MemoryLimitBytes = 1 << 30
	}
	if c.MaxImageBytes <= 0 {
		c.MaxImageBytes = 16 << 20
	}
	if c.MaxImageBytes > MaxImageLimit {
		return c, fmt.Errorf("ocr pool: MaxImageBytes %d exceeds the protocol's %d", c.MaxImageBytes, MaxImageLimit)
	}
	return c, nil
}

// Pool is a supervised set of worker processes that read documents. It implements
// kiosk.Reader and is safe for concurrent use. Open starts it; Close stops it.
type Pool struct {
	cfg    Config
	logger *slog.Logger
	ctx    context.Context // done when Close begins; stops the slot goroutines
	cancel context.CancelFunc
	wg     sync.WaitGroup // slot goroutines
	once   sync.Once
	nextID atomic.Uint64

	mu      sync.Mutex
	closed  bool
	idle    []*worker        // ready workers, oldest first
	workers map[*worker]bool // all running workers, for Status
	wake    chan struct{}    // closed and replaced when idle gains a worker or the pool closes
	waiting int              // reads queued for a worker

	reads, failures, restarts, startFailures atomic.Int64
	crashes, timeouts, memoryKills           atomic.Int64
}

var _ kiosk.Reader = (*Pool)(nil)

// Open starts cfg.Size workers and returns once every one of them is ready. It fails if any
// of them cannot start, or when ctx is done first; ctx bounds only the start, not the pool.
// Workers that die later are replaced in the background, with backoff while they keep
// failing. logger receives worker events and the workers' standard error.
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*Pool, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	p := &Pool{
		cfg:     cfg,
		logger:  logger.With("component", "ocr_pool"),
		workers: make(map[*worker]bool),
		wake:    make(chan struct{}),
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	first := make(chan error, cfg.Size)
	for i := range cfg.Size {
		p.wg.Add(1)
		go p.runSlot(i, first)
	}
	for range cfg.Size {
		select {
		case err = <-first:
		case <-ctx.Done():
			err = fmt.Errorf("ocr pool: start: %w", context.Cause(ctx))
		}
		if err != nil {
			p.Close()
			return nil, err
		}
	}
	return p, nil
}

// Read reads one document in a worker process. It implements kiosk.Reader.
//
// It returns the reader's own result or error unchanged (EUNREADABLE stays EUNREADABLE), and
// EUNAVAILABLE when no worker could answer: the pool is closed, ctx ended or the read deadline
// passed (errors.Is matches the context's error), or the worker crashed, hung or outgrew its
// memory cap. An image larger than MaxImageBytes is EUNREADABLE. img is not used after Read
// returns.
func (p *Pool) Read(ctx context.Context, img []byte, kind kiosk.DocKind) (kiosk.Document, error) {
	p.reads.Add(1)
	if len(img) > p.cfg.MaxImageBytes {
		return kiosk.Document{}, &kiosk.Error{Code: kiosk.EUNREADABLE, Message: msgTooLarge}
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.ReadTimeout)
	defer cancel()
	w, err := p.acquire(ctx)
	if err != nil {
		p.failures.Add(1)
		return kiosk.Document{}, err
	}
	req := frameHeader{
		Type: typeRead, ID: p.nextID.Add(1), Kind: string(kind),
		TimeoutMS: p.cfg.ReadTimeout.Milliseconds(),
	}
	written := make(chan struct{})
	done := make(chan readResult, 1) // buffered: exchange finishes even when nobody waits
	go func() { done <- p.exchange(w, req, img, written) }()
	select {
	case r := <-done:
		if r.unavailable {
			p.failures.Add(1)
		}
		return r.doc, r.err
	case <-ctx.Done():
		// The worker keeps the read and finishes it in the background (Tesseract cannot be
		// stopped anyway), unless the request is still being written: img belongs to the
		// caller once we return, and half a frame leaves the worker unusable.
		select {
		case <-written:
		default:
			w.kill(reasonCancelled)
			<-written
		}
		p.failures.Add(1)
		return kiosk.Document{}, ctxError(ctx, "read")
	}
}

type readResult struct {
	doc         kiosk.Document
	err         error
	unavailable bool
}

// exchange runs one request on w, which it owns until it releases it.
func (p *Pool) exchange(w *worker, req frameHeader, img []byte, written chan<- struct{}) readResult {
	defer p.release(w)
	res, err := w.roundTrip(req, img, time.Now().Add(p.cfg.ReadTimeout), written)
	if err != nil {
		reason, msg := reasonCrashed, msgUnavailable
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			reason, msg = reasonTimeout, msgTimeout
		case errors.Is(err, errProtocol):
			reason = reasonProtocol
		}
		w.kill(reason)
		if r := w.endReason(); r != reason {
			reason = r // the memory sampler, a canceller or Close got there first
		}
		return readResult{
			err:         fmt.Errorf("ocr pool: worker %d %s: %v: %w", w.pid, reason, err, &kiosk.Error{Code: kiosk.EUNAVAILABLE, Message: msg}),
			unavailable: true,
		}
	}
	w.reads.Add(1)
	// Memory a read leaves behind (a leak, a fragmented heap) shows between reads. The
	// answer is good; the worker is retired rather than risk the next read.
	if rss, ok := rssBytes(w.pid); ok && p.overLimit(rss) {
		w.kill(reasonMemory)
	}
	if res.Err != nil {
		return readResult{err: res.Err.error()}
	}
	return readResult{doc: res.Doc.document()}
}

// acquire takes an idle worker, waiting until one is free, the pool closes or ctx is done.
func (p *Pool) acquire(ctx context.Context) (*worker, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if p.closed {
			return nil, fmt.Errorf("ocr pool: closed: %w", &kiosk.Error{Code: kiosk.EUNAVAILABLE, Message: msgUnavailable})
		}
		for len(p.idle) > 0 {
			w := p.idle[0]
			p.idle = p.idle[1:]
			// A worker can die while idle; its slot goroutine removes it, but maybe not yet.
			if w.hasExited() || w.endReason() != "" {
				continue
			}
			w.busy = true
			w.txn.Add(1) // under mu, so a slot goroutine that removed w sees it in txn.Wait
			return w, nil
		}
		wake := p.wake
		p.waiting++
		p.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
		}
		p.mu.Lock()
		p.waiting--
		if ctx.Err() != nil {
			return nil, ctxError(ctx, "wait for a worker")
		}
	}
}

// release returns w to the idle list unless it is ending or the pool is closing.
func (p *Pool) release(w *worker) {
	p.mu.Lock()
	w.busy = false
	// exited is closed before the slot goroutine removes w, so a worker that dies after
	// this check is still removed.
	if !p.closed && !w.hasExited() && w.endReason() == "" {
		p.idle = append(p.idle, w)
		p.broadcast()
	}
	p.mu.Unlock()
	w.txn.Done()
}

// broadcast wakes every waiting read; p.mu must be held.
func (p *Pool) broadcast() {
	close(p.wake)
	p.wake = make(chan struct{})
}

func (p *Pool) overLimit(rss int64) bool {
	return p.cfg.MemoryLimitBytes > 0 && rss > p.cfg.MemoryLimitBytes
}

// ctxError reports a read given up because ctx ended: EUNAVAILABLE for the user, and the
// context's error for errors.Is.
func ctxError(ctx context.Context, what string) error {
	msg := msgUnavailable
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		msg = msgTimeout
	}
	return fmt.Errorf("ocr pool: %s: %w: %w", what, context.Cause(ctx), &kiosk.Error{Code: kiosk.EUNAVAILABLE, Message: msg})
}

// Close stops the pool. New and queued reads fail with EUNAVAILABLE at once; each worker gets
// StopTimeout to finish the read it has (its caller gets the result) before it is killed.
// Close returns when every worker process has been waited for. It is safe to call twice.
func (p *Pool) Close() error {
	p.once.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.broadcast()
		p.mu.Unlock()
		p.cancel()
	})
	p.wg.Wait()
	return nil
}

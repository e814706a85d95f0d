package pool

import (
	"log/slog"
	"slices"
	"time"
)

// runSlot keeps one worker running until the pool closes: it starts one, supervises it, and
// starts the next when it ends. The first start's outcome goes to first, for Open.
func (p *Pool) runSlot(slot int, first chan<- error) {
	defer p.wg.Done()
	logger := p.logger.With("slot", slot)
	var delay time.Duration
	started, reported := false, false
	report := func(err error) {
		if !reported {
			first <- err
			reported = true
		}
	}
	for {
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-p.ctx.Done():
				t.Stop()
				return
			}
		}
		if p.ctx.Err() != nil {
			return
		}
		w, err := startWorker(p.ctx, &p.cfg, logger)
		if err != nil {
			report(err)
			if p.ctx.Err() != nil {
				return
			}
			p.startFailures.Add(1)
			delay = p.nextDelay(delay)
			logger.Error("ocr worker failed to start", "err", err, "retry_in", delay)
			continue
		}
		if started {
			p.restarts.Add(1)
		}
		started = true
		logger.Info("ocr worker ready", "pid", w.pid, "startup", time.Since(w.started).Round(time.Millisecond))

		p.mu.Lock()
		p.workers[w] = true
		p.idle = append(p.idle, w)
		p.broadcast()
		p.mu.Unlock()
		// Only now, with the worker counted in Status, may Open return: a readiness check
		// right after start-up must find it alive.
		report(nil)

		closing := p.supervise(w)

		p.mu.Lock()
		delete(p.workers, w)
		for i, v := range p.idle {
			if v == w {
				p.idle = append(p.idle[:i], p.idle[i+1:]...)
				break
			}
		}
		p.mu.Unlock()
		w.reap()
		p.logEnd(logger, w)
		if closing {
			return
		}
		if w.reads.Load() > 0 || time.Since(w.started) >= healthyLife {
			delay = 0
		} else {
			delay = p.nextDelay(delay)
		}
	}
}

// supervise watches a running worker until it exits, sampling its memory meanwhile, or until
// the pool closes, when it stops the worker. It reports whether the pool is closing.
//
// The memory cap is enforced from here, by the parent reading /proc/PID/statm, rather than
// by the worker limiting itself with setrlimit(RLIMIT_AS): the address-space limit counts
// reservations rather than use (the Go runtime, glibc's per-thread malloc arenas and the race
// detector reserve far more than they touch), so a limit loose enough to start under would
// not bound real memory; and a Go runtime that hits it dies with a fatal error the parent can
// only see as a crash. Resident memory is what exhausts the machine, and the parent can tell
// it apart and log it. A worker past the cap is killed whether it is reading (the read fails)
// or idle; exchange also checks right after each answer, so memory a read leaves behind
// retires the worker before the next read.
func (p *Pool) supervise(w *worker) (closing bool) {
	var tick <-chan time.Time
	if p.cfg.MemoryLimitBytes > 0 {
		t := time.NewTicker(p.cfg.MemoryCheckInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-w.exited:
			return false
		case <-p.ctx.Done():
			w.stop(p.cfg.StopTimeout)
			return true
		case <-tick:
			if rss, ok := rssBytes(w.pid); ok && p.overLimit(rss) {
				w.kill(reasonMemory)
			}
		}
	}
}

// logEnd records how a worker ended, once, from the goroutine that handles it.
func (p *Pool) logEnd(logger *slog.Logger, w *worker) {
	reason := w.endReason()
	switch reason {
	case "":
		reason = reasonCrashed
		p.crashes.Add(1)
	case reasonCrashed, reasonProtocol:
		p.crashes.Add(1)
	case reasonTimeout:
		p.timeouts.Add(1)
	case reasonMemory:
		p.memoryKills.Add(1)
	}
	args := []any{"pid", w.pid, "reason", reason, "status", exitStatus(w.waitErr),
		"reads", w.reads.Load(), "lifetime", time.Since(w.started).Round(time.Millisecond)}
	if reason == reasonStopped {
		logger.Info("ocr worker stopped", args...)
		return
	}
	logger.Warn("ocr worker ended; replacing it", args...)
}

func exitStatus(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// nextDelay doubles the restart backoff within [RestartDelay, MaxRestartDelay].
func (p *Pool) nextDelay(d time.Duration) time.Duration {
	return min(max(2*d, p.cfg.RestartDelay), p.cfg.MaxRestartDelay)
}

// Status is a snapshot of a pool for /readyz and metrics. Counters grow from Open.
type Status struct {
	Size          int            // workers the pool keeps running
	Alive         int            // workers started, ready and running
	Busy          int            // of those, reading now
	Waiting       int            // reads queued for a free worker
	Reads         int64          // Read calls
	Failures      int64          // reads that failed with EUNAVAILABLE
	Restarts      int64          // workers started to replace one that ended
	StartFailures int64          // starts that failed (bad command, no ready message in time)
	Crashes       int64          // workers that died unasked or broke the protocol
	Timeouts      int64          // workers killed for running past a read's deadline
	MemoryKills   int64          // workers killed or retired for exceeding the memory cap
	Workers       []WorkerStatus // one per running worker
}

// WorkerStatus describes one running worker.
type WorkerStatus struct {
	PID      int
	Busy     bool
	Reads    int64 // reads it answered
	RSSBytes int64 // resident memory, 0 when unknown
}

// Ready reports whether at least one worker can take reads.
func (s Status) Ready() bool { return s.Alive > 0 }

// Status returns a snapshot of the pool.
func (p *Pool) Status() Status {
	s := Status{
		Size: p.cfg.Size, Reads: p.reads.Load(), Failures: p.failures.Load(),
		Restarts: p.restarts.Load(), StartFailures: p.startFailures.Load(),
		Crashes: p.crashes.Load(), Timeouts: p.timeouts.Load(), MemoryKills: p.memoryKills.Load(),
	}
	p.mu.Lock()
	s.Waiting = p.waiting
	for w := range p.workers {
		if w.hasExited() {
			continue
		}
		s.Workers = append(s.Workers, WorkerStatus{PID: w.pid, Busy: w.busy, Reads: w.reads.Load()})
	}
	p.mu.Unlock()
	slices.SortFunc(s.Workers, func(a, b WorkerStatus) int { return a.PID - b.PID })
	for i := range s.Workers {
		s.Alive++
		if s.Workers[i].Busy {
			s.Busy++
		}
		s.Workers[i].RSSBytes, _ = rssBytes(s.Workers[i].PID)
	}
	return s
}

package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// PostgreSQL notification channels. Payloads are identifiers only; listeners read the rest
// from the database, so no personal data travels in a notification.
const (
	eventsChannel = "xiaozhi_events" // payload: a case event's seq
	staffChannel  = "xiaozhi_staff"  // payload: the ID of a staff account whose sessions ended
)

// notifyEvent tells every replica about a new case event. Inside the transaction that
// inserts the event, PostgreSQL delivers it at commit and drops it on rollback.
func notifyEvent(tx *gorm.DB, seq int64) error {
	return notify(tx, eventsChannel, strconv.FormatInt(seq, 10))
}

// notifyStaffEnded tells every replica to close a staff member's consoles.
func notifyStaffEnded(tx *gorm.DB, staffID string) error {
	return notify(tx, staffChannel, staffID)
}

func notify(tx *gorm.DB, channel, payload string) error {
	if tx.Dialector.Name() != "postgres" {
		return nil // SQLite serves one process, whose Feed already has the event
	}
	return tx.Exec("SELECT pg_notify(?, ?)", channel, payload).Error
}

// Listener brings case events committed by other replicas into this process's Feed, and
// ends consoles of accounts disabled elsewhere. It holds one dedicated connection (LISTEN
// needs a session of its own, outside the pool), reconnects with backoff, and after a
// reconnect reads the events it may have missed. Events this process published itself come
// back too; the Feed drops the repeats.
type Listener struct {
	DB         *DB
	Cases      *CaseStore
	Feed       *kiosk.Feed
	StaffEnded func(staffID string) // may be nil
	Logger     *slog.Logger

	ready     atomic.Bool
	listening chan struct{} // closed when first listening
	once      sync.Once
	lastSeq   int64
}

// NewListener returns a Listener that publishes into feed.
func NewListener(db *DB, cases *CaseStore, feed *kiosk.Feed, logger *slog.Logger) *Listener {
	return &Listener{DB: db, Cases: cases, Feed: feed, Logger: logger, listening: make(chan struct{})}
}

// Listening is closed once the listener first listens.
func (l *Listener) Listening() <-chan struct{} { return l.listening }

// Ready reports whether the listener is connected and listening; serve's readiness check
// asks it, so a replica takes no console before it can hear the others.
func (l *Listener) Ready() error {
	if !l.ready.Load() {
		return errors.New("not listening for notifications")
	}
	return nil
}

// Run listens until ctx ends.
func (l *Listener) Run(ctx context.Context) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		start := time.Now()
		err := l.listen(ctx)
		l.ready.Store(false)
		if ctx.Err() != nil {
			return
		}
		if time.Since(start) > time.Minute {
			backoff = 100 * time.Millisecond
		}
		l.Logger.WarnContext(ctx, "notification listener disconnected, reconnecting", "err", err, "backoff", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (l *Listener) listen(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, l.DB.URL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, ch := range []string{eventsChannel, staffChannel} {
		if _, err := conn.Exec(ctx, "LISTEN "+ch); err != nil {
			return err
		}
	}
	// Listening from here on: whatever committed before is in the table, whatever commits
	// after is notified. The first time, history is not replayed; after a reconnect, the gap is.
	if l.lastSeq == 0 {
		if err := l.DB.gorm.WithContext(ctx).Raw("SELECT COALESCE(MAX(seq), 0) FROM case_events").Scan(&l.lastSeq).Error; err != nil {
			return err
		}
	} else if err := l.catchUp(ctx); err != nil {
		return err
	}
	l.ready.Store(true)
	l.once.Do(func() { close(l.listening) })
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		switch n.Channel {
		case staffChannel:
			if l.StaffEnded != nil {
				l.StaffEnded(n.Payload)
			}
		case eventsChannel:
			seq, err := strconv.ParseInt(n.Payload, 10, 64)
			if err != nil {
				continue
			}
			if err := l.deliver(ctx, seq); err != nil {
				return err
			}
		}
	}
}

// deliver reads one event and publishes it.
func (l *Listener) deliver(ctx context.Context, seq int64) error {
	var rows []eventRow
	if err := l.DB.gorm.WithContext(ctx).Table("case_events").Where("seq = ?", seq).Find(&rows).Error; err != nil {
		return fmt.Errorf("read event %d: %w", seq, err)
	}
	for _, r := range rows {
		l.Feed.Publish(r.toDomain())
	}
	l.lastSeq = max(l.lastSeq, seq)
	return nil
}

// catchUp publishes the events committed while the listener was away.
func (l *Listener) catchUp(ctx context.Context) error {
	for {
		evs, err := l.Cases.EventsAfter(ctx, l.lastSeq, 500)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			l.Feed.Publish(ev)
			l.lastSeq = ev.Seq
		}
		if len(evs) < 500 {
			return nil
		}
	}
}

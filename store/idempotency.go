package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// Idempotency records the responses to requests that carry an Idempotency-Key, so that a
// client retrying after a lost response gets the first answer instead of a second case.
type Idempotency struct {
	db *DB
	// Poll is how often a duplicate waiting for the first request looks again.
	Poll time.Duration
}

// NewIdempotency returns an Idempotency on db.
func NewIdempotency(db *DB) *Idempotency { return &Idempotency{db: db, Poll: 20 * time.Millisecond} }

// errKeyReused is what Begin says when a key comes back with a different request: 422, as the
// IETF Idempotency-Key draft asks.
var errKeyReused = kiosk.Errorf(kiosk.EUNREADABLE, "该 Idempotency-Key 已用于内容不同的请求，请为新请求换一个键。")

// IsKeyReused reports whether err is Begin's answer to a key reused with another request.
func IsKeyReused(err error) bool { return errors.Is(err, errKeyReused) }

type idemRow struct {
	RequestHash []byte
	Status      int
	Body        []byte
}

// Begin claims (scope, key) for a request with the given hash. It returns status 0 when the
// caller holds the key and must run the request, then call Finish or Abandon. For a key seen
// before with the same hash it returns the recorded status and body, waiting while the first
// request is still running (until ctx ends: EUNAVAILABLE); with another hash, an EUNREADABLE
// error (IsKeyReused). The primary key makes the claim atomic, so of concurrent duplicates
// exactly one runs.
func (s *Idempotency) Begin(ctx context.Context, scope, key string, hash []byte) (int, []byte, error) {
	busy := kiosk.Errorf(kiosk.EUNAVAILABLE, "相同的请求正在处理中，请稍后重试。")
	for {
		if ctx.Err() != nil {
			return 0, nil, busy
		}
		res := s.db.gorm.WithContext(ctx).Exec(`INSERT INTO idempotency_keys (scope, key, request_hash, status, created_at)
			VALUES (?, ?, ?, 0, ?) ON CONFLICT DO NOTHING`, scope, key, hash, s.db.now())
		if res.Error != nil {
			if ctx.Err() != nil {
				return 0, nil, busy
			}
			return 0, nil, fmt.Errorf("store: idempotency: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			return 0, nil, nil
		}
		var row idemRow
		err := s.db.gorm.WithContext(ctx).Table("idempotency_keys").Where("scope = ? AND key = ?", scope, key).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			continue // abandoned between our insert and read: try to claim it again
		} else if err != nil {
			if ctx.Err() != nil {
				return 0, nil, busy
			}
			return 0, nil, fmt.Errorf("store: idempotency: %w", err)
		}
		if !bytes.Equal(row.RequestHash, hash) {
			return 0, nil, errKeyReused
		}
		if row.Status != 0 {
			return row.Status, row.Body, nil
		}
		t := time.NewTimer(s.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, nil, busy
		case <-t.C:
		}
	}
}

// Finish records the response of a request claimed with Begin.
func (s *Idempotency) Finish(ctx context.Context, scope, key string, status int, body []byte) error {
	err := s.db.gorm.WithContext(ctx).Exec(`UPDATE idempotency_keys SET status = ?, body = ? WHERE scope = ? AND key = ?`,
		status, body, scope, key).Error
	if err != nil {
		return fmt.Errorf("store: idempotency: %w", err)
	}
	return nil
}

// Abandon releases a claimed key without a response (the request failed for a reason a retry
// may not meet), so that a retry runs again.
func (s *Idempotency) Abandon(ctx context.Context, scope, key string) error {
	err := s.db.gorm.WithContext(ctx).Exec(`DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status = 0`,
		scope, key).Error
	if err != nil {
		return fmt.Errorf("store: idempotency: %w", err)
	}
	return nil
}

// PurgeIdempotency deletes keys recorded before t and returns how many went.
func (s *Idempotency) PurgeIdempotency(ctx context.Context, before time.Time) (int, error) {
	res := s.db.gorm.WithContext(ctx).Exec("DELETE FROM idempotency_keys WHERE created_at < ?", before.UTC())
	if res.Error != nil {
		return 0, fmt.Errorf("store: purge idempotency: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

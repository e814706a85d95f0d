package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

var _ kiosk.QueueStore = (*CaseStore)(nil)

// RenewLease implements kiosk.QueueStore. The holder, not the version, guards the update:
// a console's heartbeat must not fail because the case changed in a way that kept it held.
func (s *CaseStore) RenewLease(ctx context.Context, c *kiosk.Case, until time.Time) error {
	until = until.UTC().Truncate(time.Microsecond)
	var version int
	err := s.db.gorm.WithContext(ctx).Raw(`UPDATE cases SET lease_until = ?, version = version + 1
		WHERE id = ? AND state = ? AND holder = ? RETURNING version`,
		until, c.ID, string(kiosk.StateClaimed), c.Holder).Scan(&version).Error
	if err != nil {
		return fmt.Errorf("store: renew lease: %w", err)
	}
	if version == 0 {
		return kiosk.Errorf(kiosk.ECONFLICT, "该业务已不由您受理（租约已过期或已被改派）。")
	}
	c.LeaseUntil, c.Version = until, version
	return nil
}

// Waiting implements kiosk.QueueStore.
func (s *CaseStore) Waiting(ctx context.Context) ([]kiosk.Waiting, error) {
	queued := []string{string(kiosk.StateEscalated), string(kiosk.StateClaimed)}
	var since []struct {
		CaseID string
		At     time.Time
	}
	// A case leaves deciding once, so this is its first escalation; a release or a lapsed
	// lease returns it to the queue without restarting the citizen's wait.
	err := s.db.gorm.WithContext(ctx).Raw(`SELECT e.case_id, e.at FROM case_events e JOIN cases c ON c.id = e.case_id
		WHERE c.state IN ? AND e.from_state = ? AND e.to_state = ?`,
		queued, string(kiosk.StateDeciding), string(kiosk.StateEscalated)).Scan(&since).Error
	if err != nil {
		return nil, fmt.Errorf("store: waiting: %w", err)
	}
	var levels []struct {
		CaseID string
		Level  int
	}
	err = s.db.gorm.WithContext(ctx).Raw(`SELECT a.case_id, MAX(a.level) AS level FROM queue_alerts a
		JOIN cases c ON c.id = a.case_id WHERE c.state IN ? GROUP BY a.case_id`, queued).Scan(&levels).Error
	if err != nil {
		return nil, fmt.Errorf("store: waiting: %w", err)
	}
	byCase := map[string]int{}
	for _, l := range levels {
		byCase[l.CaseID] = l.Level
	}
	out := make([]kiosk.Waiting, len(since))
	for i, w := range since {
		out[i] = kiosk.Waiting{CaseID: w.CaseID, Since: w.At.UTC(), Level: byCase[w.CaseID]}
	}
	return out, nil
}

// RecordOverdue implements kiosk.QueueStore. The alert row's key decides which replica
// records a level; the event goes into the case's trail in the same transaction.
func (s *CaseStore) RecordOverdue(ctx context.Context, caseID string, level int) (kiosk.Event, bool, error) {
	now := s.db.now()
	ev := kiosk.Event{CaseID: caseID, From: kiosk.StateEscalated, To: kiosk.StateEscalated, Actor: "system",
		Reason: kiosk.ReasonOverdue + ":" + strconv.Itoa(level), At: now}
	recorded := false
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`INSERT INTO queue_alerts (case_id, level, at) SELECT ?, ?, ?
			WHERE EXISTS (SELECT 1 FROM cases WHERE id = ? AND state = ?) ON CONFLICT DO NOTHING`,
			caseID, level, now, caseID, string(kiosk.StateEscalated))
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		seq, err := insertEvent(tx, ev)
		ev.Seq, recorded = seq, err == nil
		return err
	})
	if err != nil {
		return kiosk.Event{}, false, fmt.Errorf("store: record overdue: %w", err)
	}
	return ev, recorded, nil
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

var _ kiosk.AuditLog = (*AuditLog)(nil)

// AuditLog implements kiosk.AuditLog. Rows are only ever inserted.
type AuditLog struct {
	db *DB
}

// NewAuditLog returns an AuditLog on db.
func NewAuditLog(db *DB) *AuditLog { return &AuditLog{db: db} }

type auditRow struct {
	ID      int64
	At      time.Time
	Actor   string
	Action  string
	CaseID  string
	Outcome string
	Detail  string
}

func (auditRow) TableName() string { return "audit_log" }

// Record implements kiosk.AuditLog.
func (l *AuditLog) Record(ctx context.Context, e kiosk.AuditEntry) error {
	at := e.At.UTC().Truncate(time.Microsecond)
	if e.At.IsZero() {
		at = l.db.now()
	}
	err := l.db.gorm.WithContext(ctx).Exec(`INSERT INTO audit_log (at, actor, action, case_id, outcome, detail)
		VALUES (?, ?, ?, ?, ?, ?)`, at, e.Actor, e.Action, e.CaseID, e.Outcome, e.Detail).Error
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// Entries implements kiosk.AuditLog.
func (l *AuditLog) Entries(ctx context.Context, caseID string, limit int) ([]kiosk.AuditEntry, error) {
	q := l.db.gorm.WithContext(ctx).Order("id DESC").Limit(limit)
	if caseID != "" {
		q = q.Where("case_id = ?", caseID)
	}
	var rows []auditRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: audit entries: %w", err)
	}
	out := make([]kiosk.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = kiosk.AuditEntry{At: r.At.UTC(), Actor: r.Actor, Action: r.Action, CaseID: r.CaseID, Outcome: r.Outcome, Detail: r.Detail}
	}
	return out, nil
}

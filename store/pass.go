package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

var _ kiosk.PassLedger = (*PassStore)(nil)

// PassStore keeps issued passes (kiosk.PassLedger), their revocations, and which
// mini-program driver owns which case.
type PassStore struct {
	db     *DB
	sealer *Sealer
}

// NewPassStore returns a PassStore on db that seals pass details with sealer.
func NewPassStore(db *DB, sealer *Sealer) *PassStore { return &PassStore{db: db, sealer: sealer} }

type passRow struct {
	Number       string
	CaseID       string
	Matter       string
	PlateHash    []byte
	Zone         string
	ValidFrom    string
	ValidUntil   string
	IssuedOn     string
	KeyID        string
	Data         []byte
	IssuedAt     time.Time
	RevokedAt    *time.Time
	RevokeReason string
}

func (passRow) TableName() string { return "passes" }

// passData is the sealed part of a pass row: the plate and the token (which carries it).
type passData struct {
	Plate string `json:"plate"`
	Hours string `json:"hours"`
	Token string `json:"token"`
}

func passAAD(number string) []byte { return []byte("pass\x00" + number) }

func (s *PassStore) plateHash(plate string) []byte { return s.sealer.Hash("pass/plate", plate) }

// AddPass implements kiosk.PassLedger.
func (s *PassStore) AddPass(ctx context.Context, p *kiosk.Pass) (*kiosk.Pass, error) {
	data, err := json.Marshal(passData{Plate: p.Plate, Hours: p.Hours, Token: p.Token})
	if err != nil {
		return nil, fmt.Errorf("store: add pass: %w", err)
	}
	row := passRow{Number: p.Number, CaseID: p.CaseID, Matter: p.Matter, PlateHash: s.plateHash(p.Plate),
		Zone: p.Zone, ValidFrom: p.ValidFrom.String(), ValidUntil: p.ValidUntil.String(),
		IssuedOn: ident.Today(p.IssuedAt).String(), KeyID: p.KeyID,
		Data: s.sealer.Seal(data, passAAD(p.Number)), IssuedAt: p.IssuedAt.UTC()}
	err = s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if p.Matter == kiosk.MatterTruckPass {
			if err := s.lockVehicleZone(tx, row.PlateHash, row.Zone); err != nil {
				return err
			}
		}
		// A second issue of the same case (recovery after a crash) must find the first pass.
		res := tx.Exec(`INSERT INTO passes (number, case_id, matter, plate_hash, zone,
			valid_from, valid_until, issued_on, key_id, data, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, row.Number, row.CaseID, row.Matter, row.PlateHash, row.Zone,
			row.ValidFrom, row.ValidUntil, row.IssuedOn, row.KeyID, row.Data, row.IssuedAt)
		if res.Error != nil || res.RowsAffected == 0 || p.Matter != kiosk.MatterTruckPass {
			return res.Error
		}
		// Checked after the insert, under the lock: of concurrent issuers for one vehicle and
		// zone, the first to commit keeps its pass and every later one sees it here.
		var others int64
		if err := tx.Model(&passRow{}).Where(`matter = ? AND plate_hash = ? AND zone = ? AND revoked_at IS NULL
			AND valid_from <= ? AND valid_until >= ? AND case_id <> ?`, kiosk.MatterTruckPass, row.PlateHash, row.Zone,
			row.ValidUntil, row.ValidFrom, row.CaseID).Count(&others).Error; err != nil {
			return err
		}
		if others > 0 {
			return kiosk.ErrDuplicatePass
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: add pass: %w", err)
	}
	got, err := s.CasePass(ctx, p.CaseID)
	if kiosk.ErrorCode(err) == kiosk.ENOTFOUND {
		// The number belongs to another case: pass numbers derive from the facts, so two
		// cases decided on identical facts collide. That is a conflict for staff, not a pass.
		return nil, kiosk.Errorf(kiosk.ECONFLICT, "通行证编号重复，已转人工处理。")
	}
	return got, err
}

// lockVehicleZone serialises the issuing of truck passes for one vehicle and zone until tx
// ends. PostgreSQL takes a transaction-level advisory lock on a key derived from the plate hash
// and zone, so replicas wait for each other. SQLite has one writer at a time: the INSERT that
// follows takes the database's write lock before the check reads, so a concurrent issuer (this
// process's single connection, or another process) waits for this transaction to end and then
// sees its pass; nothing more is needed there.
func (s *PassStore) lockVehicleZone(tx *gorm.DB, plateHash []byte, zone string) error {
	if s.db.dialect != Postgres {
		return nil
	}
	h := sha256.Sum256(append(append([]byte("pass-lock\x00"), plateHash...), zone...))
	return tx.Exec(`SELECT pg_advisory_xact_lock(?)`, int64(binary.BigEndian.Uint64(h[:8]))).Error
}

// CasePass implements kiosk.PassLedger.
func (s *PassStore) CasePass(ctx context.Context, caseID string) (*kiosk.Pass, error) {
	return s.findPass(ctx, "case_id = ?", caseID)
}

// Pass returns a pass by its number, or ENOTFOUND.
func (s *PassStore) Pass(ctx context.Context, number string) (*kiosk.Pass, error) {
	return s.findPass(ctx, "number = ?", number)
}

func (s *PassStore) findPass(ctx context.Context, where string, arg string) (*kiosk.Pass, error) {
	var row passRow
	err := s.db.gorm.WithContext(ctx).Where(where, arg).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, kiosk.Errorf(kiosk.ENOTFOUND, "没有该通行证。")
	} else if err != nil {
		return nil, fmt.Errorf("store: pass: %w", err)
	}
	pt, err := s.sealer.Open(row.Data, passAAD(row.Number))
	if err != nil {
		return nil, fmt.Errorf("store: pass: %w", err)
	}
	var d passData
	if err := json.Unmarshal(pt, &d); err != nil {
		return nil, fmt.Errorf("store: pass: %w", err)
	}
	p := &kiosk.Pass{Number: row.Number, CaseID: row.CaseID, Matter: row.Matter, Plate: d.Plate, Zone: row.Zone,
		Hours: d.Hours, KeyID: row.KeyID, Token: d.Token, IssuedAt: row.IssuedAt.UTC()}
	p.ValidFrom, _ = ident.ParseDate(row.ValidFrom)
	p.ValidUntil, _ = ident.ParseDate(row.ValidUntil)
	if row.RevokedAt != nil {
		p.RevokedAt = row.RevokedAt.UTC()
	}
	return p, nil
}

// CountPasses implements kiosk.PassLedger. Dates are stored as YYYY-MM-DD text, whose order
// is the calendar's, so the overlap test is a plain comparison on both engines.
func (s *PassStore) CountPasses(ctx context.Context, plate, zone string, from, until, today ident.Date) (kiosk.PassCounts, error) {
	var n kiosk.PassCounts
	var active, issued int64
	db := s.db.gorm.WithContext(ctx).Model(&passRow{})
	err := db.Where(`matter = ? AND plate_hash = ? AND zone = ? AND revoked_at IS NULL
		AND valid_from <= ? AND valid_until >= ?`,
		kiosk.MatterTruckPass, s.plateHash(plate), zone, until.String(), from.String()).Count(&active).Error
	if err == nil {
		err = s.db.gorm.WithContext(ctx).Model(&passRow{}).Where("matter = ? AND zone = ? AND issued_on = ?",
			kiosk.MatterTruckPass, zone, today.String()).Count(&issued).Error
	}
	if err != nil {
		return n, fmt.Errorf("store: count passes: %w", err)
	}
	n.ActiveSameZone, n.ZoneIssuedToday = int(active), int(issued)
	return n, nil
}

// RevokePass marks a pass revoked with a reason (a code or short text, not personal data).
// ENOTFOUND for an unknown number; revoking twice keeps the first time.
func (s *PassStore) RevokePass(ctx context.Context, number, reason string) error {
	res := s.db.gorm.WithContext(ctx).Exec(`UPDATE passes SET revoked_at = ?, revoke_reason = ?
		WHERE number = ? AND revoked_at IS NULL`, s.db.now(), reason, number)
	if res.Error != nil {
		return fmt.Errorf("store: revoke pass: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		if _, err := s.Pass(ctx, number); err != nil {
			return err
		}
	}
	return nil
}

// Revoked reports whether a pass number is revoked; an unknown number is not.
func (s *PassStore) Revoked(ctx context.Context, number string) (bool, error) {
	var n int64
	err := s.db.gorm.WithContext(ctx).Model(&passRow{}).
		Where("number = ? AND revoked_at IS NOT NULL", number).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("store: revoked: %w", err)
	}
	return n > 0, nil
}

// RevokedPasses returns the numbers of revoked passes still within their validity on or after
// today: the list an officer's device downloads to check passes offline.
func (s *PassStore) RevokedPasses(ctx context.Context, today ident.Date) ([]string, error) {
	var numbers []string
	err := s.db.gorm.WithContext(ctx).Model(&passRow{}).
		Where("revoked_at IS NOT NULL AND valid_until >= ?", today.String()).
		Order("number").Pluck("number", &numbers).Error
	if err != nil {
		return nil, fmt.Errorf("store: revoked passes: %w", err)
	}
	return numbers, nil
}

// CaseDriver returns the driver who owns a case, or ENOTFOUND (no such case, or not a
// mini-program case).
func (s *PassStore) CaseDriver(ctx context.Context, caseID string) (string, error) {
	var ids []string
	err := s.db.gorm.WithContext(ctx).Table("driver_cases").Where("case_id = ?", caseID).
		Limit(1).Pluck("driver_id", &ids).Error
	if err != nil {
		return "", fmt.Errorf("store: case driver: %w", err)
	}
	if len(ids) == 0 {
		return "", kiosk.Errorf(kiosk.ENOTFOUND, "找不到该业务。")
	}
	return ids[0], nil
}

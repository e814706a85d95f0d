package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

var _ kiosk.StationStore = (*StationStore)(nil)

// StationStore implements kiosk.StationStore.
type StationStore struct {
	db *DB
}

// NewStationStore returns a StationStore on db.
func NewStationStore(db *DB) *StationStore { return &StationStore{db: db} }

type stationRow struct {
	ID             string
	Name           string
	CredentialHash []byte
	CreatedAt      time.Time
	RevokedAt      *time.Time
}

func (stationRow) TableName() string { return "stations" }

func (r stationRow) toDomain() kiosk.Station {
	s := kiosk.Station{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt.UTC()}
	if r.RevokedAt != nil {
		s.RevokedAt = r.RevokedAt.UTC()
	}
	return s
}

// credentialHash is a plain SHA-256: credentials are 256 random bits, so there is nothing for
// a slow password hash to protect against, and every request can afford the lookup.
func credentialHash(credential string) []byte {
	h := sha256.Sum256([]byte(credential))
	return h[:]
}

// AddStation implements kiosk.StationStore.
func (s *StationStore) AddStation(ctx context.Context, name string) (kiosk.Station, string, error) {
	if name == "" || len([]rune(name)) > 64 {
		return kiosk.Station{}, "", kiosk.Errorf(kiosk.EINVALID, "终端名称须为 1 到 64 个字符。")
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	credential := newCredential()
	row := stationRow{ID: hex.EncodeToString(id[:]), Name: name, CredentialHash: credentialHash(credential), CreatedAt: s.db.now()}
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&stationRow{}).Where("name = ?", name).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return kiosk.Errorf(kiosk.ECONFLICT, "终端名称 %q 已存在。", name)
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		return kiosk.Station{}, "", fmt.Errorf("store: add station: %w", err)
	}
	return row.toDomain(), credential, nil
}

// RotateStation gives the station called name a new credential and returns it, registering
// the station if there is none by that name, and reinstating it if it was revoked. The old
// credential stops working at once. Credentials are stored only hashed, so a process that
// needs a station's credential again (serve --demo on every start) rotates it rather than
// registering one more station.
func (s *StationStore) RotateStation(ctx context.Context, name string) (kiosk.Station, string, error) {
	st, cred, err := s.AddStation(ctx, name)
	if kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		return st, cred, err
	}
	credential := newCredential()
	var row stationRow
	err = s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&stationRow{}).Where("name = ?", name).
			Updates(map[string]any{"credential_hash": credentialHash(credential), "revoked_at": nil})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return kiosk.Errorf(kiosk.ENOTFOUND, "没有名为 %q 的终端。", name)
		}
		return tx.Where("name = ?", name).Take(&row).Error
	})
	if err != nil {
		return kiosk.Station{}, "", fmt.Errorf("store: rotate station: %w", err)
	}
	return row.toDomain(), credential, nil
}

// newCredential makes a station credential: 256 random bits.
func newCredential() string {
	var secret [32]byte
	_, _ = rand.Read(secret[:])
	return "xzk_" + base64.RawURLEncoding.EncodeToString(secret[:])
}

// StationByCredential implements kiosk.StationStore.
func (s *StationStore) StationByCredential(ctx context.Context, credential string) (kiosk.Station, error) {
	var row stationRow
	err := s.db.gorm.WithContext(ctx).Where("credential_hash = ?", credentialHash(credential)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && row.RevokedAt != nil {
		return kiosk.Station{}, kiosk.Errorf(kiosk.EUNAUTHORIZED, "终端未登记或已停用，请联系管理员。")
	} else if err != nil {
		return kiosk.Station{}, fmt.Errorf("store: station: %w", err)
	}
	return row.toDomain(), nil
}

// RevokeStation implements kiosk.StationStore.
func (s *StationStore) RevokeStation(ctx context.Context, name string) error {
	res := s.db.gorm.WithContext(ctx).Model(&stationRow{}).Where("name = ? AND revoked_at IS NULL", name).
		Update("revoked_at", s.db.now())
	if res.Error != nil {
		return fmt.Errorf("store: revoke station: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		var n int64
		s.db.gorm.WithContext(ctx).Model(&stationRow{}).Where("name = ?", name).Count(&n)
		if n == 0 {
			return kiosk.Errorf(kiosk.ENOTFOUND, "没有名为 %q 的终端。", name)
		}
	}
	return nil
}

// Stations implements kiosk.StationStore.
func (s *StationStore) Stations(ctx context.Context) ([]kiosk.Station, error) {
	var rows []stationRow
	if err := s.db.gorm.WithContext(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: stations: %w", err)
	}
	out := make([]kiosk.Station, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

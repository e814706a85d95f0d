package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
)

// caseData is the sealed part of a case row. It is this package's own wire format, so the
// domain types carry no storage tags.
type caseData struct {
	Documents map[string]documentData `json:"documents,omitempty"`
	Request   rules.Request           `json:"request"`
	Phone     string                  `json:"phone,omitempty"`
	Facts     *rules.Facts            `json:"facts,omitempty"`
	Decision  *rules.Decision         `json:"decision,omitempty"`
	Issuance  *issuanceData           `json:"issuance,omitempty"`
}

type issuanceData struct {
	Document string         `json:"document"`
	Number   string         `json:"number"`
	Details  map[string]any `json:"details"`
	IssuedAt time.Time      `json:"issued_at"`
}

type documentData struct {
	Fields     map[string]string  `json:"fields"`
	Confidence map[string]float64 `json:"confidence"`
	Flags      []string           `json:"flags"`
}

func caseAAD(id string) []byte { return []byte("case\x00" + id) }

func (s *CaseStore) sealData(c *kiosk.Case) ([]byte, error) {
	d := caseData{Request: c.Request, Phone: c.Phone, Facts: c.Facts, Decision: c.Decision}
	if i := c.Issuance; i != nil {
		d.Issuance = &issuanceData{Document: i.Document, Number: i.Number, Details: i.Details, IssuedAt: i.IssuedAt.UTC()}
	}
	if len(c.Documents) > 0 {
		d.Documents = map[string]documentData{}
		for k, doc := range c.Documents {
			d.Documents[string(k)] = documentData{Fields: doc.Fields, Confidence: doc.Confidence, Flags: doc.Flags}
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("store: encode case data: %w", err)
	}
	return s.sealer.Seal(b, caseAAD(c.ID)), nil
}

func (s *CaseStore) openData(id string, sealed []byte, c *kiosk.Case) error {
	if len(sealed) == 0 {
		return nil
	}
	b, err := s.sealer.Open(sealed, caseAAD(id))
	if err != nil {
		return err
	}
	var d caseData
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("decode case data: %w", err)
	}
	c.Request, c.Phone, c.Facts, c.Decision = d.Request, d.Phone, d.Facts, d.Decision
	if i := d.Issuance; i != nil {
		c.Issuance = &kiosk.Issuance{Document: i.Document, Number: i.Number, Details: i.Details, IssuedAt: i.IssuedAt}
	}
	if len(d.Documents) > 0 {
		c.Documents = map[kiosk.DocKind]kiosk.Document{}
		for k, doc := range d.Documents {
			c.Documents[kiosk.DocKind(k)] = kiosk.Document{Kind: kiosk.DocKind(k), Fields: doc.Fields,
				Confidence: doc.Confidence, Flags: doc.Flags}
		}
	}
	return nil
}

func imageAAD(caseID string, kind kiosk.DocKind) []byte {
	return []byte("image\x00" + caseID + "\x00" + string(kind))
}

// SaveImage implements kiosk.CaseStore.
func (s *CaseStore) SaveImage(ctx context.Context, caseID string, kind kiosk.DocKind, img []byte) error {
	err := s.db.gorm.WithContext(ctx).Exec(`INSERT INTO case_images (case_id, kind, data, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (case_id, kind) DO UPDATE SET data = excluded.data, created_at = excluded.created_at`,
		caseID, string(kind), s.sealer.Seal(img, imageAAD(caseID, kind)), s.db.now()).Error
	if err != nil {
		return fmt.Errorf("store: save image: %w", err)
	}
	return nil
}

// Image implements kiosk.CaseStore.
func (s *CaseStore) Image(ctx context.Context, caseID string, kind kiosk.DocKind) ([]byte, error) {
	var sealed []byte
	err := s.db.gorm.WithContext(ctx).Raw("SELECT data FROM case_images WHERE case_id = ? AND kind = ?",
		caseID, string(kind)).Row().Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kiosk.Errorf(kiosk.ENOTFOUND, "没有该图片（未保存或已按期删除）。")
	} else if err != nil {
		return nil, fmt.Errorf("store: image: %w", err)
	}
	img, err := s.sealer.Open(sealed, imageAAD(caseID, kind))
	if err != nil {
		return nil, fmt.Errorf("store: image: %w", err)
	}
	return img, nil
}

// PurgeImages implements kiosk.CaseStore.
func (s *CaseStore) PurgeImages(ctx context.Context, before time.Time) (int, error) {
	res := s.db.gorm.WithContext(ctx).Exec("DELETE FROM case_images WHERE created_at < ?", before.UTC())
	if res.Error != nil {
		return 0, fmt.Errorf("store: purge images: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

var _ kiosk.CaseStore = (*CaseStore)(nil)

// CaseStore implements kiosk.CaseStore.
type CaseStore struct {
	db     *DB
	sealer *Sealer
}

// NewCaseStore returns a CaseStore on db that seals case data and images with sealer.
func NewCaseStore(db *DB, sealer *Sealer) *CaseStore { return &CaseStore{db: db, sealer: sealer} }

// caseRow is the cases table; gorm tags stay here, never on kiosk.Case.
type caseRow struct {
	ID         string
	Matter     string
	Channel    string
	State      string
	Version    int
	Holder     *string
	LeaseUntil *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Data       []byte
	Rating     int
	// Owner comes from driver_cases, joined by FindCase; it is never written through the row.
	Owner *string `gorm:"->"`
}

func (caseRow) TableName() string { return "cases" }

func (r caseRow) toDomain() *kiosk.Case {
	c := &kiosk.Case{
		ID: r.ID, Matter: r.Matter, Channel: kiosk.Channel(r.Channel), State: kiosk.State(r.State),
		Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.Holder != nil {
		c.Holder = *r.Holder
	}
	if r.LeaseUntil != nil {
		c.LeaseUntil = r.LeaseUntil.UTC()
	}
	if r.Owner != nil {
		c.Owner = *r.Owner
	}
	return c
}

type eventRow struct {
	Seq       int64
	CaseID    string
	FromState string
	ToState   string
	Actor     string
	Reason    string
	At        time.Time
}

func (r eventRow) toDomain() kiosk.Event {
	return kiosk.Event{Seq: r.Seq, CaseID: r.CaseID, From: kiosk.State(r.FromState), To: kiosk.State(r.ToState),
		Actor: r.Actor, Reason: r.Reason, At: r.At.UTC()}
}

// now is the store's clock in UTC at microsecond precision, which both engines keep exactly,
// so what a caller holds equals what it reads back.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// CreateCase implements kiosk.CaseStore.
func (s *CaseStore) CreateCase(ctx context.Context, c *kiosk.Case, actor string) error {
	now := s.db.now()
	data, err := s.sealData(c)
	if err != nil {
		return err
	}
	row := caseRow{ID: c.ID, Matter: c.Matter, Channel: string(c.Channel), State: string(kiosk.StateStarted),
		Version: 1, CreatedAt: now, UpdatedAt: now, Data: data, Rating: c.Rating}
	err = s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&caseRow{}).Where("id = ?", c.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return kiosk.Errorf(kiosk.ECONFLICT, "业务编号重复。")
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if c.Owner != "" {
			if err := tx.Exec(`INSERT INTO driver_cases (case_id, driver_id, created_at) VALUES (?, ?, ?)`,
				c.ID, c.Owner, now).Error; err != nil {
				return err
			}
		}
		_, err := insertEvent(tx, kiosk.Event{CaseID: c.ID, From: "", To: kiosk.StateStarted, Actor: actor, At: now})
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create case: %w", err)
	}
	c.State, c.Version, c.CreatedAt, c.UpdatedAt = kiosk.StateStarted, 1, now, now
	return nil
}

// FindCase implements kiosk.CaseStore.
func (s *CaseStore) FindCase(ctx context.Context, id string) (*kiosk.Case, error) {
	var row caseRow
	err := s.db.gorm.WithContext(ctx).Table("cases").Select("cases.*, driver_cases.driver_id AS owner").
		Joins("LEFT JOIN driver_cases ON driver_cases.case_id = cases.id").Where("cases.id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, kiosk.Errorf(kiosk.ENOTFOUND, "找不到该业务。")
	} else if err != nil {
		return nil, fmt.Errorf("store: find case: %w", err)
	}
	c, err := s.fromRow(row)
	if err != nil {
		return nil, fmt.Errorf("store: find case: %w", err)
	}
	return c, nil
}

// CaseVersion returns a case's version without reading or opening its data: a poller that
// has seen this version has seen everything (every change increments it). ENOTFOUND if the
// case does not exist.
func (s *CaseStore) CaseVersion(ctx context.Context, id string) (int, error) {
	var v []int
	if err := s.db.gorm.WithContext(ctx).Model(&caseRow{}).Where("id = ?", id).Limit(1).Pluck("version", &v).Error; err != nil {
		return 0, fmt.Errorf("store: case version: %w", err)
	}
	if len(v) == 0 {
		return 0, kiosk.Errorf(kiosk.ENOTFOUND, "找不到该业务。")
	}
	return v[0], nil
}

// fromRow converts a row with its sealed data into a case.
func (s *CaseStore) fromRow(r caseRow) (*kiosk.Case, error) {
	c := r.toDomain()
	c.Rating = r.Rating
	return c, s.openData(r.ID, r.Data, c)
}

// Transition implements kiosk.CaseStore. The update is conditional on the version and state
// the caller read, so two replicas racing for one case cannot both win.
func (s *CaseStore) Transition(ctx context.Context, c *kiosk.Case, ev *kiosk.Event) error {
	if !kiosk.CanTransition(c.State, ev.To) {
		return kiosk.Errorf(kiosk.ECONFLICT, "业务当前状态（%s）不能进行此操作。", c.State)
	}
	now := s.db.now()
	var holder *string
	var lease *time.Time
	if c.Holder != "" {
		holder = &c.Holder
	}
	if !c.LeaseUntil.IsZero() {
		l := c.LeaseUntil.UTC()
		lease = &l
	}
	data, err := s.sealData(c)
	if err != nil {
		return err
	}
	var seq int64
	err = s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE cases SET state = ?, version = version + 1, holder = ?, lease_until = ?,
			data = ?, rating = ?, updated_at = ?
			WHERE id = ? AND version = ? AND state = ?`,
			string(ev.To), holder, lease, data, c.Rating, now, c.ID, c.Version, string(c.State))
		if err := updated(tx, res, c.ID); err != nil {
			return err
		}
		var err error
		seq, err = insertEvent(tx, kiosk.Event{CaseID: c.ID, From: c.State, To: ev.To, Actor: ev.Actor, Reason: ev.Reason, At: now})
		return err
	})
	if err != nil {
		return fmt.Errorf("store: transition %s→%s: %w", c.State, ev.To, err)
	}
	ev.Seq, ev.CaseID, ev.From, ev.At = seq, c.ID, c.State, now
	c.State, c.Version, c.UpdatedAt = ev.To, c.Version+1, now
	return nil
}

// SaveCase implements kiosk.CaseStore.
func (s *CaseStore) SaveCase(ctx context.Context, c *kiosk.Case) error {
	data, err := s.sealData(c)
	if err != nil {
		return err
	}
	now := s.db.now()
	err = s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE cases SET version = version + 1, data = ?, rating = ?, updated_at = ?
			WHERE id = ? AND version = ?`, data, c.Rating, now, c.ID, c.Version)
		return updated(tx, res, c.ID)
	})
	if err != nil {
		return fmt.Errorf("store: save case: %w", err)
	}
	c.Version, c.UpdatedAt = c.Version+1, now
	return nil
}

// updated turns a conditional UPDATE that touched no row into ENOTFOUND or ECONFLICT.
func updated(tx *gorm.DB, res *gorm.DB, id string) error {
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected > 0 {
		return nil
	}
	var n int64
	if err := tx.Model(&caseRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return kiosk.Errorf(kiosk.ENOTFOUND, "找不到该业务。")
	}
	return kiosk.Errorf(kiosk.ECONFLICT, "业务已被他人处理或状态已变化，请刷新后重试。")
}

func insertEvent(tx *gorm.DB, ev kiosk.Event) (int64, error) {
	var seq int64
	err := tx.Raw(`INSERT INTO case_events (case_id, from_state, to_state, actor, reason, at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING seq`,
		ev.CaseID, string(ev.From), string(ev.To), ev.Actor, ev.Reason, ev.At).Scan(&seq).Error
	if err == nil {
		err = notifyEvent(tx, seq) // other replicas' consoles and screens (store/notify.go)
	}
	return seq, err
}

// CasesInState implements kiosk.CaseStore.
func (s *CaseStore) CasesInState(ctx context.Context, state kiosk.State, limit int) ([]*kiosk.Case, error) {
	var rows []caseRow
	if err := s.db.gorm.WithContext(ctx).Where("state = ?", string(state)).Order("updated_at, id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: cases in %s: %w", state, err)
	}
	out := make([]*kiosk.Case, 0, len(rows))
	for _, r := range rows {
		c, err := s.fromRow(r)
		if err != nil {
			return nil, fmt.Errorf("store: cases in %s: %w", state, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// CaseEvents implements kiosk.CaseStore.
func (s *CaseStore) CaseEvents(ctx context.Context, caseID string) ([]kiosk.Event, error) {
	var rows []eventRow
	if err := s.db.gorm.WithContext(ctx).Table("case_events").Where("case_id = ?", caseID).Order("seq").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: case events: %w", err)
	}
	return eventsToDomain(rows), nil
}

// EventsAfter implements kiosk.CaseStore.
func (s *CaseStore) EventsAfter(ctx context.Context, after int64, limit int) ([]kiosk.Event, error) {
	var rows []eventRow
	if err := s.db.gorm.WithContext(ctx).Table("case_events").Where("seq > ?", after).Order("seq").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: events after %d: %w", after, err)
	}
	return eventsToDomain(rows), nil
}

func eventsToDomain(rows []eventRow) []kiosk.Event {
	out := make([]kiosk.Event, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out
}

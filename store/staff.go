package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
	"gorm.io/gorm"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

var _ kiosk.StaffStore = (*StaffStore)(nil)

// StaffStore implements kiosk.StaffStore.
type StaffStore struct {
	db *DB
}

// NewStaffStore returns a StaffStore on db.
func NewStaffStore(db *DB) *StaffStore { return &StaffStore{db: db} }

type staffRow struct {
	ID           string
	Name         string
	Role         string
	PasswordHash string
	FailedLogins int
	LockedUntil  *time.Time
	CreatedAt    time.Time
	DisabledAt   *time.Time
}

func (staffRow) TableName() string { return "staff" }

func (r staffRow) toDomain() kiosk.Staff {
	s := kiosk.Staff{ID: r.ID, Name: r.Name, Role: kiosk.Role(r.Role), CreatedAt: r.CreatedAt.UTC()}
	if r.DisabledAt != nil {
		s.DisabledAt = r.DisabledAt.UTC()
	}
	return s
}

type sessionRow struct {
	ID         string
	StaffID    string
	CreatedAt  time.Time
	LastSeenAt time.Time
}

func (sessionRow) TableName() string { return "staff_sessions" }

// argon2id parameters: OWASP's minimum (19 MiB, 2 passes, 1 lane). Logins are rare, and the
// service shares its cores with OCR, so the cost is kept at the recommended floor.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// hashPassword returns the PHC string of an argon2id hash with a fresh salt.
func hashPassword(password string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// checkPassword compares a password with a PHC argon2id string, using the parameters the
// string records so that raising them later leaves old hashes valid.
func checkPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is compared against when the name is unknown, so that a wrong name costs as
// long as a wrong password and response times do not reveal which names exist.
// It is made on first use: hashing costs 19 MiB and some milliseconds that commands which
// never log anyone in should not pay.
var dummyHash = sync.OnceValue(func() string { return hashPassword("xiaozhi-no-such-account") })

func randomHexID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// AddStaff implements kiosk.StaffStore.
func (s *StaffStore) AddStaff(ctx context.Context, name string, role kiosk.Role, password string) (kiosk.Staff, error) {
	if err := kiosk.ValidateAccount(name, role, password); err != nil {
		return kiosk.Staff{}, err
	}
	row := staffRow{ID: randomHexID(8), Name: name, Role: string(role), PasswordHash: hashPassword(password), CreatedAt: s.db.now()}
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&staffRow{}).Where("name = ?", name).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return kiosk.Errorf(kiosk.ECONFLICT, "用户名 %q 已存在。", name)
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		return kiosk.Staff{}, fmt.Errorf("store: add staff: %w", err)
	}
	return row.toDomain(), nil
}

// FindStaff implements kiosk.StaffStore.
func (s *StaffStore) FindStaff(ctx context.Context, id string) (kiosk.Staff, error) {
	var row staffRow
	err := s.db.gorm.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return kiosk.Staff{}, kiosk.Errorf(kiosk.ENOTFOUND, "没有该工作人员。")
	} else if err != nil {
		return kiosk.Staff{}, fmt.Errorf("store: find staff: %w", err)
	}
	return row.toDomain(), nil
}

// ListStaff implements kiosk.StaffStore.
func (s *StaffStore) ListStaff(ctx context.Context) ([]kiosk.Staff, error) {
	var rows []staffRow
	if err := s.db.gorm.WithContext(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list staff: %w", err)
	}
	out := make([]kiosk.Staff, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// SetDisabled implements kiosk.StaffStore. Disabling deletes the account's sessions in the
// same transaction and, on PostgreSQL, tells every replica to close its consoles.
func (s *StaffStore) SetDisabled(ctx context.Context, name string, disabled bool) (kiosk.Staff, error) {
	var row staffRow
	err := s.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("name = ?", name).Take(&row).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return kiosk.Errorf(kiosk.ENOTFOUND, "没有名为 %q 的工作人员。", name)
		} else if err != nil {
			return err
		}
		var at *time.Time
		if disabled {
			now := s.db.now()
			at = &now
		}
		row.DisabledAt = at
		if err := tx.Model(&staffRow{}).Where("id = ?", row.ID).Updates(map[string]any{"disabled_at": at, "failed_logins": 0, "locked_until": nil}).Error; err != nil {
			return err
		}
		if !disabled {
			return nil
		}
		if err := tx.Where("staff_id = ?", row.ID).Delete(&sessionRow{}).Error; err != nil {
			return err
		}
		return notifyStaffEnded(tx, row.ID)
	})
	if err != nil {
		return kiosk.Staff{}, fmt.Errorf("store: set disabled: %w", err)
	}
	return row.toDomain(), nil
}

// VerifyPassword implements kiosk.StaffStore.
func (s *StaffStore) VerifyPassword(ctx context.Context, name, password string, lock kiosk.Lockout) (kiosk.Staff, error) {
	wrong := kiosk.Errorf(kiosk.EUNAUTHORIZED, "用户名或密码错误。")
	var row staffRow
	err := s.db.gorm.WithContext(ctx).Where("name = ?", name).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		checkPassword(dummyHash(), password)
		return kiosk.Staff{}, wrong
	} else if err != nil {
		return kiosk.Staff{}, fmt.Errorf("store: verify password: %w", err)
	}
	st := row.toDomain()
	now := s.db.now()
	if row.LockedUntil != nil && now.Before(*row.LockedUntil) {
		return st, kiosk.Errorf(kiosk.ERATELIMIT, "密码错误次数过多，账号已锁定，请 %d 分钟后再试。",
			int(row.LockedUntil.Sub(now).Minutes())+1)
	}
	if !checkPassword(row.PasswordHash, password) {
		// One statement, so that failures counted on several replicas at once all count.
		err := s.db.gorm.WithContext(ctx).Exec(`UPDATE staff SET failed_logins = failed_logins + 1,
			locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END WHERE id = ?`,
			lock.MaxFailures, now.Add(lock.For), row.ID).Error
		if err != nil {
			return st, fmt.Errorf("store: count failed login: %w", err)
		}
		return st, wrong
	}
	if !st.Active() {
		return st, kiosk.Errorf(kiosk.EUNAUTHORIZED, "账号已停用，请联系管理员。")
	}
	if row.FailedLogins > 0 || row.LockedUntil != nil {
		err := s.db.gorm.WithContext(ctx).Model(&staffRow{}).Where("id = ?", row.ID).
			Updates(map[string]any{"failed_logins": 0, "locked_until": nil}).Error
		if err != nil {
			return st, fmt.Errorf("store: reset failed logins: %w", err)
		}
	}
	return st, nil
}

// sessionID is the stored name of a session: a SHA-256 of its token. Tokens are 256 random
// bits, so a fast hash suffices, and a stolen table yields no usable token.
func sessionID(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateSession implements kiosk.StaffStore.
func (s *StaffStore) CreateSession(ctx context.Context, staffID string) (string, kiosk.Session, error) {
	var secret [32]byte
	_, _ = rand.Read(secret[:])
	token := "xzs_" + base64.RawURLEncoding.EncodeToString(secret[:])
	now := s.db.now()
	row := sessionRow{ID: sessionID(token), StaffID: staffID, CreatedAt: now, LastSeenAt: now}
	if err := s.db.gorm.WithContext(ctx).Create(&row).Error; err != nil {
		return "", kiosk.Session{}, fmt.Errorf("store: create session: %w", err)
	}
	st, err := s.FindStaff(ctx, staffID)
	if err != nil {
		return "", kiosk.Session{}, err
	}
	return token, kiosk.Session{ID: row.ID, Staff: st, CreatedAt: now, LastSeenAt: now}, nil
}

// SessionByToken implements kiosk.StaffStore.
func (s *StaffStore) SessionByToken(ctx context.Context, token string) (kiosk.Session, error) {
	var row sessionRow
	err := s.db.gorm.WithContext(ctx).Where("id = ?", sessionID(token)).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return kiosk.Session{}, kiosk.Errorf(kiosk.EUNAUTHORIZED, "登录已失效，请重新登录。")
	} else if err != nil {
		return kiosk.Session{}, fmt.Errorf("store: session: %w", err)
	}
	st, err := s.FindStaff(ctx, row.StaffID)
	if err != nil {
		return kiosk.Session{}, err
	}
	if !st.Active() {
		return kiosk.Session{}, kiosk.Errorf(kiosk.EUNAUTHORIZED, "账号已停用，请联系管理员。")
	}
	return kiosk.Session{ID: row.ID, Staff: st, CreatedAt: row.CreatedAt.UTC(), LastSeenAt: row.LastSeenAt.UTC()}, nil
}

// TouchSession implements kiosk.StaffStore.
func (s *StaffStore) TouchSession(ctx context.Context, id string, at time.Time) error {
	if err := s.db.gorm.WithContext(ctx).Model(&sessionRow{}).Where("id = ?", id).Update("last_seen_at", at.UTC()).Error; err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSession implements kiosk.StaffStore.
func (s *StaffStore) DeleteSession(ctx context.Context, id string) error {
	if err := s.db.gorm.WithContext(ctx).Where("id = ?", id).Delete(&sessionRow{}).Error; err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

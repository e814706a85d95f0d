package kiosk

import (
	"context"
	"log/slog"
	"regexp"
	"sync"
	"time"
)

// Role is what a staff member may do at the counter.
type Role string

// Staff roles. A supervisor can do what a clerk does and reassign cases; an admin manages
// accounts.
const (
	RoleClerk      Role = "clerk"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleClerk || r == RoleSupervisor || r == RoleAdmin }

// Staff is a counter staff account. Its name is a login name, not a citizen's personal data;
// consoles show it so that clerks see who holds a case.
type Staff struct {
	ID         string
	Name       string
	Role       Role
	CreatedAt  time.Time
	DisabledAt time.Time // zero while the account may log in
}

// Actor is how the staff member appears in events and the audit trail.
func (s Staff) Actor() string { return "staff:" + s.ID }

// Active reports whether the account may act.
func (s Staff) Active() bool { return s.DisabledAt.IsZero() }

// Can reports whether the staff member's role includes role: admins and supervisors also
// act as clerks, and admins as supervisors.
func (s Staff) Can(role Role) bool {
	rank := map[Role]int{RoleClerk: 1, RoleSupervisor: 2, RoleAdmin: 3}
	return rank[s.Role] >= rank[role]
}

// Session is one logged-in console. The token that names it exists only in the browser's
// cookie; stores keep a hash, and ID is that hash in hex, safe to keep in memory.
type Session struct {
	ID         string
	Staff      Staff
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// Lockout is the rule against guessing passwords: after MaxFailures wrong passwords in a
// row an account is locked for For.
type Lockout struct {
	MaxFailures int
	For         time.Duration
}

// StaffStore keeps staff accounts, their password hashes and sessions.
type StaffStore interface {
	// AddStaff creates an account with a password (hashed by the store). EINVALID for a bad
	// name, role or password, ECONFLICT if the name is taken.
	AddStaff(ctx context.Context, name string, role Role, password string) (Staff, error)
	// FindStaff returns an account by ID, or ENOTFOUND.
	FindStaff(ctx context.Context, id string) (Staff, error)
	// ListStaff returns all accounts by name.
	ListStaff(ctx context.Context) ([]Staff, error)
	// SetDisabled disables (ending all its sessions) or enables an account by name.
	// ENOTFOUND if there is none.
	SetDisabled(ctx context.Context, name string, disabled bool) (Staff, error)
	// VerifyPassword checks name and password, counting wrong passwords under lock.
	// EUNAUTHORIZED for an unknown name, a wrong password or a disabled account; ERATELIMIT
	// while the account is locked.
	VerifyPassword(ctx context.Context, name, password string, lock Lockout) (Staff, error)
	// CreateSession starts a session and returns its token, shown only now.
	CreateSession(ctx context.Context, staffID string) (string, Session, error)
	// SessionByToken returns the session a token names with its account, or EUNAUTHORIZED.
	SessionByToken(ctx context.Context, token string) (Session, error)
	// TouchSession records activity on a session.
	TouchSession(ctx context.Context, sessionID string, at time.Time) error
	// DeleteSession ends one session; ending one that is gone is not an error.
	DeleteSession(ctx context.Context, sessionID string) error
}

// AuditEntry is one staff action in the audit trail: who, what, on which case, when, and
// how it ended. Detail carries codes, never personal data.
type AuditEntry struct {
	At      time.Time
	Actor   string // "staff:<id>", "system" or "cli"
	Action  string // AuditLogin, AuditClaim, …
	CaseID  string // "" when the action concerns no case
	Outcome string // "ok" or the error code the action ended with
	Detail  string
}

// Audited actions.
const (
	AuditLogin       = "login"
	AuditLogout      = "logout"
	AuditView        = "view_case"  // personal data shown on a console
	AuditViewImage   = "view_image" // a captured image shown on a console
	AuditClaim       = "claim"
	AuditRelease     = "release"
	AuditLeaseExpiry = "lease_expired"
	AuditDecide      = "decide"
	AuditReassign    = "reassign"
	AuditDisable     = "disable_account"
	AuditEnable      = "enable_account"
	AuditAddStaff    = "add_account"
)

// AuditLog is the append-only trail of staff actions.
type AuditLog interface {
	// Record appends an entry.
	Record(ctx context.Context, e AuditEntry) error
	// Entries returns up to limit entries about a case ("" for all), newest first.
	Entries(ctx context.Context, caseID string, limit int) ([]AuditEntry, error)
}

// StaffAuth logs staff in and out and checks their sessions against the idle and absolute
// timeouts. Ended sessions are announced to Ended's watchers so open consoles close at once.
type StaffAuth struct {
	Store StaffStore
	Audit AuditLog
	// IdleTimeout ends a session unused for this long; MaxAge ends any session this old.
	IdleTimeout time.Duration
	MaxAge      time.Duration
	Lock        Lockout
	Logger      *slog.Logger
	Now         func() time.Time

	mu       sync.Mutex
	watchers map[*sessionWatch]struct{}
}

type sessionWatch struct {
	sessionID, staffID string
	c                  chan struct{}
}

// NewStaffAuth returns a StaffAuth with the default timeouts: 15 minutes idle, 10 hours at
// most (a working day), and a 15-minute lock after 5 wrong passwords.
func NewStaffAuth(store StaffStore, audit AuditLog, logger *slog.Logger) *StaffAuth {
	return &StaffAuth{Store: store, Audit: audit, Logger: logger, Now: time.Now,
		IdleTimeout: 15 * time.Minute, MaxAge: 10 * time.Hour,
		Lock: Lockout{MaxFailures: 5, For: 15 * time.Minute}}
}

// Login checks a name and password and starts a session. Failures are audited under the
// name's account when it exists; the error does not say whether the name exists.
func (a *StaffAuth) Login(ctx context.Context, name, password string) (string, Session, error) {
	st, err := a.Store.VerifyPassword(ctx, name, password, a.Lock)
	if err != nil {
		actor := "unknown"
		if st.ID != "" {
			actor = st.Actor()
		}
		a.record(ctx, AuditEntry{Actor: actor, Action: AuditLogin}, err)
		return "", Session{}, err
	}
	token, sess, err := a.Store.CreateSession(ctx, st.ID)
	a.record(ctx, AuditEntry{Actor: st.Actor(), Action: AuditLogin}, err)
	return token, sess, err
}

// Authenticate returns the live session a token names, ending it if it was idle too long
// or is too old. EUNAUTHORIZED when there is none.
func (a *StaffAuth) Authenticate(ctx context.Context, token string) (Session, error) {
	return a.authenticate(ctx, token, true)
}

// Check is Authenticate without recording activity: an open console checking its session
// in the background must not keep an abandoned desk logged in.
func (a *StaffAuth) Check(ctx context.Context, token string) (Session, error) {
	return a.authenticate(ctx, token, false)
}

func (a *StaffAuth) authenticate(ctx context.Context, token string, touch bool) (Session, error) {
	if token == "" {
		return Session{}, Errorf(EUNAUTHORIZED, "请先登录。")
	}
	sess, err := a.Store.SessionByToken(ctx, token)
	if err != nil {
		return Session{}, err
	}
	now := a.Now()
	if now.Sub(sess.LastSeenAt) > a.IdleTimeout || now.Sub(sess.CreatedAt) > a.MaxAge {
		if err := a.Store.DeleteSession(ctx, sess.ID); err != nil {
			return Session{}, err
		}
		a.ended(sess.ID, "")
		return Session{}, Errorf(EUNAUTHORIZED, "登录已超时，请重新登录。")
	}
	// Writing on every request would make each page view a database write; a minute's
	// precision is plenty against a timeout of minutes.
	if touch && now.Sub(sess.LastSeenAt) > time.Minute {
		if err := a.Store.TouchSession(ctx, sess.ID, now); err != nil {
			return Session{}, err
		}
		sess.LastSeenAt = now
	}
	return sess, nil
}

// Logout ends a session and closes the consoles using it.
func (a *StaffAuth) Logout(ctx context.Context, sess Session) error {
	err := a.Store.DeleteSession(ctx, sess.ID)
	a.record(ctx, AuditEntry{Actor: sess.Staff.Actor(), Action: AuditLogout}, err)
	if err == nil {
		a.ended(sess.ID, "")
	}
	return err
}

// SetDisabled disables or enables an account; disabling ends its sessions and closes its
// consoles at once in this process (StaffEnded tells the others).
func (a *StaffAuth) SetDisabled(ctx context.Context, actor, name string, disabled bool) (Staff, error) {
	st, err := a.Store.SetDisabled(ctx, name, disabled)
	action := AuditEnable
	if disabled {
		action = AuditDisable
	}
	a.record(ctx, AuditEntry{Actor: actor, Action: action, Detail: "account:" + st.ID}, err)
	if err == nil && disabled {
		a.StaffEnded(st.ID)
	}
	return st, err
}

// StaffEnded closes every console of a staff member, for an account disabled here or, as
// the store's notifications report, on another replica.
func (a *StaffAuth) StaffEnded(staffID string) { a.ended("", staffID) }

// Watch returns a channel closed when the session ends (logout, timeout, disabled account),
// and a function to stop watching.
func (a *StaffAuth) Watch(sess Session) (<-chan struct{}, func()) {
	w := &sessionWatch{sessionID: sess.ID, staffID: sess.Staff.ID, c: make(chan struct{})}
	a.mu.Lock()
	if a.watchers == nil {
		a.watchers = map[*sessionWatch]struct{}{}
	}
	a.watchers[w] = struct{}{}
	a.mu.Unlock()
	return w.c, func() {
		a.mu.Lock()
		delete(a.watchers, w)
		a.mu.Unlock()
	}
}

// Watchers returns how many consoles are watched, for leak tests.
func (a *StaffAuth) Watchers() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.watchers)
}

func (a *StaffAuth) ended(sessionID, staffID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for w := range a.watchers {
		if sessionID != "" && w.sessionID == sessionID || staffID != "" && w.staffID == staffID {
			close(w.c)
			delete(a.watchers, w)
		}
	}
}

func (a *StaffAuth) record(ctx context.Context, e AuditEntry, err error) {
	recordAudit(ctx, a.Audit, a.Logger, a.Now(), e, err)
}

// recordAudit appends e with the outcome of err. An audit trail that cannot be written is
// logged loudly; the action itself has already happened (its event is in the case trail).
func recordAudit(ctx context.Context, log AuditLog, logger *slog.Logger, now time.Time, e AuditEntry, err error) {
	if log == nil {
		return
	}
	e.At, e.Outcome = now, "ok"
	if err != nil {
		e.Outcome = ErrorCode(err)
	}
	if aerr := log.Record(ctx, e); aerr != nil && logger != nil {
		logger.ErrorContext(ctx, "audit trail not written", "action", e.Action, "case_id", e.CaseID, "err", aerr)
	}
}

// validName is what a staff login name may be: letters (any script), digits, '.', '_', '-'.
var validName = regexp.MustCompile(`^[\p{L}\p{N}._-]{2,32}$`)

// ValidateAccount checks a new account's name, role and password before anything is stored.
func ValidateAccount(name string, role Role, password string) error {
	if !validName.MatchString(name) {
		return Errorf(EINVALID, "用户名须为 2 到 32 个字母、数字或 . _ -。")
	}
	if !role.Valid() {
		return Errorf(EINVALID, "角色须为 clerk、supervisor 或 admin。")
	}
	if n := len([]rune(password)); n < 10 || n > 128 {
		return Errorf(EINVALID, "密码须为 10 到 128 个字符。")
	}
	return nil
}

// Package store keeps Xiaozhi's data with gorm: SQLite in a file by default, PostgreSQL for
// production and for several replicas. The same numbered migrations run on both.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database engine behind a DB.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB owns the connection pool. Create it with NewDB, then Open it; Close releases it.
type DB struct {
	// URL is what the operator configured: a file path or sqlite:// URL, or a postgres:// DSN.
	URL string
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// Logger receives slow-query and connection messages; never query arguments.
	Logger *slog.Logger

	dialect Dialect
	gorm    *gorm.DB
}

// NewDB returns a DB for url; nothing is opened until Open.
func NewDB(url string) *DB {
	return &DB{URL: url, Now: time.Now, Logger: slog.New(slog.DiscardHandler)}
}

// Dialect reports which engine the DB uses; valid after Open.
func (db *DB) Dialect() Dialect { return db.dialect }

// Gorm returns the underlying handle for repositories in this package's subpackages and tests.
func (db *DB) Gorm() *gorm.DB { return db.gorm }

// Open connects, checks the connection, and applies pending migrations.
func (db *DB) Open(ctx context.Context) error {
	dialect, dsn, err := ParseURL(db.URL)
	if err != nil {
		return err
	}
	db.dialect = dialect

	var dialector gorm.Dialector
	switch dialect {
	case SQLite:
		dialector = sqlite.Open(dsn)
	case Postgres:
		dialector = postgres.Open(dsn)
	}
	g, err := gorm.Open(dialector, &gorm.Config{
		// gorm's logger prints SQL with its arguments; arguments may be personal data.
		Logger:  logger.Discard,
		NowFunc: func() time.Time { return db.Now().UTC() },
	})
	if err != nil {
		return fmt.Errorf("open %s database: %w", dialect, err)
	}
	db.gorm = g

	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's rule; a single connection turns lock contention
		// into queueing inside database/sql instead of SQLITE_BUSY errors. WAL still lets
		// this process read while it writes.
		sqlDB.SetMaxOpenConns(1)
	} else {
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(10)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}

	if err := db.Ping(ctx); err != nil {
		_ = sqlDB.Close()
		return err
	}
	if err := db.migrate(ctx); err != nil {
		_ = sqlDB.Close()
		return err
	}
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if db.gorm == nil {
		return errors.New("database not open")
	}
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("%s database unreachable: %w", db.dialect, err)
	}
	return nil
}

// Close closes the connection pool.
func (db *DB) Close() error {
	if db.gorm == nil {
		return nil
	}
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// ParseURL turns the configured database URL into a dialect and a driver DSN. It accepts a
// plain file path or sqlite:// URL (sqlite:///abs/path, sqlite://rel/path, sqlite://:memory:)
// for SQLite and postgres:// or postgresql:// for PostgreSQL. For a SQLite file it checks that
// the directory exists and is writable, so a bad path fails with a clear reason.
func ParseURL(raw string) (Dialect, string, error) {
	if raw == "" {
		return "", "", errors.New("database URL is empty")
	}
	scheme, rest, hasScheme := strings.Cut(raw, "://")
	if !hasScheme {
		return sqliteDSN(raw)
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "sqlite3", "file":
		return sqliteDSN(rest)
	case "postgres", "postgresql":
		if _, err := url.Parse(raw); err != nil {
			return "", "", fmt.Errorf("database URL: %w", err)
		}
		return Postgres, raw, nil
	default:
		return "", "", fmt.Errorf("database URL: unknown scheme %q (use a file path, sqlite:// or postgres://)", scheme)
	}
}

func sqliteDSN(path string) (Dialect, string, error) {
	path, query, _ := strings.Cut(path, "?")
	if path == "" {
		return "", "", errors.New("database URL: SQLite path is empty")
	}
	pragmas := "_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)"
	if path == ":memory:" {
		// Memory databases cannot use WAL; each connection would also get its own database,
		// which the single-connection pool above prevents.
		return SQLite, ":memory:?" + joinQuery(pragmas, query), nil
	}
	if err := checkWritableDir(filepath.Dir(path)); err != nil {
		return "", "", err
	}
	return SQLite, "file:" + path + "?" + joinQuery("_pragma=journal_mode(WAL)&"+pragmas, query), nil
}

func joinQuery(a, b string) string {
	if b == "" {
		return a
	}
	return a + "&" + b
}

// checkWritableDir fails unless dir exists and a file can be created in it; SQLite itself
// would only say "unable to open database file".
func checkWritableDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("database directory %s: %w", dir, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return fmt.Errorf("database directory %s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, ".xiaozhi-write-check-*")
	if err != nil {
		return fmt.Errorf("database directory %s is not writable", dir)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

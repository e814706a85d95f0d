// Package storetest opens real databases for tests: a SQLite file in a temporary directory and,
// when XIAOZHI_TEST_POSTGRES_URL names a server, a fresh PostgreSQL schema. Store behaviour
// must be identical on both, so tests run their body once per database.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/xiaozhi-kiosk/xiaozhi/store"
)

// PostgresEnv names the variable holding the PostgreSQL server tests use.
const PostgresEnv = "XIAOZHI_TEST_POSTGRES_URL"

// ForEachDB runs fn as two subtests, "sqlite" and "postgres", each with its own freshly
// migrated database. Without XIAOZHI_TEST_POSTGRES_URL the postgres half is skipped with a
// message, unless CI is set, where a missing database is a failure: CI must not report a
// skipped check as passing.
func ForEachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, MustOpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, MustOpenPostgres(t)) })
}

// MustOpenSQLite opens a migrated SQLite database in a file under t.TempDir().
func MustOpenSQLite(tb testing.TB) *store.DB {
	tb.Helper()
	db := store.NewDB(filepath.Join(tb.TempDir(), "xiaozhi.db"))
	if err := db.Open(context.Background()); err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { MustClose(tb, db) })
	return db
}

// PostgresURL returns the server URL for tests, skipping tb when there is none (failing it
// when CI is set).
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(PostgresEnv)
	if u == "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("%s is not set, but CI requires the PostgreSQL tests to run", PostgresEnv)
		}
		tb.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", PostgresEnv)
	}
	return u
}

// MustOpenPostgres opens a migrated database in a schema of its own on the test server (see
// EmptyPostgresURL), so parallel tests never see each other.
func MustOpenPostgres(tb testing.TB) *store.DB {
	tb.Helper()
	db := store.NewDB(EmptyPostgresURL(tb))
	if err := db.Open(context.Background()); err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	tb.Cleanup(func() { MustClose(tb, db) })
	return db
}

// EmptyPostgresURL creates an empty schema of its own on the test server, dropped when the
// test ends, and returns a URL that uses it; nothing is migrated yet.
func EmptyPostgresURL(tb testing.TB) string {
	tb.Helper()
	base := PostgresURL(tb)
	schema := "xz_test_" + randomHex(6)

	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		tb.Fatalf("connect to %s: %v", PostgresEnv, err)
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if sqlDB, err := admin.DB(); err == nil {
			sqlDB.Close()
		}
	})

	return WithSearchPath(tb, base, schema)
}

// WithSearchPath returns base with its search_path set to schema; pgx passes unknown URL
// parameters to the server as run-time settings.
func WithSearchPath(tb testing.TB, base, schema string) string {
	tb.Helper()
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// MustClose closes db, failing tb on error.
func MustClose(tb testing.TB, db *store.DB) {
	tb.Helper()
	if err := db.Close(); err != nil {
		tb.Errorf("close database: %v", err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// MustSealer returns a Sealer whose master key is 32 bytes of fill: tests that need two
// different keys pass two fills.
func MustSealer(tb testing.TB, fill byte) *store.Sealer {
	tb.Helper()
	key := make([]byte, store.KeySize)
	for i := range key {
		key[i] = fill
	}
	s, err := store.NewSealer(key)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

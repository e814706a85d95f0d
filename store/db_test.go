package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

func TestParseURL(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		url     string
		dialect store.Dialect
		dsnHas  string
		errHas  string
	}{
		{url: filepath.Join(dir, "x.db"), dialect: store.SQLite, dsnHas: "journal_mode(WAL)"},
		{url: "sqlite://" + filepath.Join(dir, "x.db"), dialect: store.SQLite, dsnHas: "foreign_keys(1)"},
		{url: "sqlite://:memory:", dialect: store.SQLite, dsnHas: ":memory:"},
		{url: "postgres://u@127.0.0.1:5432/db?sslmode=disable", dialect: store.Postgres, dsnHas: "postgres://"},
		{url: "postgresql://u@h/db", dialect: store.Postgres, dsnHas: "postgresql://"},
		{url: "mysql://root@localhost/x", errHas: `unknown scheme "mysql"`},
		{url: "", errHas: "empty"},
		{url: "/nonexistent-dir-xz/x.db", errHas: "database directory /nonexistent-dir-xz"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			d, dsn, err := store.ParseURL(tt.url)
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("ParseURL(%q) error = %v, want one containing %q", tt.url, err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tt.url, err)
			}
			if d != tt.dialect || !strings.Contains(dsn, tt.dsnHas) {
				t.Errorf("ParseURL(%q) = %s %q, want %s and a DSN containing %q", tt.url, d, dsn, tt.dialect, tt.dsnHas)
			}
		})
	}
}

func TestParseURLUnwritableDir(t *testing.T) {
	if os.Geteuid() == 0 {
		// root writes anywhere; use a path below a regular file instead.
		f := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := store.ParseURL(filepath.Join(f, "x.db")); err == nil {
			t.Fatal("ParseURL accepted a path below a regular file")
		}
		return
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	_, _, err := store.ParseURL(filepath.Join(dir, "x.db"))
	if err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Fatalf("error = %v, want 'not writable'", err)
	}
}

func TestMigrations(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v, err := db.MigrationVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v < 1 {
			t.Fatalf("migration version = %d after Open, want ≥ 1", v)
		}
		// The migrated schema enforces the event log's foreign key on both engines.
		err = db.Gorm().Exec(`INSERT INTO case_events (case_id, from_state, to_state, actor, at)
			VALUES ('no-such-case', 'started', 'capturing', 'test', CURRENT_TIMESTAMP)`).Error
		if err == nil {
			t.Fatal("inserting an event for a missing case succeeded; foreign keys are off")
		}
	})
}

func TestMigrateTwiceIsNoop(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		before, _ := db.MigrationVersion(ctx)
		// A second Open on the same database (a restart, or a second replica) applies nothing.
		again := store.NewDB(db.URL)
		if err := again.Open(ctx); err != nil {
			t.Fatalf("second open: %v", err)
		}
		defer again.Close()
		after, _ := again.MigrationVersion(ctx)
		if after != before {
			t.Fatalf("version %d after reopen, want %d", after, before)
		}
		var n int64
		db.Gorm().Raw("SELECT COUNT(*) FROM schema_migrations").Scan(&n)
		if int(n) != before {
			t.Fatalf("%d rows in schema_migrations, want %d", n, before)
		}
	})
}

func TestConcurrentOpenPostgres(t *testing.T) {
	// Replicas that start together must not apply a step twice.
	url := storetest.EmptyPostgresURL(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := store.NewDB(url)
			errs[i] = db.Open(context.Background())
			db.Close()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
}

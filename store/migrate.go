package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one numbered step. A step is written once, as NNNN_name.sql, with the few type
// names the dialects spell differently as placeholders (see columnTypes). A step whose SQL
// differs beyond that may come as NNNN_name.sqlite.sql and NNNN_name.postgres.sql instead;
// each dialect runs the most specific file of each step.
type migration struct {
	Version int
	Name    string
	SQL     string
}

// loadMigrations lists the steps for one dialect in version order.
func loadMigrations(fsys fs.FS, dialect Dialect) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]migration{}
	specific := map[int]bool{}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".sql")
		num, rest, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", name)
		}
		stem, variant, hasVariant := strings.Cut(rest, ".")
		if hasVariant && Dialect(variant) != dialect {
			continue
		}
		if !hasVariant && specific[v] {
			continue
		}
		if prev, dup := byVersion[v]; dup && (prev.Name != stem || !hasVariant) {
			return nil, fmt.Errorf("migration %d defined twice (%s and %s)", v, prev.Name, stem)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		sql, err := expandTypes(string(body), dialect)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
		byVersion[v] = migration{Version: v, Name: stem, SQL: sql}
		specific[v] = hasVariant
	}
	out := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, m)
	}
	// Gaps are allowed: each step is recorded by its own number, so one numbered lower but
	// merged later still runs on a database that already has the higher ones.
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// columnTypes spells, per dialect, the column types that SQLite and PostgreSQL name
// differently. Timestamps are TIMESTAMP in SQLite because the driver converts columns declared
// so to time.Time; PostgreSQL keeps them with their zone.
var columnTypes = map[Dialect]map[string]string{
	SQLite: {
		"timestamp":  "TIMESTAMP",
		"bytes":      "BLOB",
		"serial_key": "INTEGER PRIMARY KEY AUTOINCREMENT",
	},
	Postgres: {
		"timestamp":  "TIMESTAMPTZ",
		"bytes":      "BYTEA",
		"serial_key": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
	},
}

var typePlaceholder = regexp.MustCompile(`\{\{(\w*)\}\}`)

// expandTypes replaces {{timestamp}}, {{bytes}} and {{serial_key}} with the dialect's type
// names; any other placeholder is an error, so a typo fails every test run.
func expandTypes(sql string, d Dialect) (string, error) {
	var unknown string
	out := typePlaceholder.ReplaceAllStringFunc(sql, func(m string) string {
		name := typePlaceholder.FindStringSubmatch(m)[1]
		t, ok := columnTypes[d][name]
		if !ok && unknown == "" {
			unknown = m
		}
		return t
	})
	if unknown != "" {
		return "", fmt.Errorf("unknown type placeholder %s", unknown)
	}
	return out, nil
}

// migrationLockKey serialises migrations of several replicas that start at once on one
// PostgreSQL; any constant works as long as every replica uses the same one.
const migrationLockKey = 7_264_001

func (db *DB) migrate(ctx context.Context) error {
	return db.migrateFS(ctx, migrationFS)
}

// migrateFS applies the pending steps from fsys, each in its own transaction together with
// its row in schema_migrations, so a crash leaves either the whole step or none of it.
func (db *DB) migrateFS(ctx context.Context, fsys fs.FS) error {
	steps, err := loadMigrations(fsys, db.dialect)
	if err != nil {
		return err
	}
	g := db.gorm.WithContext(ctx)
	err = g.Transaction(func(tx *gorm.DB) error {
		// Even CREATE TABLE IF NOT EXISTS races on PostgreSQL, so it takes the lock too.
		if err := db.lockMigrations(tx); err != nil {
			return err
		}
		return tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at TIMESTAMP NOT NULL)`).Error
	})
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	for _, m := range steps {
		err := g.Transaction(func(tx *gorm.DB) error {
			if err := db.lockMigrations(tx); err != nil {
				return err
			}
			var n int64
			if err := tx.Raw("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.Version).Scan(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if err := tx.Exec(m.SQL).Error; err != nil {
				return err
			}
			return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, db.Now().UTC().Truncate(time.Microsecond)).Error
		})
		if err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

// lockMigrations holds PostgreSQL's transaction-scoped advisory lock until tx ends; SQLite
// needs none, as it admits one writer at a time anyway.
func (db *DB) lockMigrations(tx *gorm.DB) error {
	if db.dialect != Postgres {
		return nil
	}
	return tx.Exec("SELECT pg_advisory_xact_lock(?)", migrationLockKey).Error
}

// MigrationVersion returns the highest applied migration, 0 for an empty database.
func (db *DB) MigrationVersion(ctx context.Context) (int, error) {
	var v *int
	if err := db.gorm.WithContext(ctx).Raw("SELECT MAX(version) FROM schema_migrations").Scan(&v).Error; err != nil {
		return 0, err
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

package store

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestMigrationsExpandForEachDialect(t *testing.T) {
	for _, d := range []Dialect{SQLite, Postgres} {
		steps, err := loadMigrations(migrationFS, d)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if len(steps) == 0 {
			t.Fatalf("%s: no migrations", d)
		}
		for _, m := range steps {
			if strings.Contains(m.SQL, "{{") {
				t.Errorf("%s: migration %04d_%s keeps a placeholder", d, m.Version, m.Name)
			}
		}
	}
	pg, _ := loadMigrations(migrationFS, Postgres)
	if !strings.Contains(pg[0].SQL, "TIMESTAMPTZ") || !strings.Contains(pg[0].SQL, "GENERATED ALWAYS AS IDENTITY") {
		t.Errorf("postgres types not expanded:\n%s", pg[0].SQL)
	}
}

func TestMigrationFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/0001_a.sql":          {Data: []byte("CREATE TABLE a (t {{timestamp}}, b {{bytes}});")},
		"migrations/0002_b.sql":          {Data: []byte("common")},
		"migrations/0002_b.postgres.sql": {Data: []byte("postgres only")},
	}
	lite, err := loadMigrations(fsys, SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if lite[0].SQL != "CREATE TABLE a (t TIMESTAMP, b BLOB);" || lite[1].SQL != "common" {
		t.Fatalf("sqlite steps %+v", lite)
	}
	pg, err := loadMigrations(fsys, Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if pg[0].SQL != "CREATE TABLE a (t TIMESTAMPTZ, b BYTEA);" || pg[1].SQL != "postgres only" {
		t.Fatalf("postgres steps %+v", pg)
	}

	bad := fstest.MapFS{"migrations/0001_a.sql": {Data: []byte("CREATE TABLE a (t {{timestmap}});")}}
	if _, err := loadMigrations(bad, SQLite); err == nil || !strings.Contains(err.Error(), "{{timestmap}}") {
		t.Fatalf("typo in a placeholder: %v", err)
	}
	dup := fstest.MapFS{"migrations/0001_a.sql": {}, "migrations/0001_b.sql": {}}
	if _, err := loadMigrations(dup, SQLite); err == nil {
		t.Fatal("two steps with one number accepted")
	}
}

package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

const importFile = `{
  "person": [
    {"id_number": "330212198503121234", "name": "张伟民", "hukou_region": "330212", "residence_region": null, "status": "normal", "vehicles_owned": 1},
    {"id_number": "330212198503121235", "name": "校验错"},
    {"name": "无号码"}
  ],
  "driver": [
    {"licence_number": "330212198503121234", "classes": "C1", "status": "A", "term": "10y"}
  ],
  "vehicle": [
    {"plate_number": "浙B12345", "vehicle_type": "H21", "owner_id_number": "330212198503121234"},
    {"plate_number": "ZB12345"}
  ],
  "spaceship": [{"id": 1}]
}`

func TestRegistryImportAndGet(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC) }
		reg := store.NewRegistry(db, storetest.MustSealer(t, 7))

		rep, err := reg.Import(ctx, strings.NewReader(importFile))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]int{"person": 1, "driver": 1, "vehicle": 1}, rep.Imported); diff != "" {
			t.Errorf("imported (-want +got):\n%s", diff)
		}
		if len(rep.Errors) != 4 {
			t.Fatalf("errors %q, want 4 (bad check digit, missing key, bad plate, unknown kind)", rep.Errors)
		}
		for _, e := range rep.Errors {
			if strings.Contains(e, "33021219850312") || strings.Contains(e, "校验错") {
				t.Errorf("personal data in the import report: %q", e)
			}
		}

		got, err := reg.Lookup(ctx, "person", "330212198503121234")
		if err != nil {
			t.Fatal(err)
		}
		var p map[string]any
		if err := json.Unmarshal(got, &p); err != nil || p["name"] != "张伟民" || p["residence_region"] != nil {
			t.Fatalf("person = %s (%v)", got, err)
		}
		if _, err := reg.Lookup(ctx, "vehicle", "浙B12345"); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Lookup(ctx, "driver", "330212198503121235"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
			t.Fatalf("missing record: %v", err)
		}

		// Importing again replaces records instead of duplicating them.
		rec := json.RawMessage(`{"id_number":"330212198503121234","name":"张伟民","status":"moving_out"}`)
		if err := reg.Put(ctx, "person", rec); err != nil {
			t.Fatal(err)
		}
		got, _ = reg.Lookup(ctx, "person", "330212198503121234")
		if !strings.Contains(string(got), "moving_out") {
			t.Fatalf("record not replaced: %s", got)
		}
		var n int64
		db.Gorm().Raw("SELECT COUNT(*) FROM registry_records WHERE kind = 'person'").Scan(&n)
		if n != 1 {
			t.Fatalf("%d person rows, want 1", n)
		}
	})
}

func TestRegistryStoresNoPlaintext(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		reg := store.NewRegistry(db, storetest.MustSealer(t, 7))
		if _, err := reg.Import(context.Background(), strings.NewReader(importFile)); err != nil {
			t.Fatal(err)
		}
		// Read the raw rows with plain SQL, as someone with a copy of the database would.
		rows, err := db.Gorm().Raw("SELECT kind, key_hash, data FROM registry_records").Rows()
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		count := 0
		for rows.Next() {
			var kind string
			var h, data []byte
			if err := rows.Scan(&kind, &h, &data); err != nil {
				t.Fatal(err)
			}
			count++
			for _, secret := range []string{"330212198503121234", "张伟民", "浙B12345"} {
				if bytes.Contains(data, []byte(secret)) || bytes.Contains(h, []byte(secret)) {
					t.Errorf("%s row holds %q in plain text", kind, secret)
				}
			}
		}
		if count != 3 {
			t.Fatalf("read %d rows, want 3", count)
		}
		// Another key neither finds nor opens the records.
		other := store.NewRegistry(db, storetest.MustSealer(t, 8))
		if _, err := other.Lookup(context.Background(), "person", "330212198503121234"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
			t.Fatalf("lookup with another key: %v", err)
		}
	})
}

func TestRegistryImportMalformed(t *testing.T) {
	db := storetest.MustOpenSQLite(t)
	reg := store.NewRegistry(db, storetest.MustSealer(t, 7))
	for _, bad := range []string{``, `[1,2]`, `{"person": {"id_number": "x"}}`, `{"person": [`} {
		if _, err := reg.Import(context.Background(), strings.NewReader(bad)); kiosk.ErrorCode(err) != kiosk.EINVALID {
			t.Errorf("Import(%q) = %v, want EINVALID", bad, err)
		}
	}
}

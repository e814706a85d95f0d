package store_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

func date(tb testing.TB, s string) ident.Date {
	tb.Helper()
	d, err := ident.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func truckPass(tb testing.TB, number, caseID, plate, zone, from, until string) *kiosk.Pass {
	return &kiosk.Pass{Number: number, CaseID: caseID, Matter: kiosk.MatterTruckPass, Plate: plate, Zone: zone,
		Hours: "all_day", ValidFrom: date(tb, from), ValidUntil: date(tb, until), KeyID: "k1", Token: "tok-" + number,
		IssuedAt: time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)}
}

func TestPasses(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sealer := storetest.MustSealer(t, 5)
		cases := store.NewCaseStore(db, sealer)
		ps := store.NewPassStore(db, sealer)
		for _, id := range []string{"c1", "c2", "c3", "c4"} {
			mustCreateCase(t, cases, id)
		}
		p1 := truckPass(t, "TP1", "c1", "浙B12345", "core", "2026-11-26", "2026-12-10")
		got, err := ps.AddPass(ctx, p1)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p1, got); diff != "" {
			t.Fatalf("stored pass differs:\n%s", diff)
		}
		// Issuing the same case again returns the first pass, whatever the second says.
		again, err := ps.AddPass(ctx, truckPass(t, "TP1-other", "c1", "浙B12345", "core", "2026-11-27", "2026-11-28"))
		if err != nil || again.Number != "TP1" {
			t.Fatalf("second issue: %+v %v", again, err)
		}
		// A number taken by another case is a conflict.
		if _, err := ps.AddPass(ctx, truckPass(t, "TP1", "c2", "浙B00001", "core", "2026-11-26", "2026-11-26")); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
			t.Fatalf("number collision: %v", err)
		}
		mustAdd := func(p *kiosk.Pass) {
			if _, err := ps.AddPass(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		mustAdd(truckPass(t, "TP2", "c2", "浙B12345", "central", "2026-11-26", "2026-11-30"))
		mustAdd(truckPass(t, "TP3", "c3", "浙B99999", "core", "2026-11-26", "2026-11-26"))

		today := date(t, "2026-11-26")
		tests := []struct {
			name, plate, zone, from, until string
			want                           kiosk.PassCounts
		}{
			{"overlapping", "浙B12345", "core", "2026-12-01", "2026-12-20", kiosk.PassCounts{ActiveSameZone: 1, ZoneIssuedToday: 2}},
			{"touching the last day", "浙B12345", "core", "2026-12-10", "2026-12-10", kiosk.PassCounts{ActiveSameZone: 1, ZoneIssuedToday: 2}},
			{"after it", "浙B12345", "core", "2026-12-11", "2026-12-20", kiosk.PassCounts{ActiveSameZone: 0, ZoneIssuedToday: 2}},
			{"other zone", "浙B12345", "central", "2026-11-30", "2026-11-30", kiosk.PassCounts{ActiveSameZone: 1, ZoneIssuedToday: 1}},
			{"other plate", "浙B55555", "core", "2026-11-26", "2026-11-26", kiosk.PassCounts{ActiveSameZone: 0, ZoneIssuedToday: 2}},
		}
		for _, tt := range tests {
			n, err := ps.CountPasses(ctx, tt.plate, tt.zone, date(t, tt.from), date(t, tt.until), today)
			if err != nil || n != tt.want {
				t.Errorf("%s: %+v %v, want %+v", tt.name, n, err, tt.want)
			}
		}

		if err := ps.RevokePass(ctx, "TP1", "VEHICLE_SEIZED"); err != nil {
			t.Fatal(err)
		}
		if err := ps.RevokePass(ctx, "nope", "x"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
			t.Fatalf("revoke unknown: %v", err)
		}
		if n, _ := ps.CountPasses(ctx, "浙B12345", "core", date(t, "2026-12-01"), date(t, "2026-12-02"), today); n.ActiveSameZone != 0 {
			t.Fatalf("a revoked pass still counts as active: %+v", n)
		}
		if r, err := ps.Revoked(ctx, "TP1"); !r || err != nil {
			t.Fatalf("Revoked(TP1) = %v %v", r, err)
		}
		if r, _ := ps.Revoked(ctx, "TP2"); r {
			t.Fatal("TP2 revoked")
		}
		list, err := ps.RevokedPasses(ctx, today)
		if err != nil || !cmp.Equal(list, []string{"TP1"}) {
			t.Fatalf("revocation list %v %v", list, err)
		}
		if list, _ := ps.RevokedPasses(ctx, date(t, "2026-12-11")); len(list) != 0 {
			t.Fatalf("an expired revoked pass is still listed: %v", list)
		}
		if p, _ := ps.Pass(ctx, "TP1"); p.RevokedAt.IsZero() {
			t.Fatal("RevokedAt not read back")
		}

		// The plate and the token are sealed: neither appears in the table.
		var raw [][]byte
		db.Gorm().Raw("SELECT data FROM passes").Scan(&raw)
		for _, r := range raw {
			if bytes.Contains(r, []byte("浙B12345")) || bytes.Contains(r, []byte("tok-")) {
				t.Fatal("pass data stored in clear")
			}
		}
	})
}

func TestCaseDriver(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sealer := storetest.MustSealer(t, 5)
		ps := store.NewPassStore(db, sealer)
		c := &kiosk.Case{ID: "c1", Matter: "TRUCK_CITY_PASS", Channel: kiosk.ChannelMiniProgram, Owner: "d1"}
		if err := store.NewCaseStore(db, sealer).CreateCase(ctx, c, "driver:d1"); err != nil {
			t.Fatal(err)
		}
		if d, err := ps.CaseDriver(ctx, "c1"); d != "d1" || err != nil {
			t.Fatalf("owner %q %v", d, err)
		}
		if _, err := ps.CaseDriver(ctx, "c2"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
			t.Fatalf("unowned case: %v", err)
		}
	})
}

func TestIdempotency(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		idem := store.NewIdempotency(db)
		idem.Poll = time.Millisecond
		h1, h2 := []byte("hash-1"), []byte("hash-2")

		if st, _, err := idem.Begin(ctx, "d1", "k", h1); st != 0 || err != nil {
			t.Fatalf("first begin: %v %v", st, err)
		}
		if err := idem.Finish(ctx, "d1", "k", 201, []byte(`{"id":"c1"}`)); err != nil {
			t.Fatal(err)
		}
		st, body, err := idem.Begin(ctx, "d1", "k", h1)
		if err != nil || st != 201 || string(body) != `{"id":"c1"}` {
			t.Fatalf("replay: %d %s %v", st, body, err)
		}
		if _, _, err := idem.Begin(ctx, "d1", "k", h2); !store.IsKeyReused(err) || kiosk.ErrorCode(err) != kiosk.EUNREADABLE {
			t.Fatalf("other body: %v", err)
		}
		// Scopes (drivers) do not share keys.
		if st, _, err := idem.Begin(ctx, "d2", "k", h2); st != 0 || err != nil {
			t.Fatalf("other scope: %v %v", st, err)
		}
		// An abandoned key runs again.
		if err := idem.Abandon(ctx, "d2", "k"); err != nil {
			t.Fatal(err)
		}
		if st, _, err := idem.Begin(ctx, "d2", "k", h2); st != 0 || err != nil {
			t.Fatalf("after abandon: %v %v", st, err)
		}
		// A duplicate of a request still running waits until ctx ends.
		short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		if _, _, err := idem.Begin(short, "d2", "k", h2); kiosk.ErrorCode(err) != kiosk.EUNAVAILABLE {
			t.Fatalf("pending duplicate: %v", err)
		}
	})
}

// TestIdempotencyConcurrent races many identical requests: exactly one runs, the others get
// its response.
func TestIdempotencyConcurrent(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		idem := store.NewIdempotency(db)
		idem.Poll = time.Millisecond
		const n = 12
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			ran    int
			bodies []string
		)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				st, body, err := idem.Begin(ctx, "d1", "same", []byte("h"))
				if err != nil {
					t.Error(err)
					return
				}
				if st == 0 {
					mu.Lock()
					ran++
					mu.Unlock()
					st, body = 201, []byte("first")
					if err := idem.Finish(ctx, "d1", "same", st, body); err != nil {
						t.Error(err)
					}
				}
				mu.Lock()
				bodies = append(bodies, fmt.Sprintf("%d %s", st, body))
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		if ran != 1 || len(bodies) != n {
			t.Fatalf("%d ran, %d answered; want 1 and %d", ran, len(bodies), n)
		}
		for _, b := range bodies {
			if b != "201 first" {
				t.Fatalf("response %q", b)
			}
		}
	})
}

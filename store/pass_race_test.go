package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

// TestAddPassConcurrentDuplicates races issuers of overlapping truck passes for one plate and
// zone, each for its own case, as deciders on several replicas would: exactly one pass is
// issued and every other issuer gets ErrDuplicatePass.
func TestAddPassConcurrentDuplicates(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sealer := storetest.MustSealer(t, 5)
		cases, ps := store.NewCaseStore(db, sealer), store.NewPassStore(db, sealer)
		const n = 8
		for i := 0; i < n; i++ {
			mustCreateCase(t, cases, fmt.Sprintf("r%d", i))
		}
		start := make(chan struct{})
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				// Periods differ but all overlap 2026-11-28.
				p := truckPass(t, fmt.Sprintf("R%d", i), fmt.Sprintf("r%d", i), "浙B12345", "core",
					fmt.Sprintf("2026-11-%02d", 20+i), "2026-11-28")
				_, errs[i] = ps.AddPass(ctx, p)
			}()
		}
		close(start)
		wg.Wait()
		issued := 0
		for i, err := range errs {
			switch {
			case err == nil:
				issued++
			case errors.Is(err, kiosk.ErrDuplicatePass):
				if _, err := ps.CasePass(ctx, fmt.Sprintf("r%d", i)); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
					t.Errorf("refused case r%d has a pass: %v", i, err)
				}
			default:
				t.Errorf("issuer %d: %v", i, err)
			}
		}
		if issued != 1 {
			t.Fatalf("%d passes issued, want 1", issued)
		}
		if c, _ := ps.CountPasses(ctx, "浙B12345", "core", date(t, "2026-11-01"), date(t, "2026-12-31"), date(t, "2026-11-26")); c.ActiveSameZone != 1 {
			t.Fatalf("active passes %d, want 1", c.ActiveSameZone)
		}
	})
}

// TestAddPassDuplicateRules checks what counts as a duplicate: only an active pass of the same
// plate and zone whose period overlaps, held by another case.
func TestAddPassDuplicateRules(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sealer := storetest.MustSealer(t, 5)
		cases, ps := store.NewCaseStore(db, sealer), store.NewPassStore(db, sealer)
		for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
			mustCreateCase(t, cases, id)
		}
		add := func(number, caseID, plate, zone, from, until string) error {
			_, err := ps.AddPass(ctx, truckPass(t, number, caseID, plate, zone, from, until))
			return err
		}
		if err := add("A", "a", "浙B12345", "core", "2026-11-26", "2026-11-30"); err != nil {
			t.Fatal(err)
		}
		if err := add("B", "b", "浙B12345", "core", "2026-11-30", "2026-12-05"); !errors.Is(err, kiosk.ErrDuplicatePass) {
			t.Fatalf("overlapping by one day: %v", err)
		}
		if err := add("C", "c", "浙B12345", "core", "2026-12-01", "2026-12-05"); err != nil {
			t.Fatalf("the day after: %v", err)
		}
		if err := add("D", "d", "浙B12345", "central", "2026-11-26", "2026-11-30"); err != nil {
			t.Fatalf("another zone: %v", err)
		}
		if err := add("E", "e", "浙B99999", "core", "2026-11-26", "2026-11-30"); err != nil {
			t.Fatalf("another plate: %v", err)
		}
		// Issuing case a again is idempotent, not a duplicate of itself.
		if err := add("A", "a", "浙B12345", "core", "2026-11-26", "2026-11-30"); err != nil {
			t.Fatalf("reissue: %v", err)
		}
		if err := ps.RevokePass(ctx, "A", "TEST"); err != nil {
			t.Fatal(err)
		}
		if err := add("F", "f", "浙B12345", "core", "2026-11-27", "2026-11-28"); err != nil {
			t.Fatalf("after revocation: %v", err)
		}
	})
}

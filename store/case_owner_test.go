package store_test

import (
	"context"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

// TestCreateCaseOwner checks that a case's owner is stored by CreateCase itself and read back
// with the case; a kiosk case has none.
func TestCreateCaseOwner(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sealer := storetest.MustSealer(t, 5)
		cases, ps := store.NewCaseStore(db, sealer), store.NewPassStore(db, sealer)
		c := &kiosk.Case{ID: "m1", Matter: kiosk.MatterTruckPass, Channel: kiosk.ChannelMiniProgram, Owner: "d1"}
		if err := cases.CreateCase(ctx, c, "driver:d1"); err != nil {
			t.Fatal(err)
		}
		if d, err := ps.CaseDriver(ctx, "m1"); d != "d1" || err != nil {
			t.Fatalf("owner %q %v", d, err)
		}
		if got, err := cases.FindCase(ctx, "m1"); err != nil || got.Owner != "d1" {
			t.Fatalf("FindCase owner %+v %v", got, err)
		}
		// The ID clash is refused as a whole: no second owner slips in.
		dup := &kiosk.Case{ID: "m1", Matter: kiosk.MatterTruckPass, Channel: kiosk.ChannelMiniProgram, Owner: "d2"}
		if err := cases.CreateCase(ctx, dup, "driver:d2"); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
			t.Fatalf("duplicate: %v", err)
		}
		if d, _ := ps.CaseDriver(ctx, "m1"); d != "d1" {
			t.Fatalf("owner changed to %q", d)
		}
		mustCreateCase(t, cases, "k1")
		if got, _ := cases.FindCase(ctx, "k1"); got.Owner != "" {
			t.Fatalf("kiosk case owner %q", got.Owner)
		}
		if _, err := ps.CaseDriver(ctx, "k1"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
			t.Fatalf("kiosk case driver: %v", err)
		}
	})
}

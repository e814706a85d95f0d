package store_test

import (
	"context"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

// TestRotateStation checks that rotating keeps one station per name: the first call registers
// it, later ones replace its credential (the old one stops working) and reinstate it if revoked.
func TestRotateStation(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := store.NewStationStore(db)
		st1, c1, err := s.RotateStation(ctx, "演示终端")
		if err != nil {
			t.Fatal(err)
		}
		st2, c2, err := s.RotateStation(ctx, "演示终端")
		if err != nil {
			t.Fatal(err)
		}
		if st2.ID != st1.ID || c2 == c1 || c2 == "" {
			t.Fatalf("second rotation: %+v %q, first %+v", st2, c2, st1)
		}
		if _, err := s.StationByCredential(ctx, c1); kiosk.ErrorCode(err) != kiosk.EUNAUTHORIZED {
			t.Fatalf("old credential: %v", err)
		}
		if got, err := s.StationByCredential(ctx, c2); err != nil || got.ID != st1.ID {
			t.Fatalf("new credential: %+v %v", got, err)
		}
		if err := s.RevokeStation(ctx, "演示终端"); err != nil {
			t.Fatal(err)
		}
		_, c3, err := s.RotateStation(ctx, "演示终端")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.StationByCredential(ctx, c3); err != nil || !got.RevokedAt.IsZero() {
			t.Fatalf("after revocation: %+v %v", got, err)
		}
		if list, _ := s.Stations(ctx); len(list) != 1 {
			t.Fatalf("%d stations, want 1", len(list))
		}
		if _, _, err := s.RotateStation(ctx, ""); kiosk.ErrorCode(err) != kiosk.EINVALID {
			t.Fatalf("empty name: %v", err)
		}
	})
}

package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

func TestStations(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := store.NewStationStore(db)
		st, cred, err := s.AddStation(ctx, "鄞州大厅-01")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(cred, "xzk_") || len(cred) < 40 || !st.Active() {
			t.Fatalf("station %+v credential %q", st, cred)
		}
		if _, _, err := s.AddStation(ctx, "鄞州大厅-01"); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
			t.Fatalf("duplicate name: %v", err)
		}
		got, err := s.StationByCredential(ctx, cred)
		if err != nil || got.ID != st.ID {
			t.Fatalf("by credential: %+v %v", got, err)
		}
		if _, err := s.StationByCredential(ctx, cred+"x"); kiosk.ErrorCode(err) != kiosk.EUNAUTHORIZED {
			t.Fatalf("wrong credential: %v", err)
		}

		var raw []byte
		db.Gorm().Raw("SELECT credential_hash FROM stations").Row().Scan(&raw)
		if strings.Contains(string(raw), cred) || len(raw) != 32 {
			t.Fatal("credential stored in plain text")
		}

		if err := s.RevokeStation(ctx, "鄞州大厅-01"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.StationByCredential(ctx, cred); kiosk.ErrorCode(err) != kiosk.EUNAUTHORIZED {
			t.Fatalf("revoked credential accepted: %v", err)
		}
		if err := s.RevokeStation(ctx, "nope"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
			t.Fatalf("revoke unknown: %v", err)
		}
		list, _ := s.Stations(ctx)
		if len(list) != 1 || list[0].Active() {
			t.Fatalf("stations %+v", list)
		}
	})
}

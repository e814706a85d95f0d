package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

func mustCreateCase(tb testing.TB, s *store.CaseStore, id string) *kiosk.Case {
	tb.Helper()
	c := &kiosk.Case{ID: id, Matter: "DL_DAMAGED_REPLACE", Channel: kiosk.ChannelKiosk}
	if err := s.CreateCase(context.Background(), c, "kiosk:k1"); err != nil {
		tb.Fatalf("create case: %v", err)
	}
	return c
}

func mustTransition(tb testing.TB, s *store.CaseStore, c *kiosk.Case, to kiosk.State, actor string) kiosk.Event {
	tb.Helper()
	ev := kiosk.Event{To: to, Actor: actor}
	if err := s.Transition(context.Background(), c, &ev); err != nil {
		tb.Fatalf("%s→%s: %v", c.State, to, err)
	}
	return ev
}

func TestCaseLifecycle(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 11, 23, 2, 15, 0, 123456789, time.UTC)
		db.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
		s := store.NewCaseStore(db, storetest.MustSealer(t, 3))

		c := mustCreateCase(t, s, "c1")
		if c.State != kiosk.StateStarted || c.Version != 1 {
			t.Fatalf("new case %+v", c)
		}
		for _, to := range []kiosk.State{kiosk.StateCapturing, kiosk.StateReviewing, kiosk.StateDeciding, kiosk.StateApproved, kiosk.StateIssued} {
			mustTransition(t, s, c, to, "system")
		}
		got, err := s.FindCase(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Fatalf("stored case differs from the caller's (-caller +stored):\n%s", diff)
		}
		if got.State != kiosk.StateIssued || got.Version != 6 {
			t.Fatalf("case after lifecycle: %+v", got)
		}

		evs, err := s.CaseEvents(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		var path []string
		for i, e := range evs {
			path = append(path, fmt.Sprintf("%s→%s", e.From, e.To))
			if i > 0 && (e.Seq <= evs[i-1].Seq || !e.At.After(evs[i-1].At)) {
				t.Errorf("event %d out of order: %+v after %+v", i, e, evs[i-1])
			}
		}
		want := []string{"→started", "started→capturing", "capturing→reviewing", "reviewing→deciding", "deciding→approved", "approved→issued"}
		if diff := cmp.Diff(want, path); diff != "" {
			t.Fatalf("event trail (-want +got):\n%s", diff)
		}
		if evs[0].Actor != "kiosk:k1" || evs[1].Actor != "system" {
			t.Errorf("actors %q %q", evs[0].Actor, evs[1].Actor)
		}
	})
}

func TestCaseErrors(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := store.NewCaseStore(db, storetest.MustSealer(t, 3))
		if _, err := s.FindCase(ctx, "nope"); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
			t.Fatalf("find missing: %v", err)
		}
		c := mustCreateCase(t, s, "c1")
		dup := &kiosk.Case{ID: "c1", Matter: "X", Channel: kiosk.ChannelKiosk}
		if err := s.CreateCase(ctx, dup, "x"); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
			t.Fatalf("duplicate create: %v", err)
		}

		// A transition the lifecycle forbids changes nothing.
		if err := s.Transition(ctx, c, &kiosk.Event{To: kiosk.StateApproved, Actor: "x"}); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
			t.Fatalf("started→approved: %v", err)
		}

		// A stale copy loses against the one that moved first.
		stale := *c
		mustTransition(t, s, c, kiosk.StateCapturing, "a")
		if err := s.Transition(ctx, &stale, &kiosk.Event{To: kiosk.StateCancelled, Actor: "b"}); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
			t.Fatalf("stale transition: %v", err)
		}
		got, _ := s.FindCase(ctx, "c1")
		if got.State != kiosk.StateCapturing || got.Version != 2 {
			t.Fatalf("case changed by a refused transition: %+v", got)
		}
		evs, _ := s.CaseEvents(ctx, "c1")
		if len(evs) != 2 {
			t.Fatalf("%d events, want 2 (refused transitions leave no event)", len(evs))
		}

		ghost := &kiosk.Case{ID: "ghost", State: kiosk.StateStarted, Version: 1}
		if err := s.Transition(ctx, ghost, &kiosk.Event{To: kiosk.StateCapturing}); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
			t.Fatalf("transition of a missing case: %v", err)
		}
	})
}

func TestClaimExactlyOnce(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := store.NewCaseStore(db, storetest.MustSealer(t, 3))
		const cases, claimers = 10, 8
		for i := range cases {
			c := mustCreateCase(t, s, fmt.Sprintf("c%d", i))
			for _, to := range []kiosk.State{kiosk.StateCapturing, kiosk.StateDeciding, kiosk.StateEscalated} {
				mustTransition(t, s, c, to, "system")
			}
		}
		var wins [cases]atomic.Int32
		var wg sync.WaitGroup
		for i := range cases {
			for j := range claimers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c, err := s.FindCase(ctx, fmt.Sprintf("c%d", i))
					if err != nil {
						t.Error(err)
						return
					}
					c.Holder, c.LeaseUntil = fmt.Sprintf("staff:%d", j), time.Now().Add(time.Minute)
					err = s.Transition(ctx, c, &kiosk.Event{To: kiosk.StateClaimed, Actor: c.Holder})
					switch kiosk.ErrorCode(err) {
					case "":
						wins[i].Add(1)
					case kiosk.ECONFLICT:
					default:
						t.Errorf("claim: %v", err)
					}
				}()
			}
		}
		wg.Wait()
		for i := range cases {
			if n := wins[i].Load(); n != 1 {
				t.Errorf("case %d claimed %d times", i, n)
			}
			c, _ := s.FindCase(ctx, fmt.Sprintf("c%d", i))
			if c.State != kiosk.StateClaimed || c.Holder == "" || c.LeaseUntil.IsZero() {
				t.Errorf("case %d after claims: %+v", i, c)
			}
		}
	})
}

func TestEventsAfter(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := store.NewCaseStore(db, storetest.MustSealer(t, 3))
		a := mustCreateCase(t, s, "a")
		b := mustCreateCase(t, s, "b")
		mid := mustTransition(t, s, a, kiosk.StateCapturing, "x")
		mustTransition(t, s, b, kiosk.StateCapturing, "x")
		mustTransition(t, s, a, kiosk.StateCancelled, "x")

		evs, err := s.EventsAfter(ctx, mid.Seq, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range evs {
			got = append(got, e.CaseID+":"+string(e.To))
		}
		if diff := cmp.Diff([]string{"b:capturing", "a:cancelled"}, got); diff != "" {
			t.Fatalf("events after %d (-want +got):\n%s", mid.Seq, diff)
		}
		if evs, _ := s.EventsAfter(ctx, 0, 2); len(evs) != 2 {
			t.Fatalf("limit ignored: %d events", len(evs))
		}
	})
}

func TestCaseDataSealed(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := store.NewCaseStore(db, storetest.MustSealer(t, 3))
		c := mustCreateCase(t, s, "c1")
		c.Documents = map[kiosk.DocKind]kiosk.Document{kiosk.KindIDCardFront: {
			Kind:       kiosk.KindIDCardFront,
			Fields:     map[string]string{"name": "张伟民", "id_number": "330212198503121234"},
			Confidence: map[string]float64{"name": 0.97, "id_number": 0.99},
			Flags:      []string{"upside_down"},
		}}
		c.Phone = "13812345678"
		c.Request.PlateNumber = "浙B12345"
		if err := s.SaveCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		if c.Version != 2 {
			t.Fatalf("version %d after save, want 2", c.Version)
		}
		stale := *c
		stale.Version = 1
		if err := s.SaveCase(ctx, &stale); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
			t.Fatalf("stale save: %v", err)
		}
		c.Rating = 5
		mustTransition(t, s, c, kiosk.StateCapturing, "system")

		got, err := s.FindCase(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Fatalf("case data did not round-trip (-saved +found):\n%s", diff)
		}

		img := []byte("\xff\xd8\xff\xe0 fake jpeg 330212198503121234")
		if err := s.SaveImage(ctx, "c1", kiosk.KindIDCardFront, img); err != nil {
			t.Fatal(err)
		}
		back, err := s.Image(ctx, "c1", kiosk.KindIDCardFront)
		if err != nil || string(back) != string(img) {
			t.Fatalf("image round trip: %q %v", back, err)
		}

		// Nothing personal is readable in the raw rows.
		for _, q := range []string{"SELECT data FROM cases", "SELECT data FROM case_images"} {
			rows, err := db.Gorm().Raw(q).Rows()
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var b []byte
				rows.Scan(&b)
				for _, secret := range []string{"330212198503121234", "张伟民", "13812345678", "浙B12345"} {
					if strings.Contains(string(b), secret) {
						t.Errorf("%s: %q in plain text", q, secret)
					}
				}
			}
			rows.Close()
		}

		n, err := s.PurgeImages(ctx, time.Now().Add(time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		if _, err := s.Image(ctx, "c1", kiosk.KindIDCardFront); kiosk.ErrorCode(err) != kiosk.ENOTFOUND {
			t.Fatalf("image after purge: %v", err)
		}
		if got, _ := s.FindCase(ctx, "c1"); got.Documents[kiosk.KindIDCardFront].Fields["name"] != "张伟民" {
			t.Fatal("purging images lost the case's data")
		}
	})
}

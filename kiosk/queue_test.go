package kiosk_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

// deskFixture is a Desk on a real database with a clock the test moves.
type deskFixture struct {
	svc   *kiosk.Service
	desk  *kiosk.Desk
	staff *store.StaffStore
	audit *store.AuditLog
	db    *store.DB

	mu  sync.Mutex
	now time.Time
}

func newDeskFixture(t *testing.T, db *store.DB) *deskFixture {
	t.Helper()
	sealer := storetest.MustSealer(t, 9)
	reg := store.NewRegistry(db, sealer)
	if rep, err := reg.Import(context.Background(), strings.NewReader(registryJSON)); err != nil || len(rep.Errors) > 0 {
		t.Fatalf("import: %v %v", err, rep.Errors)
	}
	engine, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := &deskFixture{db: db, now: time.Date(2026, 11, 23, 10, 15, 0, 0, time.FixedZone("CST", 8*3600))}
	reader := cardReader{"low": idFront("张伟民", "330212198503121234", 0.42), "back": idBack}
	cases := store.NewCaseStore(db, sealer)
	f.svc = kiosk.NewService(cases, reg, reader, engine, slog.New(slog.DiscardHandler))
	f.svc.Now = f.clock
	db.Now = f.clock
	f.staff, f.audit = store.NewStaffStore(db), store.NewAuditLog(db)
	f.desk = &kiosk.Desk{Service: f.svc, Queue: cases, Staff: f.staff, Audit: f.audit,
		Lease: time.Minute, DueAfter: 5 * time.Minute, Logger: slog.New(slog.DiscardHandler)}
	return f
}

func (f *deskFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *deskFixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// escalated starts a case whose unreadable name sends it to the staff queue.
func (f *deskFixture) escalated(t testing.TB) *kiosk.Case {
	t.Helper()
	ctx := context.Background()
	c, err := f.svc.StartCase(ctx, "DL_DAMAGED_REPLACE", kiosk.ChannelKiosk, "kiosk:k1")
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range []string{"low", "back"} {
		if _, _, err := f.svc.ReadDocument(ctx, c.ID, kiosk.KindAuto, []byte(img), "kiosk:k1"); err != nil {
			t.Fatal(err)
		}
	}
	if c, err = f.svc.Submit(ctx, c.ID, rules.Request{}, "13812345678", "kiosk:k1"); err != nil || c.State != kiosk.StateEscalated {
		t.Fatalf("submit: %v %+v", err, c)
	}
	return c
}

func (f *deskFixture) mustStaff(t testing.TB, name string, role kiosk.Role) kiosk.Staff {
	t.Helper()
	st, err := f.staff.AddStaff(context.Background(), name, role, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if kiosk.ErrorCode(err) != code {
		t.Fatalf("error %v, want code %s", err, code)
	}
}

func TestClaimExactlyOnce(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newDeskFixture(t, db)
		const nCases, nClerks = 4, 12
		clerks := make([]kiosk.Staff, nClerks)
		for i := range clerks {
			clerks[i] = f.mustStaff(t, "clerk"+string(rune('a'+i)), kiosk.RoleClerk)
		}
		for range nCases {
			c := f.escalated(t)
			winners := make(chan kiosk.Staff, nClerks)
			var wg sync.WaitGroup
			for _, st := range clerks {
				wg.Go(func() {
					_, err := f.desk.Claim(context.Background(), c.ID, st)
					switch kiosk.ErrorCode(err) {
					case "":
						winners <- st
					case kiosk.ECONFLICT:
						if !strings.Contains(kiosk.ErrorMessage(err), "受理") {
							t.Errorf("conflict without the holder: %q", kiosk.ErrorMessage(err))
						}
					default:
						t.Errorf("claim: %v", err)
					}
				})
			}
			wg.Wait()
			close(winners)
			if len(winners) != 1 {
				t.Fatalf("case %s: %d winners", c.ID, len(winners))
			}
			won := <-winners
			got, _ := f.svc.Case(context.Background(), c.ID)
			if got.State != kiosk.StateClaimed || got.Holder != won.ID {
				t.Fatalf("case after claims: %s held by %q, winner %s", got.State, got.Holder, won.ID)
			}
			// The losers were told who holds it.
			_, err := f.desk.Claim(context.Background(), c.ID, clerks[0])
			if won.ID != clerks[0].ID && !strings.Contains(kiosk.ErrorMessage(err), won.Name) {
				t.Fatalf("409 message %q does not name %s", kiosk.ErrorMessage(err), won.Name)
			}
			if tr := trail(t, f.svc.Cases, c.ID); strings.Count(tr, "claimed") != 1 {
				t.Fatalf("trail %s", tr)
			}
		}
	})
}

func TestLeaseRenewExpireRelease(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDeskFixture(t, db)
		a, b := f.mustStaff(t, "wang", kiosk.RoleClerk), f.mustStaff(t, "li", kiosk.RoleClerk)
		c := f.escalated(t)
		if _, err := f.desk.Claim(ctx, c.ID, a); err != nil {
			t.Fatal(err)
		}
		f.advance(50 * time.Second)
		if _, err := f.desk.Renew(ctx, c.ID, b); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
			t.Fatalf("renew by a non-holder: %v", err)
		}
		if got, err := f.desk.Renew(ctx, c.ID, a); err != nil || !got.LeaseUntil.Equal(f.clock().Add(time.Minute)) {
			t.Fatalf("renew: %v %v", err, got)
		}
		f.advance(50 * time.Second) // within the renewed lease
		if n, err := f.desk.ExpireLeases(ctx, f.clock()); err != nil || n != 0 {
			t.Fatalf("expired a renewed lease: %d %v", n, err)
		}
		f.advance(11 * time.Second)
		if n, err := f.desk.ExpireLeases(ctx, f.clock()); err != nil || n != 1 {
			t.Fatalf("expire: %d %v", n, err)
		}
		got, _ := f.svc.Case(ctx, c.ID)
		if got.State != kiosk.StateEscalated || got.Holder != "" || !got.LeaseUntil.IsZero() {
			t.Fatalf("after expiry: %+v", got)
		}
		evs, _ := f.svc.Cases.CaseEvents(ctx, c.ID)
		if last := evs[len(evs)-1]; last.Reason != "lease_expired" || last.Actor != "system" {
			t.Fatalf("expiry event %+v", last)
		}
		if _, err := f.desk.Renew(ctx, c.ID, a); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
			t.Fatalf("renew after expiry: %v", err)
		}
		if _, err := f.desk.Claim(ctx, c.ID, b); err != nil {
			t.Fatalf("claim after expiry: %v", err)
		}
		wantCode(t, func() error { _, err := f.desk.Release(ctx, c.ID, a); return err }(), kiosk.ECONFLICT)
		if got, err := f.desk.Release(ctx, c.ID, b); err != nil || got.State != kiosk.StateEscalated {
			t.Fatalf("release: %v %+v", err, got)
		}
		wantCode(t, func() error { _, err := f.desk.Claim(ctx, "no-such-case", a); return err }(), kiosk.ENOTFOUND)
	})
}

func TestStaffDecisions(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDeskFixture(t, db)
		a, b := f.mustStaff(t, "wang", kiosk.RoleClerk), f.mustStaff(t, "li", kiosk.RoleClerk)
		sub := f.svc.Feed.Subscribe(nil, 100)
		defer sub.Close()

		rej := f.escalated(t)
		auto, _ := f.svc.Case(ctx, rej.ID)
		if _, err := f.desk.Decide(ctx, rej.ID, a, rules.Rejected, "DOC_MISMATCH", "证件与本人不符。"); kiosk.ErrorCode(err) != kiosk.ECONFLICT {
			t.Fatalf("decide without a claim: %v", err)
		}
		f.desk.Claim(ctx, rej.ID, a)
		for _, tt := range []struct{ outcome, code, msg string }{
			{"rejected", "", "证件与本人不符。"},
			{"rejected", "DOC_MISMATCH", ""},
			{"rejected", "bad code", "x"},
			{"maybe", "DOC_MISMATCH", "x"},
			{"rejected", "DOC_MISMATCH", strings.Repeat("长", 301)},
		} {
			_, err := f.desk.Decide(ctx, rej.ID, a, rules.Outcome(tt.outcome), tt.code, tt.msg)
			wantCode(t, err, kiosk.EINVALID)
		}
		wantCode(t, func() error {
			_, err := f.desk.Decide(ctx, rej.ID, b, rules.Rejected, "DOC_MISMATCH", "x")
			return err
		}(), kiosk.ECONFLICT)
		got, err := f.desk.Decide(ctx, rej.ID, a, rules.Rejected, "DOC_MISMATCH", "证件与本人不符，请携带本人身份证到窗口办理。")
		if err != nil || got.State != kiosk.StateRejected {
			t.Fatalf("reject: %v %+v", err, got)
		}
		stored, _ := f.svc.Case(ctx, rej.ID)
		d := stored.Decision
		last := d.Reasons[len(d.Reasons)-1]
		if d.Outcome != rules.Rejected || last.Code != "DOC_MISMATCH" || !strings.Contains(last.Message, "本人身份证") ||
			len(d.Reasons) != len(auto.Decision.Reasons)+1 || len(d.Trace) != len(auto.Decision.Trace) || stored.Holder != "" {
			t.Fatalf("stored decision %+v", d)
		}

		app := f.escalated(t)
		f.desk.Claim(ctx, app.ID, b)
		got, err = f.desk.Decide(ctx, app.ID, b, rules.Approved, "STAFF_VERIFIED", "")
		if err != nil || got.State != kiosk.StateIssued || got.Issuance == nil || got.Issuance.Number == "" {
			t.Fatalf("approve: %v %+v", err, got)
		}
		if tr := trail(t, f.svc.Cases, app.ID); !strings.HasSuffix(tr, "escalated>claimed>approved>issued") {
			t.Fatalf("trail %s", tr)
		}
		// The kiosk screen's subscription saw the staff's decisions.
		seen := map[kiosk.State]string{}
		for len(sub.C) > 0 {
			ev := <-sub.C
			seen[ev.To] = ev.Actor
		}
		if seen[kiosk.StateRejected] != a.Actor() || seen[kiosk.StateApproved] != b.Actor() || seen[kiosk.StateIssued] != "system" {
			t.Fatalf("feed saw %v", seen)
		}

		entries, err := f.audit.Entries(ctx, rej.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action+"/"+e.Outcome)
		}
		want := "decide/ok decide/conflict decide/invalid decide/invalid decide/invalid decide/invalid decide/invalid claim/ok decide/conflict"
		if strings.Join(actions, " ") != want {
			t.Fatalf("audit of %s:\n got %s\nwant %s", rej.ID, strings.Join(actions, " "), want)
		}
	})
}

func TestReassign(t *testing.T) {
	ctx := context.Background()
	f := newDeskFixture(t, storetest.MustOpenSQLite(t))
	a, b := f.mustStaff(t, "wang", kiosk.RoleClerk), f.mustStaff(t, "li", kiosk.RoleClerk)
	sup := f.mustStaff(t, "zhao", kiosk.RoleSupervisor)
	c := f.escalated(t)
	f.desk.Claim(ctx, c.ID, a)
	wantCode(t, func() error { _, err := f.desk.Reassign(ctx, c.ID, b, b.ID); return err }(), kiosk.EFORBIDDEN)
	wantCode(t, func() error { _, err := f.desk.Reassign(ctx, c.ID, sup, "nobody"); return err }(), kiosk.EINVALID)
	got, err := f.desk.Reassign(ctx, c.ID, sup, b.ID)
	if err != nil || got.State != kiosk.StateClaimed || got.Holder != b.ID {
		t.Fatalf("reassign: %v %+v", err, got)
	}
	evs, _ := f.svc.Cases.CaseEvents(ctx, c.ID)
	n := len(evs)
	if evs[n-2].Reason != "reassign" || evs[n-2].Actor != sup.Actor() || evs[n-1].Reason != "assigned:"+b.ID {
		t.Fatalf("reassign events %+v %+v", evs[n-2], evs[n-1])
	}
}

func TestOverdueAlertsOnceAcrossReplicas(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDeskFixture(t, db)
		c := f.escalated(t)
		claimed := f.escalated(t)
		f.desk.Claim(ctx, claimed.ID, f.mustStaff(t, "wang", kiosk.RoleClerk))
		// A second replica: its own Service and Feed on the same database.
		other := *f.desk
		otherSvc := *f.svc
		otherSvc.Feed = kiosk.NewFeed()
		other.Service = &otherSvc

		f.advance(4 * time.Minute)
		if evs, err := f.desk.AlertOverdue(ctx, f.clock()); err != nil || len(evs) != 0 {
			t.Fatalf("alert before due: %v %v", evs, err)
		}
		f.advance(2 * time.Minute)
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, d := range []*kiosk.Desk{f.desk, &other} {
			wg.Go(func() {
				evs, err := d.AlertOverdue(ctx, f.clock())
				if err != nil {
					t.Error(err)
				}
				counts[i] = len(evs)
			})
		}
		wg.Wait()
		if counts[0]+counts[1] != 1 {
			t.Fatalf("alerts recorded %v, want one in all", counts)
		}
		if evs, _ := f.desk.AlertOverdue(ctx, f.clock()); len(evs) != 0 {
			t.Fatal("alert repeated at the same level")
		}
		f.advance(5 * time.Minute)
		evs, err := f.desk.AlertOverdue(ctx, f.clock())
		if err != nil || len(evs) != 1 || evs[0].CaseID != c.ID || evs[0].Reason != "overdue:2" {
			t.Fatalf("second level: %+v %v", evs, err)
		}
		items, err := f.desk.List(ctx)
		if err != nil || len(items) != 2 || items[0].Case.ID != c.ID || items[0].Overdue != 2 || items[1].Holder.Name != "wang" {
			t.Fatalf("queue %+v %v", items, err)
		}
		if want := items[0].Since.Add(15 * time.Minute); !items[0].DueAt.Equal(want) {
			t.Fatalf("due %v, want %v", items[0].DueAt, want)
		}
	})
}

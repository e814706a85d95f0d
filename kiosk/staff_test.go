package kiosk_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

func TestStaffLoginLockoutTimeouts(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		staff, audit := store.NewStaffStore(db), store.NewAuditLog(db)
		auth := kiosk.NewStaffAuth(staff, audit, slog.New(slog.DiscardHandler))
		auth.Now = func() time.Time { return now }
		const pw = "correct horse battery"
		wang, err := staff.AddStaff(ctx, "wang", kiosk.RoleClerk, pw)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []struct{ name, role, pw string }{{"w", "clerk", pw}, {"x y", "clerk", pw}, {"li", "boss", pw}, {"li", "clerk", "short"}} {
			_, err := staff.AddStaff(ctx, bad.name, kiosk.Role(bad.role), bad.pw)
			wantCode(t, err, kiosk.EINVALID)
		}
		_, err = staff.AddStaff(ctx, "wang", kiosk.RoleClerk, pw)
		wantCode(t, err, kiosk.ECONFLICT)

		_, _, err = auth.Login(ctx, "nobody", pw)
		wantCode(t, err, kiosk.EUNAUTHORIZED)
		token, sess, err := auth.Login(ctx, "wang", pw)
		if err != nil || sess.Staff.ID != wang.ID || token == "" {
			t.Fatalf("login: %v %+v", err, sess)
		}
		for range 5 {
			_, _, err := auth.Login(ctx, "wang", "wrong password!")
			wantCode(t, err, kiosk.EUNAUTHORIZED)
		}
		_, _, err = auth.Login(ctx, "wang", pw)
		wantCode(t, err, kiosk.ERATELIMIT) // locked, even with the right password
		now = now.Add(16 * time.Minute)
		if _, _, err := auth.Login(ctx, "wang", pw); err != nil {
			t.Fatalf("login after the lock: %v", err)
		}

		// Idle timeout: activity within it keeps the session, silence beyond it ends it.
		token, _, _ = auth.Login(ctx, "wang", pw)
		for range 3 {
			now = now.Add(10 * time.Minute)
			if _, err := auth.Authenticate(ctx, token); err != nil {
				t.Fatalf("active session ended: %v", err)
			}
		}
		now = now.Add(10 * time.Minute)
		if _, err := auth.Check(ctx, token); err != nil {
			t.Fatalf("check: %v", err)
		}
		now = now.Add(6 * time.Minute) // Check did not count as activity: 16 minutes idle
		_, err = auth.Authenticate(ctx, token)
		wantCode(t, err, kiosk.EUNAUTHORIZED)

		// Absolute timeout, however active.
		token, _, _ = auth.Login(ctx, "wang", pw)
		for range 61 { // just past 10 hours
			now = now.Add(10 * time.Minute)
			if _, err := auth.Authenticate(ctx, token); err != nil {
				break
			}
		}
		if _, err := auth.Authenticate(ctx, token); kiosk.ErrorCode(err) != kiosk.EUNAUTHORIZED {
			t.Fatalf("a 10-hour session still works: %v", err)
		}

		// Logout and disabling end sessions and tell the watching consoles at once.
		token, sess, _ = auth.Login(ctx, "wang", pw)
		ended, stop := auth.Watch(sess)
		defer stop()
		if err := auth.Logout(ctx, sess); err != nil {
			t.Fatal(err)
		}
		<-ended
		_, err = auth.Authenticate(ctx, token)
		wantCode(t, err, kiosk.EUNAUTHORIZED)

		token, sess, _ = auth.Login(ctx, "wang", pw)
		ended, stop = auth.Watch(sess)
		defer stop()
		if _, err := auth.SetDisabled(ctx, "staff:admin", "wang", true); err != nil {
			t.Fatal(err)
		}
		<-ended
		_, err = auth.Authenticate(ctx, token)
		wantCode(t, err, kiosk.EUNAUTHORIZED)
		_, _, err = auth.Login(ctx, "wang", pw)
		wantCode(t, err, kiosk.EUNAUTHORIZED)
		if auth.Watchers() != 0 {
			t.Fatalf("%d watchers left", auth.Watchers())
		}
		_, err = auth.SetDisabled(ctx, "staff:admin", "nobody", true)
		wantCode(t, err, kiosk.ENOTFOUND)

		entries, _ := audit.Entries(ctx, "", 3)
		if len(entries) != 3 || entries[0].Action != kiosk.AuditDisable || entries[0].Outcome != kiosk.ENOTFOUND ||
			entries[1].Action != kiosk.AuditLogin || entries[1].Outcome != kiosk.EUNAUTHORIZED || entries[2].Action != kiosk.AuditDisable {
			t.Fatalf("audit tail %+v", entries)
		}
	})
}

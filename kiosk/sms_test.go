package kiosk_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// outbox is an SMS sender that keeps what it sends.
type outbox struct {
	mu   sync.Mutex
	sent []kiosk.SMS
}

func (o *outbox) Send(_ context.Context, m kiosk.SMS) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

var smsCode = regexp.MustCompile(`\d{6}`)

// lastCode returns the code in the last message sent.
func (o *outbox) lastCode(t *testing.T) string {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.sent) == 0 {
		t.Fatal("no SMS sent")
	}
	return smsCode.FindString(o.sent[len(o.sent)-1].Text)
}

const phone = "13812345678"

// smsFixture is a service with an outbox and a clock the test moves.
func smsFixture(t *testing.T) (fixture, *outbox, *time.Time, string) {
	t.Helper()
	f := newFixture(t, cardReader{})
	box := &outbox{}
	f.svc.SMS = box
	now := time.Date(2026, 11, 23, 10, 15, 0, 0, time.UTC)
	f.svc.Now = func() time.Time { return now }
	c, err := f.svc.StartCase(context.Background(), "DL_DAMAGED_REPLACE", kiosk.ChannelKiosk, "kiosk:k1")
	if err != nil {
		t.Fatal(err)
	}
	return f, box, &now, c.ID
}

func TestSMSCodeVerifiesOnceAndIsNeverLogged(t *testing.T) {
	f, box, _, id := smsFixture(t)
	ctx := context.Background()
	if err := f.svc.SendCode(ctx, id, "1381234567"); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Fatalf("short number: %v", err)
	}
	if err := f.svc.SendCode(ctx, id, phone); err != nil {
		t.Fatal(err)
	}
	code := box.lastCode(t)
	if box.sent[0].To != phone || box.sent[0].CaseID != id || code == "" {
		t.Fatalf("sent %+v", box.sent)
	}
	if err := f.svc.VerifyCode(id, "13900000000", code); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Fatalf("code for another number: %v", err)
	}
	if err := f.svc.VerifyCode(id, phone, code); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.VerifyCode(id, phone, code); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Fatalf("a used code verified again: %v", err)
	}
	if logs := f.logs.String(); strings.Contains(logs, code) || strings.Contains(logs, phone) {
		t.Fatalf("the code or the number reached the log:\n%s", logs)
	}
}

func TestSMSCodeExpires(t *testing.T) {
	f, box, now, id := smsFixture(t)
	if err := f.svc.SendCode(context.Background(), id, phone); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(5*time.Minute + time.Second)
	err := f.svc.VerifyCode(id, phone, box.lastCode(t))
	if kiosk.ErrorCode(err) != kiosk.EINVALID || !strings.Contains(kiosk.ErrorMessage(err), "过期") {
		t.Fatalf("expired code: %v", err)
	}
}

func TestSMSResendInterval(t *testing.T) {
	f, box, now, id := smsFixture(t)
	ctx := context.Background()
	if err := f.svc.SendCode(ctx, id, phone); err != nil {
		t.Fatal(err)
	}
	first := box.lastCode(t)
	*now = now.Add(59 * time.Second)
	if err := f.svc.SendCode(ctx, id, phone); kiosk.ErrorCode(err) != kiosk.ERATELIMIT {
		t.Fatalf("resend within a minute: %v", err)
	}
	if len(box.sent) != 1 {
		t.Fatalf("%d messages sent, want 1", len(box.sent))
	}
	// After the interval a new code replaces the old one, up to five codes per case.
	for i := 2; i <= 5; i++ {
		*now = now.Add(time.Minute)
		if err := f.svc.SendCode(ctx, id, phone); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	*now = now.Add(time.Minute)
	if err := f.svc.SendCode(ctx, id, phone); kiosk.ErrorCode(err) != kiosk.ERATELIMIT {
		t.Fatalf("sixth code: %v", err)
	}
	if latest := box.lastCode(t); latest != first {
		if err := f.svc.VerifyCode(id, phone, first); kiosk.ErrorCode(err) != kiosk.EINVALID {
			t.Fatalf("a replaced code verified: %v", err)
		}
	}
}

func TestSMSCodeTries(t *testing.T) {
	f, box, _, id := smsFixture(t)
	if err := f.svc.SendCode(context.Background(), id, phone); err != nil {
		t.Fatal(err)
	}
	code := box.lastCode(t)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for i := 1; i <= 5; i++ {
		if err := f.svc.VerifyCode(id, phone, wrong); kiosk.ErrorCode(err) != kiosk.EINVALID {
			t.Fatalf("wrong try %d: %v", i, err)
		}
	}
	// Five wrong tries use the code up: the right one no longer works.
	err := f.svc.VerifyCode(id, phone, code)
	if kiosk.ErrorCode(err) != kiosk.EINVALID || !strings.Contains(kiosk.ErrorMessage(err), "次数过多") {
		t.Fatalf("sixth try with the right code: %v", err)
	}
	if err := f.svc.VerifyCode(id, phone, code); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Fatalf("after lock-out: %v", err)
	}
}

func TestSMSWithoutSender(t *testing.T) {
	f, _, _, id := smsFixture(t)
	f.svc.SMS = nil
	if err := f.svc.SendCode(context.Background(), id, phone); kiosk.ErrorCode(err) != kiosk.EUNAVAILABLE {
		t.Fatalf("no sender: %v", err)
	}
	if err := f.svc.VerifyCode(id, phone, "123456"); kiosk.ErrorCode(err) != kiosk.EINVALID {
		t.Fatalf("verify without a code: %v", err)
	}
}

package kiosk

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"math/big"
	"regexp"
	"sync"
	"time"
)

// SMS is one text message to an applicant's phone. CaseID lets a gateway file delivery
// receipts, and lets the demo sender show the message on the right screen.
type SMS struct {
	CaseID string
	To     string
	Text   string
}

// SMSSender sends text messages. Send returns EUNAVAILABLE when the gateway cannot be
// reached. Implementations must never log the text or the number.
type SMSSender interface {
	Send(ctx context.Context, m SMS) error
}

// SMS code rules: six digits, valid for five minutes, one resend a minute, five tries.
const (
	smsCodeTTL      = 5 * time.Minute
	smsResendAfter  = time.Minute
	smsMaxAttempts  = 5
	smsCodeDigits   = 6
	smsMaxPerCase   = 5 // codes sent for one case, so a kiosk cannot be used to spam a number
	smsTextTemplate = "【小智】验证码 %s，5 分钟内有效。您正在自助机办理业务，请勿告诉他人。"
)

// phonePattern is a mainland mobile number (SERVICES.md M05).
var phonePattern = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// ValidPhone reports whether phone is a mainland mobile number.
func ValidPhone(phone string) bool { return phonePattern.MatchString(phone) }

// smsCode is the code pending for one case. Codes live in memory only: a restart loses them,
// and the applicant asks for a new one, which is cheaper than keeping secrets at rest.
type smsCode struct {
	phone    string
	code     string
	sentAt   time.Time
	attempts int
	sent     int
}

// smsCodes holds the pending codes by case; its zero value is ready.
type smsCodes struct {
	mu    sync.Mutex
	codes map[string]*smsCode
}

// SendCode sends a verification code to phone for a case that has not been submitted yet.
// EINVALID for a malformed number, ERATELIMIT when asked again within a minute or too often,
// EUNAVAILABLE without a sender, ECONFLICT when the case is past submission.
func (s *Service) SendCode(ctx context.Context, id, phone string) error {
	if !ValidPhone(phone) {
		return Errorf(EINVALID, "请输入正确的 11 位手机号码。")
	}
	if s.SMS == nil {
		return Errorf(EUNAVAILABLE, "短信服务暂不可用，请到窗口办理。")
	}
	c, err := s.Cases.FindCase(ctx, id)
	if err != nil {
		return err
	}
	if !c.State.TakesDocuments() {
		return Errorf(ECONFLICT, "该业务当前不需要验证手机号。")
	}
	if s.hall == nil {
		return errNoHall
	}
	codes := &s.hall.codes
	now := s.Now()
	code, err := randomDigits(smsCodeDigits)
	if err != nil {
		return fmt.Errorf("sms code: %w", err)
	}
	codes.mu.Lock()
	if codes.codes == nil {
		codes.codes = map[string]*smsCode{}
	}
	prev := codes.codes[id]
	switch {
	case prev != nil && now.Sub(prev.sentAt) < smsResendAfter:
		codes.mu.Unlock()
		return Errorf(ERATELIMIT, "验证码已发送，请 %d 秒后再试。", int((smsResendAfter-now.Sub(prev.sentAt)).Seconds())+1)
	case prev != nil && prev.sent >= smsMaxPerCase:
		codes.mu.Unlock()
		return Errorf(ERATELIMIT, "验证码发送次数过多，请到窗口办理。")
	}
	sent := 1
	if prev != nil {
		sent = prev.sent + 1
	}
	codes.codes[id] = &smsCode{phone: phone, code: code, sentAt: now, sent: sent}
	codes.mu.Unlock()

	if err := s.SMS.Send(ctx, SMS{CaseID: id, To: phone, Text: fmt.Sprintf(smsTextTemplate, code)}); err != nil {
		return fmt.Errorf("send sms: %w", err)
	}
	return nil
}

// VerifyCode checks the code the applicant typed for phone; a verified code is used up.
// EINVALID when it is wrong, expired, for another number, or tried too often.
func (s *Service) VerifyCode(id, phone, code string) error {
	if s.hall == nil {
		return errNoHall
	}
	codes := &s.hall.codes
	codes.mu.Lock()
	defer codes.mu.Unlock()
	p := codes.codes[id]
	if p == nil || p.code == "" {
		return Errorf(EINVALID, "请先获取短信验证码。")
	}
	if s.Now().Sub(p.sentAt) > smsCodeTTL {
		p.code = ""
		return Errorf(EINVALID, "验证码已过期，请重新获取。")
	}
	p.attempts++
	if p.attempts > smsMaxAttempts {
		p.code = ""
		return Errorf(EINVALID, "验证码错误次数过多，请重新获取。")
	}
	if p.phone != phone || subtle.ConstantTimeCompare([]byte(p.code), []byte(code)) != 1 {
		return Errorf(EINVALID, "验证码不正确，请核对后重新输入。")
	}
	delete(codes.codes, id)
	return nil
}

func randomDigits(n int) (string, error) {
	b := make([]byte, n)
	for i := range b {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			return "", err
		}
		b[i] = byte('0' + d.Int64())
	}
	return string(b), nil
}

// DemoSMS is the development sender: it sends nothing and hands each message to the watchers,
// so the demo kiosk screen can show the code. It never logs a message.
type DemoSMS struct {
	mu       sync.Mutex
	watchers map[int]func(SMS)
	next     int
}

// Send implements SMSSender.
func (d *DemoSMS) Send(_ context.Context, m SMS) error {
	d.mu.Lock()
	ws := make([]func(SMS), 0, len(d.watchers))
	for _, w := range d.watchers {
		ws = append(ws, w)
	}
	d.mu.Unlock()
	for _, w := range ws {
		w(m)
	}
	return nil
}

// Watch calls fn with every message sent from now on, until the returned stop is called. fn
// must not block.
func (d *DemoSMS) Watch(fn func(SMS)) (stop func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.watchers == nil {
		d.watchers = map[int]func(SMS){}
	}
	id := d.next
	d.next++
	d.watchers[id] = fn
	return func() {
		d.mu.Lock()
		delete(d.watchers, id)
		d.mu.Unlock()
	}
}

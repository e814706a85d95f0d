package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xiaozhi-kiosk/xiaozhi/demo"
	"github.com/xiaozhi-kiosk/xiaozhi/internal/browsertest"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// lockedBuffer collects log output from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// demoPeople reads the demo registry's people: the personal data no log may carry.
func demoPeople(tb testing.TB) (ids, names []string) {
	tb.Helper()
	files, err := demo.Registry()
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range files {
		var reg struct {
			Person []struct {
				IDNumber string `json:"id_number"`
				Name     string `json:"name"`
			} `json:"person"`
		}
		if err := json.Unmarshal(f.Data, &reg); err != nil {
			tb.Fatal(err)
		}
		for _, p := range reg.Person {
			ids, names = append(ids, p.IDNumber), append(names, p.Name)
		}
	}
	return ids, names
}

// mustRunDemo runs the real wiring in demo mode with logs captured, on a free port.
func mustRunDemo(tb testing.TB, camera string, logs *lockedBuffer) *Main {
	tb.Helper()
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DatabaseURL = filepath.Join(tb.TempDir(), "x.db")
	cfg.Demo, cfg.Camera, cfg.OCRWorkers = true, camera, 1
	cfg.LogLevel = "debug"
	m := &Main{Config: cfg, Logger: newLogger(cfg, logs)}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatalf("run: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := m.Close(ctx); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return m
}

var codePattern = regexp.MustCompile(`验证码 (\d{6})`)

// driveLicenceReplacement completes 驾驶证损毁换证 on the kiosk screen up to the result,
// and returns the outcome the screen shows.
func driveLicenceReplacement(t *testing.T, ctx context.Context, url, name string) (outcome, lines string) {
	t.Helper()
	var sms string
	err := chromedp.Run(ctx,
		chromedp.Navigate(url+"/kiosk/"),
		chromedp.WaitVisible(`button[data-matter="DL_DAMAGED_REPLACE"]`),
		browsertest.Screenshot("kiosk", name+"-1-home"),
		chromedp.Click(`button[data-matter="DL_DAMAGED_REPLACE"]`),
		chromedp.WaitVisible(`#prompt`),
		browsertest.Screenshot("kiosk", name+"-2-capture"),
		chromedp.WaitVisible(`#screen-confirm`),
		browsertest.Screenshot("kiosk", name+"-3-confirm"),
		chromedp.Click(`#confirm-ok`),
		chromedp.WaitVisible(`#phone`),
		chromedp.SendKeys(`#phone`, "13812345678"),
		chromedp.Click(`#sms-send`),
		chromedp.WaitVisible(`#sms`),
		chromedp.Text(`#sms`, &sms),
	)
	if err != nil {
		t.Fatalf("kiosk screen: %v", err)
	}
	m := codePattern.FindStringSubmatch(sms)
	if m == nil {
		t.Fatalf("demo SMS shows no code: %q", sms)
	}
	err = chromedp.Run(ctx,
		chromedp.SendKeys(`#sms-code`, m[1]),
		browsertest.Screenshot("kiosk", name+"-4-phone"),
		chromedp.Click(`#submit`),
		chromedp.WaitVisible(`#screen-result`),
		chromedp.AttributeValue(`#screen-result`, "data-outcome", &outcome, nil),
		chromedp.Text(`#result-lines`, &lines),
		browsertest.Screenshot("kiosk", name+"-5-result"),
		chromedp.Click(`.stars button[data-rating="5"]`),
		chromedp.WaitVisible(`#rating-done`),
	)
	if err != nil {
		t.Fatalf("kiosk screen: %v", err)
	}
	return outcome, lines
}

func TestKioskScreenLicenceReplacementApproved(t *testing.T) {
	ctx := browsertest.New(t, 1280, 1024, 3*time.Minute)
	var logs lockedBuffer
	m := mustRunDemo(t, "", &logs)
	outcome, lines := driveLicenceReplacement(t, ctx, m.HTTP.URL(), "approved")
	if outcome != "approved" || !strings.Contains(lines, "取件单号") || !strings.Contains(lines, "1号窗口") {
		t.Fatalf("result %q: %q", outcome, lines)
	}
	cases, err := m.Kiosk.Cases.CasesInState(context.Background(), kiosk.StateIssued, 10)
	if err != nil || len(cases) != 1 || cases[0].Rating != 5 || cases[0].Issuance == nil {
		t.Fatalf("stored: %v %+v", err, cases)
	}
	assertNoPersonalData(t, logs.String())
}

func TestKioskScreenEscalated(t *testing.T) {
	ctx := browsertest.New(t, 1280, 1024, 3*time.Minute)
	dir := t.TempDir()
	if err := demo.WriteCameraLoop(dir, demo.Escalate); err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	m := mustRunDemo(t, dir, &logs)
	outcome, lines := driveLicenceReplacement(t, ctx, m.HTTP.URL(), "escalated")
	if outcome != "escalated" || !strings.Contains(lines, "138****5678") {
		t.Fatalf("result %q: %q", outcome, lines)
	}
	cases, err := m.Kiosk.Cases.CasesInState(context.Background(), kiosk.StateEscalated, 10)
	if err != nil || len(cases) != 1 || !strings.Contains(reasonCodes(cases[0]), "FREQUENT_REISSUE") {
		t.Fatalf("stored: %v %+v", err, cases)
	}
	assertNoPersonalData(t, logs.String())
}

func reasonCodes(c *kiosk.Case) string {
	if c.Decision == nil {
		return ""
	}
	var codes []string
	for _, r := range c.Decision.Reasons {
		codes = append(codes, r.Code)
	}
	return strings.Join(codes, ",")
}

// assertNoPersonalData fails when the logs carry a demo person's ID number or name, or the
// phone number the tests type.
func assertNoPersonalData(t *testing.T, logs string) {
	t.Helper()
	if !strings.Contains(logs, `"route"`) {
		t.Fatal("no request logs captured: the scan would prove nothing")
	}
	ids, names := demoPeople(t)
	for _, s := range append(append(ids, names...), "13812345678") {
		if strings.Contains(logs, s) {
			t.Errorf("logs carry personal data %q", s)
		}
	}
}

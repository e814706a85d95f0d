package api

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xiaozhi-kiosk/xiaozhi/internal/browsertest"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
)

// escalateWithData queues a case with what a clerk decides on: a read ID card with a
// doubtful name, its image, the rule trace and a registry record.
func (f *consoleFixture) escalateWithData(t *testing.T, id string) {
	t.Helper()
	ctx := context.Background()
	c := &kiosk.Case{ID: id, Matter: "DL_DAMAGED_REPLACE", Channel: kiosk.ChannelKiosk}
	if err := f.cases.CreateCase(ctx, c, "kiosk:k1"); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 428, 270))
	for y := range 270 {
		for x := range 428 {
			img.Set(x, y, color.RGBA{uint8(200 + x%40), uint8(210 + y%30), 235, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	if err := f.cases.SaveImage(ctx, id, kiosk.KindIDCardFront, buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	c.Phone = "13812345678"
	c.Documents = map[kiosk.DocKind]kiosk.Document{kiosk.KindIDCardFront: {Kind: kiosk.KindIDCardFront,
		Fields:     map[string]string{"name": "张伟民", "id_number": "330212198503121234", "birth_date": "1985-03-12"},
		Confidence: map[string]float64{"name": 0.42, "id_number": 0.99, "birth_date": 0.98}, Flags: []string{"glare"}}}
	c.Facts = &rules.Facts{Matter: c.Matter, Registry: rules.Registry{}}
	c.Decision = &rules.Decision{Matter: c.Matter, Outcome: rules.Escalated, Notes: []string{},
		Reasons: []rules.Reason{{Code: "LOW_CONFIDENCE", Outcome: rules.Escalated, Message: "证件信息识别不清，请工作人员核对。", Basis: "身份核验"}},
		Trace:   []rules.Step{{Check: "LOW_CONFIDENCE", Result: rules.Failed, Missing: []string{"documents.id_card_front.name"}}, {Check: "DL_EXPIRED", Result: rules.Passed}}}
	for _, to := range []kiosk.State{kiosk.StateCapturing, kiosk.StateDeciding, kiosk.StateEscalated} {
		ev := kiosk.Event{To: to, Actor: "system", Reason: "LOW_CONFIDENCE"}
		if err := f.cases.Transition(ctx, c, &ev); err != nil {
			t.Fatal(err)
		}
		f.srv.Kiosk.Feed.Publish(ev)
	}
}

func loginInBrowser(url, name string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(url + "/console/"),
		chromedp.WaitVisible(`#login-name`),
		chromedp.SendKeys(`#login-name`, name),
		chromedp.SendKeys(`#login-password`, testPassword),
		chromedp.Click(`#login-form button`),
		chromedp.WaitVisible(`#conn[data-state="online"]`),
	}
}

func TestConsoleInBrowser(t *testing.T) {
	f := newConsoleFixture(t)
	for _, n := range []string{"wang", "li"} {
		if _, err := f.staff.AddStaff(context.Background(), n, kiosk.RoleClerk, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	a, b := browsertest.New(t, 1400, 1100, 2*time.Minute), browsertest.New(t, 1400, 1100, 2*time.Minute)
	if err := chromedp.Run(a, loginInBrowser(f.ts.URL, "wang")); err != nil {
		t.Fatalf("wang's browser: %v", err)
	}
	if err := chromedp.Run(b, loginInBrowser(f.ts.URL, "li")); err != nil {
		t.Fatalf("li's browser: %v", err)
	}
	kioskScreen := f.srv.Kiosk.Feed.Subscribe(func(ev kiosk.Event) bool { return ev.CaseID == "c1" }, 16)
	defer kioskScreen.Close()

	// A new escalation appears on both consoles without a reload.
	f.escalateWithData(t, "c1")
	row := `#queue tr[data-id="c1"]`
	for _, ctx := range []context.Context{a, b} {
		if err := chromedp.Run(ctx, chromedp.WaitVisible(row)); err != nil {
			t.Fatalf("escalation not shown: %v", err)
		}
	}
	// wang opens it, sees the full picture, and claims it; li sees it claimed at once.
	var fields, trace string
	err := chromedp.Run(a,
		chromedp.Click(row+` td`),
		chromedp.WaitVisible(`#documents .doc img`),
		chromedp.Text(`#documents`, &fields),
		chromedp.Text(`#trace`, &trace),
		browsertest.Screenshot("console", "1-case-view"),
		chromedp.Click(`#claim`),
		chromedp.WaitVisible(`#decide`),
	)
	if err != nil {
		t.Fatalf("claim in wang's browser: %v", err)
	}
	if !strings.Contains(fields, "42%") || !strings.Contains(fields, "glare") || !strings.Contains(trace, "LOW_CONFIDENCE") {
		t.Fatalf("case view lacks confidence, flags or trace:\n%s\n%s", fields, trace)
	}
	var state string
	err = chromedp.Run(b,
		chromedp.WaitVisible(`#queue tr[data-id="c1"][data-state="claimed"]`),
		chromedp.Text(row+` td.state`, &state),
		chromedp.Click(row+` td`),
		chromedp.WaitVisible(`#case-title[data-state="claimed"]`),
		browsertest.Screenshot("console", "2-claimed-seen-by-other"),
	)
	if err != nil || !strings.Contains(state, "wang") {
		t.Fatalf("li did not see wang's claim: %q %v", state, err)
	}
	var claimDisabled bool
	chromedp.Run(b, chromedp.JavascriptAttribute(`#claim`, "disabled", &claimDisabled))
	if !claimDisabled {
		t.Fatal("li can still press 受理 on a case wang holds")
	}

	// A decision without a reason is refused on the page; with one it reaches the kiosk.
	var problem string
	err = chromedp.Run(a,
		chromedp.Click(`input[name="outcome"][value="rejected"]`),
		chromedp.Click(`#decide-submit`),
		chromedp.WaitVisible(`#case-error`),
		chromedp.Poll(`document.getElementById("case-error").textContent.length > 0`, nil),
		chromedp.Text(`#case-error`, &problem),
		chromedp.SetValue(`#reason-code`, "IDENTITY_MISMATCH"),
		chromedp.SendKeys(`#message`, "证件与本人不符，请携带本人身份证到窗口办理。"),
		browsertest.Screenshot("console", "3-deciding"),
		chromedp.Click(`#decide-submit`),
		chromedp.WaitVisible(`#case-title[data-state="rejected"]`),
		chromedp.WaitNotPresent(row),
		browsertest.Screenshot("console", "4-decided"),
	)
	if err != nil || !strings.Contains(problem, "理由") {
		t.Fatalf("decide in wang's browser: %q %v", problem, err)
	}
	if err := chromedp.Run(b, chromedp.WaitNotPresent(row)); err != nil {
		t.Fatalf("decided case still in li's queue: %v", err)
	}
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev := <-kioskScreen.C:
			if ev.To == kiosk.StateRejected {
				if ev.Actor != "staff:"+f.mustStaffID(t, "wang") || ev.Reason != "IDENTITY_MISMATCH" {
					t.Fatalf("kiosk got %+v", ev)
				}
				got, _ := f.srv.Kiosk.Case(context.Background(), "c1")
				last := got.Decision.Reasons[len(got.Decision.Reasons)-1]
				if !strings.Contains(last.Message, "本人身份证") {
					t.Fatalf("citizen's message %+v", last)
				}
				return
			}
		case <-timeout:
			t.Fatal("the kiosk side never heard the decision")
		}
	}
}

func (f *consoleFixture) mustStaffID(t *testing.T, name string) string {
	t.Helper()
	list, err := f.staff.ListStaff(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range list {
		if st.Name == name {
			return st.ID
		}
	}
	t.Fatalf("no staff %s", name)
	return ""
}

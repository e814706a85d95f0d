package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

const testPassword = "correct horse battery"

type consoleFixture struct {
	srv   *Server
	ts    *httptest.Server
	cases *store.CaseStore
	staff *store.StaffStore
}

// newConsoleFixture serves the staff API over a real SQLite store.
func newConsoleFixture(t *testing.T) *consoleFixture {
	t.Helper()
	db := storetest.MustOpenSQLite(t)
	sealer := storetest.MustSealer(t, 7)
	engine, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newTestServer(t)
	cases := store.NewCaseStore(db, sealer)
	s.Kiosk = kiosk.NewService(cases, store.NewRegistry(db, sealer), nil, engine, slog.New(slog.DiscardHandler))
	staff, audit := store.NewStaffStore(db), store.NewAuditLog(db)
	s.Desk = &kiosk.Desk{Service: s.Kiosk, Queue: cases, Staff: staff, Audit: audit, Lease: time.Minute,
		DueAfter: 5 * time.Minute, Logger: slog.New(slog.DiscardHandler)}
	s.StaffAuth = kiosk.NewStaffAuth(staff, audit, slog.New(slog.DiscardHandler))
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { s.consoles.closeAll(); ts.Close() })
	return &consoleFixture{srv: s, ts: ts, cases: cases, staff: staff}
}

// escalate creates a case and moves it to the queue the way the service would, through
// the service's own transitions so that the Feed hears it.
func (f *consoleFixture) escalate(t *testing.T, id string) {
	t.Helper()
	c := &kiosk.Case{ID: id, Matter: "DL_DAMAGED_REPLACE", Channel: kiosk.ChannelKiosk}
	if err := f.cases.CreateCase(context.Background(), c, "kiosk:k1"); err != nil {
		t.Fatal(err)
	}
	for _, to := range []kiosk.State{kiosk.StateCapturing, kiosk.StateDeciding, kiosk.StateEscalated} {
		ev := kiosk.Event{To: to, Actor: "system", Reason: "LOW_CONFIDENCE"}
		if err := f.cases.Transition(context.Background(), c, &ev); err != nil {
			t.Fatal(err)
		}
		f.srv.Kiosk.Feed.Publish(ev)
	}
}

// client is one browser: a cookie jar and the console's Origin on every request.
type client struct {
	t    *testing.T
	f    *consoleFixture
	http *http.Client
}

func (f *consoleFixture) login(t *testing.T, name string, role kiosk.Role) *client {
	t.Helper()
	if _, err := f.staff.AddStaff(context.Background(), name, role, testPassword); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, f: f, http: &http.Client{Jar: jar}}
	if code, body := c.do("POST", "/api/v1/staff/login", map[string]string{"name": name, "password": testPassword}); code != 200 {
		t.Fatalf("login %s: %d %s", name, code, body)
	}
	return c
}

func (c *client) do(method, path string, body any) (int, string) {
	c.t.Helper()
	var r *bytes.Reader
	if s, ok := body.(string); ok {
		r = bytes.NewReader([]byte(s))
	} else {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.f.ts.URL+path, r)
	req.Header.Set("Origin", c.f.ts.URL)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return resp.StatusCode, out.String()
}

func (c *client) dial(origin string) (*websocket.Conn, *http.Response, error) {
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	d := websocket.Dialer{Jar: c.http.Jar, HandshakeTimeout: 5 * time.Second}
	return d.Dial("ws"+strings.TrimPrefix(c.f.ts.URL, "http")+"/api/v1/staff/ws", h)
}

func (c *client) mustDial() *websocket.Conn {
	c.t.Helper()
	conn, _, err := c.dial(c.f.ts.URL)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { conn.Close() })
	if n := readNotice(c.t, conn); n.Type != "hello" {
		c.t.Fatalf("first message %+v", n)
	}
	return conn
}

func readNotice(t *testing.T, conn *websocket.Conn) consoleNotice {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var n consoleNotice
	if err := conn.ReadJSON(&n); err != nil {
		t.Fatalf("read: %v", err)
	}
	return n
}

// nextEvent skips to the next event notice.
func nextEvent(t *testing.T, conn *websocket.Conn) eventResponse {
	t.Helper()
	for {
		if n := readNotice(t, conn); n.Type == "event" {
			return *n.Event
		}
	}
}

func TestConsoleBadInput(t *testing.T) {
	f := newConsoleFixture(t)
	f.escalate(t, "c1")
	wang, li := f.login(t, "wang", kiosk.RoleClerk), f.login(t, "li", kiosk.RoleClerk)
	anon := &client{t: t, f: f, http: &http.Client{}}

	if code, _ := wang.do("POST", "/api/v1/staff/cases/c1/claim", nil); code != 200 {
		t.Fatalf("claim: %d", code)
	}
	for _, tt := range []struct {
		name   string
		c      *client
		method string
		path   string
		body   any
		status int
		code   string
		msg    string
	}{
		{"bad password", anon, "POST", "/api/v1/staff/login", map[string]string{"name": "wang", "password": "nope nope nope"}, 401, kiosk.EUNAUTHORIZED, ""},
		{"login not JSON", anon, "POST", "/api/v1/staff/login", "{", 400, kiosk.EINVALID, ""},
		{"no session", anon, "GET", "/api/v1/staff/queue", nil, 401, kiosk.EUNAUTHORIZED, ""},
		{"unknown case", li, "POST", "/api/v1/staff/cases/nope/claim", nil, 404, kiosk.ENOTFOUND, ""},
		{"unknown case view", li, "GET", "/api/v1/staff/cases/nope", nil, 404, kiosk.ENOTFOUND, ""},
		{"claimed by someone else", li, "POST", "/api/v1/staff/cases/c1/claim", nil, 409, kiosk.ECONFLICT, "wang"},
		{"decision without reason", wang, "POST", "/api/v1/staff/cases/c1/decision", map[string]string{"outcome": "rejected", "message": "不符"}, 400, kiosk.EINVALID, ""},
		{"rejection without message", wang, "POST", "/api/v1/staff/cases/c1/decision", map[string]string{"outcome": "rejected", "reason_code": "DOC_MISMATCH"}, 400, kiosk.EINVALID, ""},
		{"decision not JSON", wang, "POST", "/api/v1/staff/cases/c1/decision", "[1,", 400, kiosk.EINVALID, ""},
		{"decision by non-holder", li, "POST", "/api/v1/staff/cases/c1/decision", map[string]string{"outcome": "approved", "reason_code": "OK_VERIFIED"}, 409, kiosk.ECONFLICT, "wang"},
		{"unknown image kind", wang, "GET", "/api/v1/staff/cases/c1/images/passport", nil, 400, kiosk.EINVALID, ""},
		{"image never kept", wang, "GET", "/api/v1/staff/cases/c1/images/id_card_front", nil, 404, kiosk.ENOTFOUND, ""},
		{"reassign by clerk", li, "POST", "/api/v1/staff/cases/c1/reassign", map[string]string{"staff_id": "x"}, 403, kiosk.EFORBIDDEN, ""},
		{"disable by clerk", li, "POST", "/api/v1/staff/accounts/wang/disable", nil, 403, kiosk.EFORBIDDEN, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.c.t = t
			status, body := tt.c.do(tt.method, tt.path, tt.body)
			var e errorResponse
			json.Unmarshal([]byte(body), &e)
			if status != tt.status || e.Error.Code != tt.code || !strings.Contains(e.Error.Message, tt.msg) || e.Error.Message == "" {
				t.Fatalf("%s %s = %d %s, want %d %s mentioning %q", tt.method, tt.path, status, body, tt.status, tt.code, tt.msg)
			}
		})
	}

	// A request from another site is refused even with the session cookie.
	req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/staff/cases/c1/release", nil)
	req.Header.Set("Origin", "https://evil.example")
	resp, err := wang.http.Do(req)
	if err != nil || resp.StatusCode != 403 {
		t.Fatalf("cross-origin POST: %v %v", resp, err)
	}
	resp.Body.Close()
	// The console's WebSocket needs the session and an allowed Origin.
	if _, resp, err := anon.dial(f.ts.URL); err == nil || resp.StatusCode != 401 {
		t.Fatalf("WebSocket without a session: %v", err)
	}
	if _, resp, err := wang.dial(""); err == nil || resp.StatusCode != 403 {
		t.Fatalf("WebSocket without Origin: %v", err)
	}
	if _, resp, err := wang.dial("https://evil.example"); err == nil || resp.StatusCode != 403 {
		t.Fatalf("WebSocket from another origin: %v", err)
	}
	// A message over the limit closes the socket with 1009.
	conn := wang.mustDial()
	conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"renew","case_id":"`+strings.Repeat("x", consoleReadLimit)+`"}`))
	var ce *websocket.CloseError
	for err == nil || !errors.As(err, &ce) {
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, _, err = conn.ReadMessage(); err != nil && !errors.As(err, &ce) {
			t.Fatalf("oversized message: %v", err)
		}
	}
	if ce.Code != websocket.CloseMessageTooBig {
		t.Fatalf("close %d, want 1009", ce.Code)
	}
}

func TestConsoleLiveEvents(t *testing.T) {
	f := newConsoleFixture(t)
	wang, li := f.login(t, "wang", kiosk.RoleClerk), f.login(t, "li", kiosk.RoleClerk)
	admin := f.login(t, "root", kiosk.RoleAdmin)
	cw, cl := wang.mustDial(), li.mustDial()

	f.escalate(t, "c1")
	for _, conn := range []*websocket.Conn{cw, cl} {
		if ev := nextEvent(t, conn); ev.CaseID != "c1" || ev.To != "escalated" {
			t.Fatalf("escalation event %+v", ev)
		}
	}
	wang.do("POST", "/api/v1/staff/cases/c1/claim", nil)
	ev := nextEvent(t, cl)
	if ev.To != "claimed" || ev.Holder != "wang" {
		t.Fatalf("li saw %+v", ev)
	}
	// Renewing over the socket; a renewal of a case one does not hold is refused.
	cw.WriteJSON(consoleMessage{Type: "renew", CaseID: "c1"})
	cl.WriteJSON(consoleMessage{Type: "renew", CaseID: "c1"})
	for n := readNotice(t, cw); n.Type != "renewed"; n = readNotice(t, cw) {
	}
	if n := readNotice(t, cl); n.Type != "error" || n.Code != kiosk.ECONFLICT || !strings.Contains(n.Message, "wang") {
		t.Fatalf("renew by li: %+v", n)
	}
	cl.WriteMessage(websocket.TextMessage, []byte("not json"))
	if n := readNotice(t, cl); n.Type != "error" || n.Code != kiosk.EINVALID {
		t.Fatalf("garbage: %+v", n)
	}

	// A console that reconnects resumes from the last event it saw.
	cl.Close()
	code, body := wang.do("POST", "/api/v1/staff/cases/c1/decision", map[string]string{"outcome": "rejected", "reason_code": "DOC_MISMATCH", "message": "请携带本人身份证到窗口办理。"})
	if code != 200 {
		t.Fatalf("decide: %d %s", code, body)
	}
	cl = li.mustDial()
	cl.WriteJSON(consoleMessage{Type: "resume", After: ev.Seq})
	n := readNotice(t, cl)
	if n.Type != "replay" || !n.Done || len(n.Events) != 1 || n.Events[0].To != "rejected" || n.Events[0].ActorName != "wang" {
		t.Fatalf("replay %+v", n)
	}

	// Disabling an account closes its open consoles at once.
	if code, body := admin.do("POST", "/api/v1/staff/accounts/wang/disable", nil); code != 200 {
		t.Fatalf("disable: %d %s", code, body)
	}
	var ce *websocket.CloseError
	for {
		cw.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, _, err := cw.ReadMessage(); err != nil {
			if !errors.As(err, &ce) || ce.Code != closeSessionEnded {
				t.Fatalf("disabled console: %v", err)
			}
			break
		}
	}
	if code, _ := wang.do("GET", "/api/v1/staff/queue", nil); code != 401 {
		t.Fatalf("disabled account's session still works: %d", code)
	}
}

func TestConsoleConnectionsDoNotLeak(t *testing.T) {
	f := newConsoleFixture(t)
	wang := f.login(t, "wang", kiosk.RoleClerk)
	settle := func(want int) int {
		deadline := time.Now().Add(10 * time.Second)
		n := runtime.NumGoroutine()
		for n > want && time.Now().Before(deadline) {
			runtime.Gosched()
			time.Sleep(10 * time.Millisecond)
			n = runtime.NumGoroutine()
		}
		return n
	}
	before := runtime.NumGoroutine()
	for range 1000 {
		conn, _, err := wang.dial(f.ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		conn.Close()
	}
	f.ts.CloseClientConnections()
	if after := settle(before); after > before {
		t.Fatalf("%d goroutines before 1000 connect/disconnect cycles, %d after", before, after)
	}
	// A console's teardown runs after its reader sees the close: it may finish a moment after
	// the goroutine count has settled.
	left := func() bool {
		return f.srv.Consoles() != 0 || f.srv.StaffAuth.Watchers() != 0 || f.srv.Kiosk.Feed.Subscribers() != 0
	}
	for deadline := time.Now().Add(10 * time.Second); left() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if left() {
		t.Fatalf("left behind: %d consoles, %d watchers, %d subscriptions", f.srv.Consoles(), f.srv.StaffAuth.Watchers(), f.srv.Kiosk.Feed.Subscribers())
	}
}

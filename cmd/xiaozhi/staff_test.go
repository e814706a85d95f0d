package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

const staffTestPassword = "correct horse battery"

// mustAddStaff creates an account through the command, password on standard input.
func mustAddStaff(tb testing.TB, dbURL, name, role string) {
	tb.Helper()
	e, out, stderr := testEnv(nil)
	e.Stdin = strings.NewReader(staffTestPassword + "\n")
	if code := run(context.Background(), e, []string{"staff", "add", name, "--role", role, "--database-url", dbURL}); code != 0 {
		tb.Fatalf("staff add %s: exit %d: %s", name, code, stderr)
	}
	if !strings.Contains(out.String(), "added") {
		tb.Fatalf("staff add output %q", out)
	}
}

func TestStaffCommand(t *testing.T) {
	url := t.TempDir() + "/x.db"
	mustAddStaff(t, url, "wang", "supervisor")
	for _, tt := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"staff", "add", "li", "--role", "boss"}, staffTestPassword + "\n", "角色"},
		{[]string{"staff", "add", "li"}, "short\n", "密码"},
		{[]string{"staff", "add", "li"}, "", "no password"},
		{[]string{"staff", "add", "wang"}, staffTestPassword + "\n", "已存在"},
		{[]string{"staff", "disable", "nobody"}, "", "没有名为"},
	} {
		e, _, stderr := testEnv(nil)
		e.Stdin = strings.NewReader(tt.stdin)
		if code := run(context.Background(), e, append(tt.args, "--database-url", url)); code == 0 || !strings.Contains(stderr.String(), tt.want) {
			t.Fatalf("%v: exit %d, stderr %q lacks %q", tt.args, code, stderr, tt.want)
		}
	}
	e, out, _ := testEnv(nil)
	if code := run(context.Background(), e, []string{"staff", "disable", "wang", "--database-url", url}); code != 0 {
		t.Fatal("disable failed")
	}
	run(context.Background(), e, []string{"staff", "list", "--database-url", url})
	if !strings.Contains(out.String(), "supervisor") || !strings.Contains(out.String(), "disabled") {
		t.Fatalf("list: %q", out)
	}
}

// lowReader reads every image as an ID card whose name is unreadable, so every case
// escalates to the staff queue.
type lowReader struct{}

func (lowReader) Read(_ context.Context, img []byte, _ kiosk.DocKind) (kiosk.Document, error) {
	if string(img) == "back" {
		return kiosk.Document{Kind: kiosk.KindIDCardBack, Fields: map[string]string{"authority": "宁波市公安局鄞州分局",
			"valid_from": "2015-02-18", "valid_until": "2035-02-18"}, Confidence: map[string]float64{"authority": 0.95, "valid_from": 0.99, "valid_until": 0.99}}, nil
	}
	return kiosk.Document{Kind: kiosk.KindIDCardFront, Fields: map[string]string{"name": "张伟民", "sex": "男", "ethnicity": "汉",
		"birth_date": "1985-03-12", "address": "浙江省宁波市鄞州区中山东路1188号", "id_number": "330212198503121234"},
		Confidence: map[string]float64{"name": 0.4, "sex": 0.99, "ethnicity": 0.99, "birth_date": 0.98, "address": 0.91, "id_number": 0.99}}, nil
}

// replicas is replica A, the real wiring in this process (so the test can create cases
// through its service), and replica B, a real "xiaozhi serve" child process, on one database.
type replicas struct {
	a    *Main
	urlA string
	urlB string
}

func startReplicas(tb testing.TB, dbURL string) replicas {
	tb.Helper()
	cfg := DefaultConfig()
	cfg.DatabaseURL = dbURL
	a := MustRunMain(tb, cfg)
	a.Kiosk.Reader = lowReader{}

	port := freePort(tb)
	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:"+port, "--database-url", dbURL, "--ocr-workers", "1", "--log-level", "warn")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		if tb.Failed() {
			tb.Logf("replica B stderr:\n%s", stderr.String())
		}
	})
	r := replicas{a: a, urlA: a.HTTP.URL(), urlB: "http://127.0.0.1:" + port}
	for _, u := range []string{r.urlA, r.urlB} {
		waitFor(tb, func() bool {
			resp, err := http.Get(u + "/readyz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == 200
		})
	}
	return r
}

// escalate starts a case on replica A and submits it into the queue.
func (r replicas) escalate(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	c, err := r.a.Kiosk.StartCase(ctx, "DL_DAMAGED_REPLACE", kiosk.ChannelKiosk, "kiosk:test")
	if err != nil {
		tb.Fatal(err)
	}
	for _, img := range []string{"front", "back"} {
		if _, _, err := r.a.Kiosk.ReadDocument(ctx, c.ID, kiosk.KindAuto, []byte(img), "kiosk:test"); err != nil {
			tb.Fatal(err)
		}
	}
	if c, err = r.a.Kiosk.Submit(ctx, c.ID, rules.Request{}, "13812345678", "kiosk:test"); err != nil || c.State != kiosk.StateEscalated {
		tb.Fatalf("submit: %v", err)
	}
	return c.ID
}

// staffClient is a logged-in console user on one replica.
type staffClient struct {
	base string
	http *http.Client
}

func mustLogin(tb testing.TB, base, name string) *staffClient {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	c := &staffClient{base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	if code, body := c.post("/api/v1/staff/login", fmt.Sprintf(`{"name":%q,"password":%q}`, name, staffTestPassword)); code != 200 {
		tb.Fatalf("login %s on %s: %d %s", name, base, code, body)
	}
	return c
}

func (c *staffClient) post(path, body string) (int, string) {
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(body))
	req.Header.Set("Origin", c.base)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

func (c *staffClient) dial(tb testing.TB) *websocket.Conn {
	tb.Helper()
	d := websocket.Dialer{Jar: c.http.Jar, HandshakeTimeout: 5 * time.Second}
	conn, _, err := d.Dial("ws"+strings.TrimPrefix(c.base, "http")+"/api/v1/staff/ws", http.Header{"Origin": {c.base}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	return conn
}

type wireEvent struct {
	Type  string `json:"type"`
	Event *struct {
		Seq    int64     `json:"seq"`
		CaseID string    `json:"case_id"`
		To     string    `json:"to"`
		Holder string    `json:"holder_name"`
		At     time.Time `json:"at"`
	} `json:"event"`
}

func TestTwoReplicasOnePostgres(t *testing.T) {
	dbURL := storetest.EmptyPostgresURL(t)
	const nClerks, nCases = 50, 20
	for i := range nClerks {
		mustAddStaff(t, dbURL, fmt.Sprintf("clerk%02d", i), "clerk")
	}
	r := startReplicas(t, dbURL)
	clerks := make([]*staffClient, nClerks)
	for i := range clerks {
		clerks[i] = mustLogin(t, []string{r.urlA, r.urlB}[i%2], fmt.Sprintf("clerk%02d", i))
	}
	console := clerks[1].dial(t) // on replica B

	// case → events the console on B received, by seq: an event relayed from A may arrive
	// after a later one published on B itself, so consoles order a case's events by seq.
	seen := map[string]map[int64]string{}
	var mu sync.Mutex
	received := make(chan struct{}, 1000)
	go func() {
		for {
			var m wireEvent
			if err := console.ReadJSON(&m); err != nil {
				return
			}
			if m.Type == "event" {
				mu.Lock()
				if seen[m.Event.CaseID] == nil {
					seen[m.Event.CaseID] = map[int64]string{}
				}
				seen[m.Event.CaseID][m.Event.Seq] = m.Event.To + ":" + m.Event.Holder
				mu.Unlock()
				received <- struct{}{}
			}
		}
	}()

	winners := map[string]string{}
	for range nCases {
		id := r.escalate(t)
		results := make([]int, nClerks)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, c := range clerks {
			wg.Go(func() {
				<-start
				code, body := c.post("/api/v1/staff/cases/"+id+"/claim", "")
				results[i] = code
				if code != 200 && (code != 409 || !strings.Contains(body, "受理")) {
					t.Errorf("claim: %d %s", code, body)
				}
			})
		}
		close(start)
		wg.Wait()
		var won []string
		for i, code := range results {
			if code == 200 {
				won = append(won, fmt.Sprintf("clerk%02d", i))
			}
		}
		if len(won) != 1 {
			t.Fatalf("case %s: %d winners %v", id, len(won), won)
		}
		winners[id] = won[0]
	}
	// Every escalation and exactly one claim per case reached the console on B.
	deadline := time.After(10 * time.Second)
	for n := 0; n < 2*nCases; n++ {
		select {
		case <-received:
		case <-deadline:
			t.Fatalf("console on B received %d of %d events: %v", n, 2*nCases, seen)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for id, who := range winners {
		var got []string
		for _, seq := range slices.Sorted(maps.Keys(seen[id])) {
			got = append(got, seen[id][seq])
		}
		if want := []string{"escalated:", "claimed:" + who}; !slices.Equal(got, want) {
			t.Fatalf("case %s: console saw %v, want %v", id, got, want)
		}
	}
}

// BenchmarkEscalationAcrossReplicas measures how long an escalation recorded on replica A
// takes to reach a console connected to replica B: from the event's commit timestamp to its
// arrival on the console's socket. Reports p50 and p99 in milliseconds.
//
//	XIAOZHI_TEST_POSTGRES_URL=… go test ./cmd/xiaozhi -run '^$' -bench EscalationAcrossReplicas -benchtime 200x
func BenchmarkEscalationAcrossReplicas(b *testing.B) {
	dbURL := storetest.EmptyPostgresURL(b)
	mustAddStaff(b, dbURL, "clerk", "clerk")
	r := startReplicas(b, dbURL)
	console := mustLogin(b, r.urlB, "clerk").dial(b)
	var lat []time.Duration
	b.ResetTimer()
	for range b.N {
		id := r.escalate(b)
		for {
			console.SetReadDeadline(time.Now().Add(10 * time.Second))
			var m wireEvent
			if err := console.ReadJSON(&m); err != nil {
				b.Fatal(err)
			}
			if m.Type == "event" && m.Event.CaseID == id && m.Event.To == "escalated" {
				lat = append(lat, time.Since(m.Event.At))
				break
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}

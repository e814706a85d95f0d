package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/xiaozhi-kiosk/xiaozhi/demo"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
)

// killClient drives kiosk cases against a serve process over HTTP, remembering the last
// state and version the server acknowledged for each case.
type killClient struct {
	base, cred string
	mu         sync.Mutex
	acked      map[string]kioskAck
	codes      chan [2]string // case ID, SMS text
}

type kioskAck struct {
	State   string
	Version int
}

func (k *killClient) call(method, path, ctype string, body []byte) (map[string]any, int, error) {
	req, _ := http.NewRequest(method, k.base+"/api/v1/kiosk"+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+k.cred)
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	json.Unmarshal(b, &out)
	if resp.StatusCode < 300 {
		cs, _ := out["case"].(map[string]any)
		if cs == nil {
			cs = out
		}
		if id, _ := cs["id"].(string); id != "" {
			k.mu.Lock()
			k.acked[id] = kioskAck{State: cs["state"].(string), Version: int(cs["version"].(float64))}
			k.mu.Unlock()
		}
	}
	return out, resp.StatusCode, nil
}

// finish uploads what the case lacks, verifies a phone and submits: one whole case, or the
// rest of one a kill interrupted.
func (k *killClient) finish(id string) (string, error) {
	front, _ := demo.Card(demo.Approve, "front")
	back, _ := demo.Card(demo.Approve, "back")
	cs, code, err := k.call("GET", "/cases/"+id, "", nil)
	if err != nil || code != 200 {
		return "", fmt.Errorf("get %s: %d %v", id, code, err)
	}
	missing, _ := cs["missing"].([]any)
	for _, m := range missing {
		img := front
		if m == "id_card_back" {
			img = back
		}
		if _, code, err := k.call("POST", "/cases/"+id+"/documents?kind="+m.(string), "image/jpeg", img); err != nil || code != 200 {
			return "", fmt.Errorf("upload: %d %v", code, err)
		}
	}
	if _, code, err := k.call("POST", "/cases/"+id+"/sms", "application/json", []byte(`{"phone":"13812345678"}`)); err != nil || code != 202 {
		return "", fmt.Errorf("sms: %d %v", code, err)
	}
	var text string
	for text == "" {
		select {
		case m := <-k.codes:
			if m[0] == id {
				text = m[1]
			}
		case <-time.After(10 * time.Second):
			return "", fmt.Errorf("no SMS for %s", id)
		}
	}
	body := fmt.Sprintf(`{"phone":"13812345678","sms_code":%q}`, codePattern.FindStringSubmatch(text)[1])
	out, code, err := k.call("POST", "/cases/"+id+"/submit", "application/json", []byte(body))
	if err != nil || code != 200 {
		return "", fmt.Errorf("submit: %d %v", code, err)
	}
	return out["state"].(string), nil
}

func (k *killClient) listen(t *testing.T) *websocket.Conn {
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(k.base, "http")+"/api/v1/kiosk/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.WriteJSON(map[string]string{"type": "auth", "credential": k.cred})
	go func() {
		for {
			var m map[string]string
			if ws.ReadJSON(&m) != nil {
				return
			}
			if m["type"] == "demo_sms" {
				k.codes <- [2]string{m["case_id"], m["text"]}
			}
		}
	}()
	return ws
}

// startServe runs this test binary as `xiaozhi serve --demo` in a process of its own.
func startServe(t *testing.T, db, port string, logs *lockedBuffer) *exec.Cmd {
	t.Helper()
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "serve", "--demo", "--addr", "127.0.0.1:"+port, "--database-url", db, "--ocr-workers", "1")
	cmd.Env = append(os.Environ(), runAsMainEnv+"=1", "XIAOZHI_LOG_FORMAT=json")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		resp, err := http.Get("http://127.0.0.1:" + port + "/readyz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	return cmd
}

// TestKillLosesNoAcknowledgedCase kills serve with SIGKILL at random points while a client
// drives cases, restarts it, and checks every case the client saw acknowledged: it is in that
// state or a later one, its events are intact, and an interrupted case can be finished.
func TestKillLosesNoAcknowledgedCase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills serve processes")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	e, out, errOut := testEnv(map[string]string{"XIAOZHI_DATABASE_URL": db})
	if code := run(context.Background(), e, []string{"kiosk", "add", "hall-1"}); code != 0 {
		t.Fatalf("kiosk add: %s", errOut)
	}
	k := &killClient{cred: strings.TrimSpace(out.String()), acked: map[string]kioskAck{}, codes: make(chan [2]string, 16)}
	var logs lockedBuffer
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for round := 0; round < 4; round++ {
		port := freePort(t)
		k.base = "http://127.0.0.1:" + port
		cmd := startServe(t, db, port, &logs)
		ws := k.listen(t)
		k.checkAcked(t)
		// Finish what the last kill interrupted: a capture is resumed, not lost.
		for id, a := range k.snapshot() {
			if a.State == "started" || a.State == "capturing" {
				if st, err := k.finish(id); err != nil || (st != "issued" && st != "escalated") {
					t.Fatalf("round %d: resuming %s (%s): %q %v", round, id, a.State, st, err)
				}
			}
		}
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() { // drive cases until the kill
			defer close(done)
			for {
				select {
				case <-stop:
					return
				default:
				}
				cs, code, err := k.call("POST", "/cases", "application/json", []byte(`{"matter":"DL_DAMAGED_REPLACE"}`))
				if err != nil || code != 201 {
					return
				}
				if _, err := k.finish(cs["id"].(string)); err != nil {
					return
				}
			}
		}()
		time.Sleep(time.Duration(300+rng.IntN(3000)) * time.Millisecond) // a random point, not a synchronisation
		cmd.Process.Kill()
		cmd.Wait()
		close(stop)
		<-done
		ws.Close()
	}
	// The last round's acknowledgements, checked against the database itself, events included.
	port := freePort(t)
	k.base = "http://127.0.0.1:" + port
	cmd := startServe(t, db, port, &logs)
	k.checkAcked(t)
	cmd.Process.Kill()
	cmd.Wait()
	k.checkEvents(t, db)
	t.Logf("%d cases driven across 4 kills", len(k.snapshot()))
	if len(k.snapshot()) < 4 {
		t.Fatalf("only %d cases driven: the test proved little", len(k.snapshot()))
	}
	assertNoPersonalData(t, logs.String())
}

func (k *killClient) snapshot() map[string]kioskAck {
	k.mu.Lock()
	defer k.mu.Unlock()
	m := make(map[string]kioskAck, len(k.acked))
	for id, a := range k.acked {
		m[id] = a
	}
	return m
}

// checkAcked asks the restarted server for every acknowledged case: never older than the
// acknowledgement, and never left in deciding or approved (Recover finishes those).
func (k *killClient) checkAcked(t *testing.T) {
	t.Helper()
	for id, a := range k.snapshot() {
		cs, code, err := k.call("GET", "/cases/"+id, "", nil)
		if err != nil || code != 200 {
			t.Fatalf("acknowledged case %s lost: %d %v", id, code, err)
		}
		st, v := cs["state"].(string), int(cs["version"].(float64))
		if v < a.Version || v == a.Version && st != a.State {
			t.Fatalf("case %s went back: acknowledged %s v%d, now %s v%d", id, a.State, a.Version, st, v)
		}
		if st == "deciding" || st == "approved" {
			t.Fatalf("case %s left in %s after restart", id, st)
		}
	}
}

// checkEvents reads the audit trail of every case: a chain from "" to the case's state.
func (k *killClient) checkEvents(t *testing.T, path string) {
	t.Helper()
	d := store.NewDB(path)
	if err := d.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sealer, _, _ := DefaultConfig().sealer()
	cases := store.NewCaseStore(d, sealer)
	for id := range k.snapshot() {
		c, err := cases.FindCase(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := cases.CaseEvents(context.Background(), id)
		if err != nil || len(evs) == 0 {
			t.Fatalf("case %s: no events (%v)", id, err)
		}
		prev := kiosk.State("")
		for _, ev := range evs {
			if ev.From != prev {
				t.Fatalf("case %s: broken event chain %v", id, evs)
			}
			prev = ev.To
		}
		if prev != c.State {
			t.Fatalf("case %s in %s but its events end in %s", id, c.State, prev)
		}
	}
}

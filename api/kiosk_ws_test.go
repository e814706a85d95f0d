package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestKioskWebSocketSubprotocolAuth checks the credential offered as the second WebSocket
// subprotocol: a good one is answered with the xiaozhi.kiosk.v1 subprotocol and a hello without
// any auth message, a bad or revoked one is refused with 401 before the upgrade.
func TestKioskWebSocketSubprotocolAuth(t *testing.T) {
	f := newKioskFixture(t)
	url := "ws" + strings.TrimPrefix(f.ts.URL, "http") + "/api/v1/kiosk/ws"
	dial := func(protocols ...string) (*websocket.Conn, *http.Response, error) {
		d := websocket.Dialer{Subprotocols: protocols, HandshakeTimeout: 10 * time.Second}
		return d.Dial(url, nil)
	}

	ws, resp, err := dial("xiaozhi.kiosk.v1", f.cred)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != "xiaozhi.kiosk.v1" {
		t.Fatalf("negotiated subprotocol %q", got)
	}
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if m, err := readUntil(t, ws, "hello"); err != nil || m["station"] != "hall-1" {
		t.Fatalf("hello %v %v", m, err)
	}

	for _, cred := range []string{"xzk_wrong", "xzk_"} {
		if _, resp, err := dial("xiaozhi.kiosk.v1", cred); err == nil || resp == nil || resp.StatusCode != 401 {
			t.Fatalf("credential %q: %v %v", cred, resp, err)
		}
	}
	if err := f.stores.RevokeStation(context.Background(), "hall-1"); err != nil {
		t.Fatal(err)
	}
	if _, resp, err := dial("xiaozhi.kiosk.v1", f.cred); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("revoked station: %v %v", resp, err)
	}
}

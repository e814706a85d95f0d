package api

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// Kiosk WebSocket timings. A browser cannot set headers on a WebSocket, and a credential in
// the URL would reach proxy logs, so the screen offers it as the second WebSocket subprotocol
// (kioskSubprotocol, then the credential), checked before the upgrade; older screens send it
// as the first message instead, within kioskAuthWait. The credential is checked again every kioskRecheck, so revoking a station
// closes its open screen within that time, also when the revocation came from another
// process (xiaozhi kiosk revoke).
const (
	kioskSubprotocol = "xiaozhi.kiosk.v1"
	kioskAuthWait    = 10 * time.Second
	kioskRecheck     = time.Second
)

// kioskScreens are the kiosk screens connected to this process, by station, and the case each
// station is working on. Prompts from a capture reach every screen of its station.
type kioskScreens struct {
	mu      sync.Mutex
	conns   map[string]map[*wsConn]struct{}
	current map[string]string // station ID → case ID
}

func (sc *kioskScreens) add(station string, w *wsConn) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.conns == nil {
		sc.conns = map[string]map[*wsConn]struct{}{}
	}
	if sc.conns[station] == nil {
		sc.conns[station] = map[*wsConn]struct{}{}
	}
	sc.conns[station][w] = struct{}{}
}

func (sc *kioskScreens) remove(station string, w *wsConn) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	delete(sc.conns[station], w)
	if len(sc.conns[station]) == 0 {
		delete(sc.conns, station)
	}
}

// watch makes caseID the station's current case: its events go to the station's screens.
func (sc *kioskScreens) watch(station, caseID string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.current == nil {
		sc.current = map[string]string{}
	}
	sc.current[station] = caseID
}

func (sc *kioskScreens) caseOf(station string) string {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.current[station]
}

// stationOfCase returns the station whose current case is caseID, or "".
func (sc *kioskScreens) stationOfCase(caseID string) string {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for st, id := range sc.current {
		if id == caseID {
			return st
		}
	}
	return ""
}

// send queues v to every screen of a station; slow screens are dropped by wsConn.Send.
func (sc *kioskScreens) send(station string, v any) {
	sc.mu.Lock()
	conns := make([]*wsConn, 0, len(sc.conns[station]))
	for w := range sc.conns[station] {
		conns = append(conns, w)
	}
	sc.mu.Unlock()
	for _, w := range conns {
		w.Send(v)
	}
}

type kioskWSMessage struct {
	Type       string `json:"type"`
	Credential string `json:"credential,omitempty"`
}

type kioskStateMessage struct {
	Type   string `json:"type"`
	CaseID string `json:"case_id"`
	State  string `json:"state"`
}

// handleKioskWS is the kiosk screen's WebSocket: prompts during capture, the case's state
// changes (a clerk deciding an escalated case shows up at once), and in a demo the SMS codes.
func (s *Server) handleKioskWS(c *gin.Context) error {
	if s.Stations == nil || s.Kiosk == nil {
		return kiosk.Errorf(kiosk.EUNAVAILABLE, "自助服务暂不可用。")
	}
	ctx := c.Request.Context()
	// With the credential in the subprotocol list, a wrong one is refused with 401 before any
	// socket exists.
	cred, offered := subprotocolCredential(c.Request)
	var st kiosk.Station
	var err error
	if offered {
		if st, err = s.station(ctx, cred); err != nil {
			return err
		}
	}
	w, err := s.upgrade(c, wsOptions{ReadLimit: 4 << 10, SendBuffer: 64, Subprotocol: kioskSubprotocol})
	if err != nil {
		if kiosk.ErrorCode(err) == kiosk.EFORBIDDEN {
			return err
		}
		return nil // the handshake failed and gorilla has answered
	}
	if !offered {
		var ok bool
		if cred, ok = s.awaitKioskAuth(w); !ok {
			return nil
		}
		st, err = s.station(ctx, cred)
	}
	if err != nil {
		w.Send(gin.H{"type": "error", "code": kiosk.ErrorCode(err), "message": kiosk.ErrorMessage(err)})
		w.Close(websocket.ClosePolicyViolation, "unauthorized")
		return nil
	}
	s.screens.add(st.ID, w)
	defer s.screens.remove(st.ID, w)
	w.Send(gin.H{"type": "hello", "station": st.Name, "case_id": s.screens.caseOf(st.ID)})

	sub := s.Kiosk.Feed.Subscribe(func(ev kiosk.Event) bool { return ev.CaseID == s.screens.caseOf(st.ID) }, 32)
	defer sub.Close()
	if demo := s.Kiosks.DemoSMS; demo != nil {
		stop := demo.Watch(func(m kiosk.SMS) {
			if s.screens.stationOfCase(m.CaseID) == st.ID {
				w.Send(gin.H{"type": "demo_sms", "case_id": m.CaseID, "text": m.Text})
			}
		})
		defer stop()
	}
	recheck := time.NewTicker(kioskRecheck)
	defer recheck.Stop()
	in := w.Incoming()
	for {
		select {
		case <-w.Done():
			return nil
		case _, ok := <-in:
			if !ok {
				in = nil // the reader ended; Done follows
			}
			// The screen has nothing more to say after authenticating; messages are ignored.
		case ev, ok := <-sub.C:
			if !ok {
				// Dropped for falling behind: the screen re-reads the case on reconnect.
				w.Close(websocket.CloseTryAgainLater, "behind")
				return nil
			}
			w.Send(kioskStateMessage{Type: "state", CaseID: ev.CaseID, State: string(ev.To)})
		case <-recheck.C:
			if _, err := s.station(ctx, cred); kiosk.ErrorCode(err) == kiosk.EUNAUTHORIZED {
				w.Send(gin.H{"type": "error", "code": kiosk.EUNAUTHORIZED, "message": "本终端已停用，请联系工作人员。"})
				w.Close(websocket.ClosePolicyViolation, "revoked")
				return nil
			}
		}
	}
}

// subprotocolCredential returns the credential a screen offers as Sec-WebSocket-Protocol
// "xiaozhi.kiosk.v1, <credential>"; ok is false when the header does not have that form.
func subprotocolCredential(r *http.Request) (string, bool) {
	p := websocket.Subprotocols(r)
	if len(p) != 2 || p[0] != kioskSubprotocol || p[1] == "" {
		return "", false
	}
	return p[1], true
}

// awaitKioskAuth waits for the screen's first message, {"type":"auth","credential":…}. A
// client that sends anything else, or nothing in time, is closed with 1008.
func (s *Server) awaitKioskAuth(w *wsConn) (string, bool) {
	t := time.NewTimer(kioskAuthWait)
	defer t.Stop()
	select {
	case msg, ok := <-w.Incoming():
		var m kioskWSMessage
		if ok && json.Unmarshal(msg, &m) == nil && m.Type == "auth" && m.Credential != "" {
			return m.Credential, true
		}
	case <-t.C:
	case <-w.Done():
		return "", false
	}
	w.Send(gin.H{"type": "error", "code": kiosk.EUNAUTHORIZED, "message": "终端未登记或凭证缺失，请联系工作人员。"})
	w.Close(websocket.ClosePolicyViolation, "unauthorized")
	return "", false
}

package api

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// Console WebSocket settings. Consoles send only small control messages.
const (
	consoleReadLimit  = 4 << 10
	consoleSendBuffer = 256
	// consoleRecheck is how often an open console's session is checked again: it catches
	// timeouts, and accounts disabled by another process on SQLite, where no notification
	// carries the news.
	consoleRecheck = 10 * time.Second
	// Close codes of the console protocol besides the standard ones.
	closeSessionEnded = 4401 // log in again; do not reconnect with the same session
	closeTryAgain     = 1013 // fell behind; reconnect and resume
)

// consoleHub tracks open console connections, so that shutdown can close them with 1001,
// and caches staff names for events.
type consoleHub struct {
	mu    sync.Mutex
	conns map[*wsConn]struct{}
	names map[string]kiosk.Staff
}

func (h *consoleHub) add(w *wsConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conns == nil {
		h.conns = map[*wsConn]struct{}{}
	}
	h.conns[w] = struct{}{}
}

func (h *consoleHub) remove(w *wsConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns, w)
}

// Consoles returns how many consoles are connected, for metrics and leak tests.
func (s *Server) Consoles() int {
	s.consoles.mu.Lock()
	defer s.consoles.mu.Unlock()
	return len(s.consoles.conns)
}

func (h *consoleHub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for w := range h.conns {
		w.Close(websocket.CloseGoingAway, "server shutting down")
	}
}

// staff returns the account with this ID from a small cache (names and roles change
// rarely, events are many), or a zero Staff for "" and unknown IDs.
func (h *consoleHub) staff(ctx context.Context, store kiosk.StaffStore, id string) kiosk.Staff {
	if id == "" {
		return kiosk.Staff{}
	}
	h.mu.Lock()
	st, ok := h.names[id]
	h.mu.Unlock()
	if ok {
		return st
	}
	st, err := store.FindStaff(ctx, id)
	if err != nil {
		return kiosk.Staff{ID: id}
	}
	h.mu.Lock()
	if h.names == nil || len(h.names) > 10000 {
		h.names = map[string]kiosk.Staff{}
	}
	h.names[id] = st
	h.mu.Unlock()
	return st
}

// isQueueEvent selects the events consoles care about: cases entering, moving in or leaving
// the queue.
func isQueueEvent(ev kiosk.Event) bool {
	q := func(st kiosk.State) bool { return st == kiosk.StateEscalated || st == kiosk.StateClaimed }
	return q(ev.From) || q(ev.To)
}

// consoleMessage is what a console sends: {"type":"resume","after":SEQ} after connecting
// (the last event it saw), {"type":"renew","case_id":ID} while it holds a case.
type consoleMessage struct {
	Type   string `json:"type"`
	After  int64  `json:"after"`
	CaseID string `json:"case_id"`
}

type consoleNotice struct {
	Type       string          `json:"type"` // hello, event, replay, renewed, error
	Staff      *staffResponse  `json:"staff,omitempty"`
	Event      *eventResponse  `json:"event,omitempty"`
	Events     []eventResponse `json:"events,omitempty"`
	Last       int64           `json:"last,omitempty"`
	Done       bool            `json:"done,omitempty"`
	CaseID     string          `json:"case_id,omitempty"`
	LeaseUntil *time.Time      `json:"lease_until,omitempty"`
	Code       string          `json:"code,omitempty"`
	Message    string          `json:"message,omitempty"`
}

// handleConsoleWS handles "GET /api/v1/staff/ws": the console's live feed of queue events.
// The session was checked before the upgrade (staffAuth) and the Origin is required.
func (s *Server) handleConsoleWS(c *gin.Context) error {
	sess := sessionOf(c)
	token, _ := c.Cookie(staffCookie)
	w, err := s.upgrade(c, wsOptions{RequireOrigin: true, ReadLimit: consoleReadLimit, SendBuffer: consoleSendBuffer})
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	ended, unwatch := s.StaffAuth.Watch(sess)
	defer unwatch()
	s.consoles.add(w)
	defer s.consoles.remove(w)
	sub := s.Desk.Service.Feed.Subscribe(isQueueEvent, consoleSendBuffer)
	defer sub.Close()

	me := newStaffResponse(sess.Staff)
	w.Send(consoleNotice{Type: "hello", Staff: &me})
	recheck := time.NewTicker(consoleRecheck)
	defer recheck.Stop()
	var replayed map[int64]bool // events a resume sent, not to be sent again live
	for {
		select {
		case msg, ok := <-w.Incoming():
			if !ok {
				return nil
			}
			if r := s.consoleMessage(ctx, w, sess.Staff, msg); r != nil {
				replayed = r
			}
		case ev, ok := <-sub.C:
			if !ok {
				w.Close(closeTryAgain, "fell behind; reconnect and resume")
				return nil
			}
			if !replayed[ev.Seq] {
				e := s.newEventResponse(ctx, ev)
				w.Send(consoleNotice{Type: "event", Event: &e})
			}
		case <-ended:
			w.Close(closeSessionEnded, "session ended")
			return nil
		case <-recheck.C:
			if _, err := s.StaffAuth.Check(ctx, token); err != nil {
				w.Close(closeSessionEnded, "session ended")
				return nil
			}
		case <-w.Done():
			return nil
		}
	}
}

// consoleMessage answers one message; for a resume it returns the events it replayed.
func (s *Server) consoleMessage(ctx context.Context, w *wsConn, st kiosk.Staff, raw []byte) map[int64]bool {
	var m consoleMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		w.Send(consoleNotice{Type: "error", Code: kiosk.EINVALID, Message: "消息格式不正确。"})
		return nil
	}
	switch m.Type {
	case "resume":
		return s.consoleResume(ctx, w, m.After)
	case "renew":
		c, err := s.Desk.Renew(ctx, m.CaseID, st)
		if err != nil {
			w.Send(consoleNotice{Type: "error", CaseID: m.CaseID, Code: kiosk.ErrorCode(err), Message: kiosk.ErrorMessage(err)})
			return nil
		}
		w.Send(consoleNotice{Type: "renewed", CaseID: c.ID, LeaseUntil: &c.LeaseUntil})
	default:
		w.Send(consoleNotice{Type: "error", Code: kiosk.EINVALID, Message: "未知的消息类型。"})
	}
	return nil
}

// consoleResumeMax bounds a replay; a console further behind reloads the queue instead.
const consoleResumeMax = 5000

// consoleResume sends the queue events after seq from the database in "replay" messages,
// the last marked done. Live events that arrived meanwhile wait in the subscription and are sent after,
// except those the replay already carried.
func (s *Server) consoleResume(ctx context.Context, w *wsConn, after int64) map[int64]bool {
	sent := map[int64]bool{}
	last := after
	for len(sent) < consoleResumeMax {
		evs, err := s.Desk.Service.Cases.EventsAfter(ctx, last, 500)
		if err != nil {
			w.Send(consoleNotice{Type: "error", Code: kiosk.ErrorCode(err), Message: kiosk.ErrorMessage(err)})
			return sent
		}
		// One message per page: the send buffer holds messages, and a replay must not
		// overflow it the way hundreds of single events would.
		page := []eventResponse{}
		for _, ev := range evs {
			last = ev.Seq
			if isQueueEvent(ev) {
				page = append(page, s.newEventResponse(ctx, ev))
				sent[ev.Seq] = true
			}
		}
		done := len(evs) < 500
		w.Send(consoleNotice{Type: "replay", Events: page, Last: last, Done: done})
		if done {
			break
		}
	}
	return sent
}

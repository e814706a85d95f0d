package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// WebSocket timings, as in gorilla's chat example: the client must answer a ping within
// pongWait, and a write that takes longer than writeWait means the peer is gone.
const (
	writeWait  = 10 * time.Second
	pongWait   = 60 * time.Second
	pingPeriod = pongWait * 9 / 10
)

// wsOptions configure one WebSocket endpoint.
type wsOptions struct {
	// RequireOrigin refuses a handshake without an Origin header. Browsers always send one;
	// the staff console, which carries a session cookie, must not be reachable without it.
	RequireOrigin bool
	ReadLimit     int64 // largest message accepted; a larger one closes with 1009
	SendBuffer    int   // messages queued for a slow client before it is dropped
	// Subprotocol, when set, is the Sec-WebSocket-Protocol the server answers with if the
	// client offered it.
	Subprotocol string
}

// wsConn is one WebSocket connection with one reader and one writer goroutine. Handlers
// Send to it and range over Incoming until it ends; nothing else touches the socket.
type wsConn struct {
	conn      *websocket.Conn
	send      chan []byte
	in        chan []byte
	done      chan struct{}
	closeOnce sync.Once
	closeCode int
	closeText string
}

// originAllowed accepts a missing Origin unless required (non-browser clients), an Origin
// in the server's configured list, or one naming the host the request was sent to.
func (s *Server) originAllowed(r *http.Request, require bool) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return !require
	}
	if slices.Contains(s.Origins, origin) {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// upgrade checks the origin and turns the request into a wsConn. Authentication happens
// before, in the route's middleware, so an unauthenticated client never gets a socket.
func (s *Server) upgrade(c *gin.Context, o wsOptions) (*wsConn, error) {
	if !s.originAllowed(c.Request, o.RequireOrigin) {
		return nil, kiosk.Errorf(kiosk.EFORBIDDEN, "来源不被允许。")
	}
	up := websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		// Checked above with the route's own rule; gorilla's default would only repeat it.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	if o.Subprotocol != "" {
		up.Subprotocols = []string{o.Subprotocol}
	}
	conn, err := up.Upgrade(c.Writer, c.Request, nil)
	if err != nil {
		// Upgrade has already answered the client; nothing more can be written.
		c.Abort()
		return nil, err
	}
	if o.ReadLimit <= 0 {
		o.ReadLimit = 4 << 10
	}
	if o.SendBuffer <= 0 {
		o.SendBuffer = 64
	}
	w := &wsConn{conn: conn, send: make(chan []byte, o.SendBuffer), in: make(chan []byte), done: make(chan struct{})}
	conn.SetReadLimit(o.ReadLimit)
	go w.readPump()
	go w.writePump()
	return w, nil
}

// Send queues v as a JSON text message. A client too slow to keep up is closed rather than
// allowed to hold up the sender; Send then reports false.
func (w *wsConn) Send(v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	select {
	case <-w.done:
		return false
	default:
	}
	select {
	case w.send <- b:
		return true
	default:
		w.Close(websocket.ClosePolicyViolation, "too slow")
		return false
	}
}

// Incoming delivers the client's messages; it is closed when the connection ends.
func (w *wsConn) Incoming() <-chan []byte { return w.in }

// Done is closed when the connection ends, from either side.
func (w *wsConn) Done() <-chan struct{} { return w.done }

// Close ends the connection with a close code (1000 normal, 1001 going away, 1008 policy).
func (w *wsConn) Close(code int, text string) {
	w.closeOnce.Do(func() {
		w.closeCode, w.closeText = code, text
		close(w.done)
	})
}

func (w *wsConn) readPump() {
	defer close(w.in)
	defer w.Close(websocket.CloseNormalClosure, "")
	w.conn.SetReadDeadline(time.Now().Add(pongWait))
	w.conn.SetPongHandler(func(string) error { return w.conn.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		// Over the read limit, gorilla answers 1009 itself and ReadMessage fails.
		_, msg, err := w.conn.ReadMessage()
		if err != nil {
			return
		}
		select {
		case w.in <- msg:
		case <-w.done:
			return
		}
	}
}

func (w *wsConn) writePump() {
	ticker := time.NewTicker(pingPeriod)
	defer func() {
		ticker.Stop()
		w.conn.Close()
	}()
	for {
		select {
		case msg := <-w.send:
			w.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := w.conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				w.Close(websocket.CloseAbnormalClosure, "")
				return
			}
		case <-ticker.C:
			w.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := w.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				w.Close(websocket.CloseAbnormalClosure, "")
				return
			}
		case <-w.done:
			// Messages queued before Close still go out first: a handler that sends its last
			// word and closes ("issued", then 1000) must not lose the word to select's choice.
			// A client dropped for being slow gets no more.
			if w.closeCode != websocket.ClosePolicyViolation {
				w.flush()
			}
			w.conn.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(w.closeCode, w.closeText), time.Now().Add(writeWait))
			return
		}
	}
}

// flush writes what is still queued, without waiting for more.
func (w *wsConn) flush() {
	for {
		select {
		case msg := <-w.send:
			w.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := w.conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				return
			}
		default:
			return
		}
	}
}

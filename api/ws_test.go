package api

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"
)

// echoServer serves a WebSocket at /ws that answers each message with {"echo": text}.
func echoServer(t *testing.T, o wsOptions, conns chan<- *wsConn) *httptest.Server {
	t.Helper()
	s, _ := newTestServer(t)
	s.router.GET("/ws", s.handle(func(c *gin.Context) error {
		w, err := s.upgrade(c, o)
		if err != nil {
			return err
		}
		if conns != nil {
			conns <- w
		}
		for msg := range w.Incoming() {
			w.Send(map[string]string{"echo": string(msg)})
		}
		return nil
	}))
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func dial(t *testing.T, ts *httptest.Server, origin string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	return websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", h)
}

func TestWebSocketEcho(t *testing.T) {
	ts := echoServer(t, wsOptions{}, nil)
	conn, _, err := dial(t, ts, ts.URL) // same origin
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.WriteMessage(websocket.TextMessage, []byte("你好"))
	var got map[string]string
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := conn.ReadJSON(&got); err != nil || got["echo"] != "你好" {
		t.Fatalf("echo: %v %v", got, err)
	}
}

func TestWebSocketOrigin(t *testing.T) {
	ts := echoServer(t, wsOptions{RequireOrigin: true}, nil)
	if _, resp, err := dial(t, ts, "http://evil.example"); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: %v %v", resp, err)
	}
	if _, resp, err := dial(t, ts, ""); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("missing origin where required: %v %v", resp, err)
	}
	open := echoServer(t, wsOptions{}, nil)
	if c, _, err := dial(t, open, ""); err != nil {
		t.Fatalf("missing origin where allowed: %v", err)
	} else {
		c.Close()
	}
}

func TestWebSocketReadLimit(t *testing.T) {
	ts := echoServer(t, wsOptions{ReadLimit: 16}, nil)
	conn, _, err := dial(t, ts, "")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.WriteMessage(websocket.TextMessage, []byte(strings.Repeat("x", 100)))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err = conn.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
		t.Fatalf("oversized message: %v, want close 1009", err)
	}
}

func TestWebSocketDropsSlowClient(t *testing.T) {
	conns := make(chan *wsConn, 1)
	ts := echoServer(t, wsOptions{SendBuffer: 2}, conns)
	conn, _, err := dial(t, ts, "")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	w := <-conns
	// The client reads nothing; the server keeps sending large messages until the socket
	// buffers and the send queue are full, and must then give up on the client, not block.
	big := strings.Repeat("数据", 32<<10)
	dropped := false
	for i := 0; i < 10000 && !dropped; i++ {
		dropped = !w.Send(big)
	}
	if !dropped {
		t.Fatal("a client that reads nothing was never dropped")
	}
	select {
	case <-w.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("dropped client's connection not closed")
	}
}

func TestWebSocketLastWordBeforeClose(t *testing.T) {
	s, _ := newTestServer(t)
	s.router.GET("/ws", s.handle(func(c *gin.Context) error {
		w, err := s.upgrade(c, wsOptions{})
		if err != nil {
			return err
		}
		w.Send(map[string]string{"state": "issued"})
		w.Close(websocket.CloseNormalClosure, "finished")
		return nil
	}))
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	// The writer chooses between a queued message and the close at random; many rounds make
	// a lost last message show.
	for i := 0; i < 50; i++ {
		conn, _, err := dial(t, ts, "")
		if err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		var got map[string]string
		if err := conn.ReadJSON(&got); err != nil || got["state"] != "issued" {
			t.Fatalf("round %d: last message lost: %v %v", i, got, err)
		}
		_, _, err = conn.ReadMessage()
		if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
			t.Fatalf("round %d: want close 1000 after the message, got %v", i, err)
		}
		conn.Close()
	}
}

package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

const requestIDHeader = "X-Request-ID"

// requestID takes the caller's X-Request-ID when it looks sane (a proxy may have set it) or
// makes one, and echoes it, so a citizen's complaint can be traced through the logs.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader(requestIDHeader)
	if !validToken(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Set(requestIDHeader, id)
	c.Header(requestIDHeader, id)
	c.Next()
}

// validToken accepts a plain identifier — letters, digits, '-' and '_', at most 64 — so that a
// request ID or a case ID from a client never carries anything else into a header, a log or a
// query.
func validToken(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func requestIDFrom(c *gin.Context) string { return c.GetString(requestIDHeader) }

// recovery turns a panic in a handler into a 500 with the usual body and logs the stack;
// the process keeps serving everyone else.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			s.Logger.ErrorContext(c.Request.Context(), "panic in handler",
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()), "request_id", requestIDFrom(c))
			s.renderError(c, kiosk.Errorf(kiosk.EINTERNAL, "internal error"))
		}
	}()
	c.Next()
}

// logRequests writes one line per request. It logs the route pattern, never the raw path or
// query, because those may carry ID numbers or names.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelWarn
	}
	s.Logger.LogAttrs(c.Request.Context(), level, "request",
		slog.Group("request",
			slog.String("id", requestIDFrom(c)),
			slog.String("method", c.Request.Method),
			slog.String("route", routeOf(c)),
			slog.Int("status", status),
			slog.Int64("duration_us", time.Since(start).Microseconds()),
			slog.Int("bytes", c.Writer.Size()),
		))
}

// routeOf is the matched route pattern, or a fixed label for unmatched paths so that
// scanners cannot blow up metric cardinality or log arbitrary text.
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}

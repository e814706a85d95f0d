// Package api serves Xiaozhi over HTTP: the kiosk screen's API, the mini-program REST API, the
// staff console, health and metrics. Handlers return errors; one function renders them.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// Check is one dependency that /readyz asks before saying the service can take requests.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Server is the HTTP server. Set the exported fields, then Open; Close shuts it down.
type Server struct {
	// Addr is the listen address, HOST:PORT; port 0 picks a free one (see URL).
	Addr string
	// Logger receives one line per request and every internal error.
	Logger *slog.Logger
	// Checks are asked by /readyz in order.
	Checks []Check
	// Registry collects the metrics served at /metrics; NewServer creates one.
	Registry *prometheus.Registry
	// Origins are the browser origins allowed to open WebSockets besides the server's own
	// host (e.g. the staff console served from another name).
	Origins []string

	// Kiosk runs cases; Stations authenticates kiosk screens.
	Kiosk    *kiosk.Service
	Stations kiosk.StationStore
	// MP serves the truck drivers' mini-program API and pass verification (mp.go).
	MP *MiniProgram
	// Desk and StaffAuth serve the staff console (api/staff.go, api/console.go).
	Desk      *kiosk.Desk
	StaffAuth *kiosk.StaffAuth
	consoles  consoleHub
	// Kiosks configures the kiosk screen and its routes (kiosk.go).
	Kiosks KioskOptions

	ln      net.Listener
	http    *http.Server
	router  *gin.Engine
	metrics *httpMetrics
	screens kioskScreens // kiosk screens connected now (kiosk_ws.go)
}

// NewServer returns a Server with its routes registered and nothing listening yet.
func NewServer(logger *slog.Logger) *Server {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{
		Addr:     "127.0.0.1:8080",
		Logger:   logger,
		Registry: prometheus.NewRegistry(),
		router:   gin.New(),
	}
	s.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.metrics = newHTTPMetrics(s.Registry)
	s.router.HandleMethodNotAllowed = true
	s.router.Use(s.requestID, s.recovery, s.logRequests, s.countRequests)
	s.routes()
	return s
}

// Handler returns the server's http.Handler, for tests that do not need a listener.
func (s *Server) Handler() http.Handler { return s.router }

// Open starts listening and serving in the background. A taken port fails here, at once.
func (s *Server) Open() error {
	if err := s.Listen(); err != nil {
		return err
	}
	s.Serve()
	return nil
}

// Listen binds the address without serving yet, so that a process can claim its port
// before a slow start-up and fail early when the port is taken.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	return nil
}

// Serve serves on the bound listener in the background.
func (s *Server) Serve() {
	s.http = &http.Server{
		Handler: s.router,
		// Slow clients must not hold connections open forever. Uploads from phones on a weak
		// network need the generous ReadTimeout; WebSockets are hijacked and unaffected.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := s.http.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("http server stopped", "err", err)
		}
	}()
}

// URL returns the base URL the server listens on; valid after Open.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return fmt.Sprintf("http://%s", s.ln.Addr())
}

// Close stops accepting requests and waits for those in flight until ctx ends.
func (s *Server) Close(ctx context.Context) error {
	s.consoles.closeAll() // hijacked connections are not Shutdown's to close
	if s.http == nil {
		if s.ln != nil {
			return s.ln.Close()
		}
		return nil
	}
	return s.http.Shutdown(ctx)
}

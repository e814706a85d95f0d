package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/api"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
)

// wireStaff sets up the staff side of serve: accounts and sessions, the queue desk, the
// loop that expires leases and alerts on overdue escalations, and on PostgreSQL the listener
// that brings other replicas' events to this one's consoles.
func (m *Main) wireStaff(ctx context.Context, cases *store.CaseStore) error {
	cfg := m.Config
	staff, audit := store.NewStaffStore(m.DB), store.NewAuditLog(m.DB)
	m.Desk = &kiosk.Desk{Service: m.Kiosk, Queue: cases, Staff: staff, Audit: audit,
		Lease: cfg.ClaimLease, DueAfter: cfg.QueueDue, Logger: m.Logger.With("component", "desk")}
	auth := kiosk.NewStaffAuth(staff, audit, m.Logger.With("component", "staff"))
	auth.IdleTimeout, auth.MaxAge = cfg.SessionIdle, cfg.SessionMaxAge
	m.HTTP.Desk, m.HTTP.StaffAuth = m.Desk, auth
	m.HTTP.Origins = splitList(cfg.Origins)

	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { m.runQueue(bg) })
	if m.DB.Dialect() == store.Postgres {
		l := store.NewListener(m.DB, cases, m.Kiosk.Feed, m.Logger.With("component", "notify"))
		l.StaffEnded = auth.StaffEnded
		wg.Go(func() { l.Run(bg) })
		// Serve only once this replica hears the others, or say why not on /readyz.
		select {
		case <-l.Listening():
		case <-time.After(10 * time.Second):
			m.Logger.Warn("not yet listening for other replicas' events; /readyz reports it until it is")
		case <-ctx.Done():
		}
		m.HTTP.Checks = append(m.HTTP.Checks, api.Check{Name: "notifications", Check: func(context.Context) error { return l.Ready() }})
	}
	m.stop = append(m.stop, func() { cancel(); wg.Wait() })
	return nil
}

// runQueue returns lapsed claims to the queue and raises overdue alerts until ctx ends.
// Every replica runs it; the store's conditional updates let one act on each case.
func (m *Main) runQueue(ctx context.Context) {
	tick := min(m.Config.ClaimLease/4, m.Config.QueueDue/4, 5*time.Second)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := m.Kiosk.Now()
		if n, err := m.Desk.ExpireLeases(ctx, now); err != nil && ctx.Err() == nil {
			m.Logger.Error("expire claims", "err", err)
		} else if n > 0 {
			m.Logger.Info("claims expired, cases back in the queue", "cases", n)
		}
		if _, err := m.Desk.AlertOverdue(ctx, now); err != nil && ctx.Err() == nil {
			m.Logger.Error("overdue alerts", "err", err)
		}
	}
}

// validateStaff checks the staff console's settings.
func (c Config) validateStaff() error {
	for _, o := range splitList(c.Origins) {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			return fmt.Errorf("--origins %q: want scheme://host[:port], e.g. https://console.example", o)
		}
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--claim-lease", c.ClaimLease}, {"--queue-due", c.QueueDue}, {"--session-idle", c.SessionIdle}, {"--session-max-age", c.SessionMaxAge}} {
		if d.v < time.Second {
			return fmt.Errorf("%s %s: want at least 1s", d.name, d.v)
		}
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

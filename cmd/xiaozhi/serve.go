package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/xiaozhi-kiosk/xiaozhi/api"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
)

// Main is the wired service. Run opens its parts in dependency order and Close releases
// them in reverse; end-to-end tests reuse it so they exercise the real wiring.
type Main struct {
	Config Config
	Logger *slog.Logger

	DB   *store.DB
	HTTP *api.Server
}

// Run opens the database (applying migrations) and starts the HTTP server.
func (m *Main) Run(ctx context.Context) error {
	m.DB = store.NewDB(m.Config.DatabaseURL)
	m.DB.Logger = m.Logger.With("component", "store")
	if err := m.DB.Open(ctx); err != nil {
		return err
	}

	m.HTTP = api.NewServer(m.Logger.With("component", "api"))
	m.HTTP.Addr = m.Config.Addr
	m.HTTP.Checks = []api.Check{{Name: "database", Check: m.DB.Ping}}
	if err := m.HTTP.Open(); err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, unwrapOpError(err))
	}
	return nil
}

// Close shuts down in the reverse order of Run: stop taking requests and drain those in
// flight, then close the database.
func (m *Main) Close(ctx context.Context) error {
	var first error
	if m.HTTP != nil {
		if err := m.HTTP.Close(ctx); err != nil && first == nil {
			first = err
		}
	}
	if m.DB != nil {
		if err := m.DB.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func runServe(ctx context.Context, e *env, args []string) error {
	cfg, _, err := loadConfig("serve", e, args)
	if err != nil {
		return err
	}
	m := &Main{Config: cfg, Logger: newLogger(cfg, e.Stderr)}
	if err := m.Run(ctx); err != nil {
		closeCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		_ = m.Close(closeCtx)
		return err
	}
	m.Logger.Info("xiaozhi serving", "url", m.HTTP.URL(), "database", string(m.DB.Dialect()), "mode", cfg.Mode)

	<-ctx.Done()
	m.Logger.Info("shutting down")
	closeCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	return m.Close(closeCtx)
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	cfg, _, err := loadConfig("migrate", e, args, "database-url", "log-level", "log-format")
	if err != nil {
		return err
	}
	db := store.NewDB(cfg.DatabaseURL)
	if err := db.Open(ctx); err != nil {
		return err
	}
	defer db.Close()
	v, err := db.MigrationVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "database at migration %d (%s)\n", v, db.Dialect())
	return nil
}

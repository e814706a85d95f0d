package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/xiaozhi-kiosk/xiaozhi/api"
	"github.com/xiaozhi-kiosk/xiaozhi/device"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/ocr/pool"
	"github.com/xiaozhi-kiosk/xiaozhi/rules"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
)

// Main is the wired service. Run opens its parts in dependency order and Close releases
// them in reverse; end-to-end tests reuse it so they exercise the real wiring.
type Main struct {
	Config Config
	Logger *slog.Logger

	DB       *store.DB
	Rules    *rules.Engine
	OCR      *pool.Pool
	Camera   *device.Camera // nil on a replica without a camera
	Kiosk    *kiosk.Service
	Stations *store.StationStore
	HTTP     *api.Server
	Desk     *kiosk.Desk // the staff queue (staff_serve.go)

	stop []func() // background work and temporary files, ended by Close (demo.go)
}

// Run opens the database (applying migrations), loads the rule sets, starts the reading
// processes and the camera, finishes cases a crash interrupted, and starts the HTTP server.
func (m *Main) Run(ctx context.Context) error {
	cfg := m.Config
	// Bind the port first: a port in use should fail at once, not after the workers start.
	m.HTTP = api.NewServer(m.Logger.With("component", "api"))
	m.HTTP.Addr = cfg.Addr
	if err := m.HTTP.Listen(); err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, unwrapOpError(err))
	}

	m.DB = store.NewDB(cfg.DatabaseURL)
	m.DB.Logger = m.Logger.With("component", "store")
	if err := m.DB.Open(ctx); err != nil {
		return err
	}
	sealer, demoKey, err := cfg.sealer()
	if err != nil {
		return err
	}
	if demoKey {
		m.Logger.Warn("personal data is sealed with the public demo key; set XIAOZHI_DATA_KEY for real use")
	}
	if m.Rules, err = loadRules(cfg.RulesDir); err != nil {
		return err
	}

	if m.OCR, err = pool.Open(ctx, m.poolConfig(), m.Logger); err != nil {
		return fmt.Errorf("start OCR workers: %w", err)
	}
	if cfg.Demo && cfg.Camera == "" {
		if cfg.Camera, err = m.demoCamera(); err != nil {
			return err
		}
	}
	if cfg.Camera != "" {
		if m.Camera, err = device.Open(ctx, cfg.Camera, device.DefaultConfig(), m.Logger.With("component", "camera")); err != nil {
			return fmt.Errorf("camera %s: %w", cfg.Camera, err)
		}
	}

	cases := store.NewCaseStore(m.DB, sealer)
	m.Stations = store.NewStationStore(m.DB)
	m.Kiosk = kiosk.NewService(cases, store.NewRegistry(m.DB, sealer), m.OCR, m.Rules, m.Logger.With("component", "kiosk"))
	if err := m.wirePasses(cfg, sealer); err != nil {
		return err
	}
	// Every other matter issues a pickup slip naming the counter. Issuers are in place before
	// Recover, which issues the approved cases a stop interrupted.
	for _, mi := range m.Rules.Matters() {
		if m.Kiosk.Issuers[mi.Code] == nil {
			m.Kiosk.Issuers[mi.Code] = m.Kiosk.CounterIssuer(cfg.PickupCounter)
		}
	}
	if n, err := m.Kiosk.Recover(ctx); err != nil {
		return fmt.Errorf("finish interrupted cases: %w", err)
	} else if n > 0 {
		m.Logger.Info("finished cases interrupted by a stop", "cases", n)
	}

	if err := m.wireKiosk(ctx, cfg); err != nil {
		return err
	}
	m.HTTP.Checks = m.readinessChecks()
	if err := m.wireStaff(ctx, cases); err != nil {
		return err
	}
	m.HTTP.Serve()
	return nil
}

func (m *Main) poolConfig() pool.Config {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	cmd := []string{exe, "ocr-worker"}
	if m.Config.TessData != "" {
		cmd = append(cmd, "--tessdata", m.Config.TessData)
	}
	// Tesseract's OpenMP threads would fight each other across workers; one thread each
	// and one worker per core is the faster arrangement.
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	return pool.Config{
		Command:          cmd,
		Env:              env,
		Size:             m.Config.OCRWorkers,
		ReadTimeout:      m.Config.OCRTimeout,
		MemoryLimitBytes: int64(m.Config.OCRMemoryMB) << 20,
	}
}

// readinessChecks are what /readyz asks: the database, a live reading process, and the
// camera when this machine has one.
func (m *Main) readinessChecks() []api.Check {
	checks := []api.Check{
		{Name: "database", Check: m.DB.Ping},
		{Name: "ocr", Check: func(context.Context) error {
			if !m.OCR.Status().Ready() {
				return errors.New("no reading process is alive")
			}
			return nil
		}},
	}
	if m.Camera != nil {
		checks = append(checks, api.Check{Name: "camera", Check: func(context.Context) error {
			if st := m.Camera.Status(); st.State != kiosk.CameraOK {
				return fmt.Errorf("camera %s: %s", st.State, st.Reason)
			}
			return nil
		}})
	}
	return checks
}

// Close shuts down in the reverse order of Run: stop taking requests and drain those in
// flight, stop the camera, stop the reading processes, then close the database.
func (m *Main) Close(ctx context.Context) error {
	var errs []error
	if m.HTTP != nil {
		errs = append(errs, m.HTTP.Close(ctx))
	}
	if m.Camera != nil {
		errs = append(errs, m.Camera.Close())
	}
	for i := len(m.stop) - 1; i >= 0; i-- {
		m.stop[i]()
	}
	if m.OCR != nil {
		errs = append(errs, m.OCR.Close())
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
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
	m.Logger.Info("xiaozhi serving", "url", m.HTTP.URL(), "database", string(m.DB.Dialect()),
		"mode", cfg.Mode, "ocr_workers", cfg.OCRWorkers, "camera", cfg.Camera != "")

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

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/demo"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store"
	"github.com/xiaozhi-kiosk/xiaozhi/web"
)

// Housekeeping cadence: abandoned cases are cancelled and old images purged once a minute.
// An undecided case unchanged for abandonAfter was left by its applicant (or by a crash
// that nobody resumed).
const (
	housekeepEvery = time.Minute
	abandonAfter   = 30 * time.Minute
)

// demoCamera writes the demo camera's recording (the approved applicant's ID card, front
// then back, in a loop) to a temporary directory and returns it as a camera spec.
func (m *Main) demoCamera() (string, error) {
	dir, err := os.MkdirTemp("", "xiaozhi-demo-camera-*")
	if err != nil {
		return "", fmt.Errorf("demo camera: %w", err)
	}
	m.stop = append(m.stop, func() { os.RemoveAll(dir) })
	if err := demo.WriteCameraLoop(dir, demo.Approve); err != nil {
		return "", fmt.Errorf("demo camera: %w", err)
	}
	return dir, nil
}

// wireKiosk connects the kiosk service to the camera, SMS, the HTTP server and the kiosk
// screen, starts the housekeeping, and in a demo imports the demo registry and registers a
// station whose credential the screen receives without setup.
func (m *Main) wireKiosk(ctx context.Context, cfg Config) error {
	if m.Camera != nil {
		m.Kiosk.Camera = m.Camera
	}
	m.HTTP.Kiosk, m.HTTP.Stations = m.Kiosk, m.Stations
	m.HTTP.Kiosks.Pages = web.Kiosk()
	// No SMS gateway is built in yet: in development the codes appear on the kiosk screen,
	// in production the screen says SMS is unavailable until a gateway is configured.
	if cfg.Mode == "development" {
		sms := &kiosk.DemoSMS{}
		m.Kiosk.SMS, m.HTTP.Kiosks.DemoSMS = sms, sms
	}

	hkCtx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		m.Kiosk.Housekeep(hkCtx, housekeepEvery, abandonAfter, cfg.ImageRetention)
	}()
	m.stop = append(m.stop, func() { cancel(); wg.Wait() })

	if !cfg.Demo {
		return nil
	}
	return m.startDemo(ctx)
}

// demoStationName is the station `serve --demo` uses, across restarts.
const demoStationName = "演示终端"

// The demo's counter clerk, so that a newcomer can also try the staff console. The password
// is public, like the demo keys: demo mode is refused in production.
const (
	demoStaffName     = "demo"
	demoStaffPassword = "xiaozhi-demo"
)

// startDemo imports the demo registry and gives the demo station a fresh credential.
func (m *Main) startDemo(ctx context.Context) error {
	files, err := demo.Registry()
	if err != nil {
		return err
	}
	sealer, _, err := m.Config.sealer()
	if err != nil {
		return err
	}
	reg := store.NewRegistry(m.DB, sealer)
	for _, f := range files {
		rep, err := reg.Import(ctx, bytes.NewReader(f.Data))
		if err != nil {
			return fmt.Errorf("demo registry %s: %w", f.Name, err)
		}
		if len(rep.Errors) > 0 {
			return fmt.Errorf("demo registry %s: %d records refused: %s", f.Name, len(rep.Errors), rep.Errors[0])
		}
	}
	// The credential is stored only hashed, so every start gives the one demo station a new
	// one instead of registering another station.
	st, cred, err := m.Stations.RotateStation(ctx, demoStationName)
	if err != nil {
		return fmt.Errorf("demo station: %w", err)
	}
	m.HTTP.Kiosks.DemoCredential = cred
	staff := store.NewStaffStore(m.DB)
	if _, err := staff.AddStaff(ctx, demoStaffName, kiosk.RoleSupervisor, demoStaffPassword); err != nil && kiosk.ErrorCode(err) != kiosk.ECONFLICT {
		return fmt.Errorf("demo staff account: %w", err)
	}
	m.Logger.Info("demo ready: open the kiosk screen, and the staff console as demo / "+demoStaffPassword,
		"kiosk", m.HTTP.URL()+"/kiosk/", "console", m.HTTP.URL()+"/console/", "station", st.Name)
	return nil
}

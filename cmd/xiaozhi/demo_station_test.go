package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemoReusesStation starts `serve --demo` twice on one database: there is still one
// station, and only the latest start's credential works.
func TestDemoReusesStation(t *testing.T) {
	dbURL := filepath.Join(t.TempDir(), "x.db")
	run := func() (*Main, string) {
		cfg := DefaultConfig()
		cfg.Addr, cfg.DatabaseURL = "127.0.0.1:0", dbURL
		cfg.Demo, cfg.OCRWorkers = true, 1
		m := &Main{Config: cfg, Logger: newLogger(cfg, &lockedBuffer{})}
		if err := m.Run(context.Background()); err != nil {
			t.Fatalf("run: %v", err)
		}
		return m, m.HTTP.Kiosks.DemoCredential
	}
	stop := func(m *Main) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := m.Close(ctx); err != nil {
			t.Fatalf("close: %v", err)
		}
	}
	m1, cred1 := run()
	stop(m1)
	m2, cred2 := run()
	defer stop(m2)
	ctx := context.Background()
	list, err := m2.Stations.Stations(ctx)
	if err != nil || len(list) != 1 || list[0].Name != demoStationName {
		t.Fatalf("stations after two starts: %+v %v", list, err)
	}
	if _, err := m2.Stations.StationByCredential(ctx, cred1); err == nil {
		t.Fatal("the first start's credential still works")
	}
	if _, err := m2.Stations.StationByCredential(ctx, cred2); err != nil {
		t.Fatalf("current credential: %v", err)
	}
	// The demo clerk exists once and can log in to the staff console.
	req, _ := http.NewRequest("POST", m2.HTTP.URL()+"/api/v1/staff/login",
		strings.NewReader(`{"name":"`+demoStaffName+`","password":"`+demoStaffPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", m2.HTTP.URL())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("demo clerk login = %d", resp.StatusCode)
	}
}

func TestDemoRefusedInProduction(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Demo, cfg.Mode = true, "production"
	cfg.DataKey = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "--demo") {
		t.Fatalf("Validate = %v, want demo refused in production", err)
	}
}

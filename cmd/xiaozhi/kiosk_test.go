package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestKioskCommands(t *testing.T) {
	vars := map[string]string{"XIAOZHI_DATABASE_URL": filepath.Join(t.TempDir(), "x.db")}
	e, out, stderr := testEnv(vars)
	if code := run(context.Background(), e, []string{"kiosk", "add", "hall-01"}); code != 0 {
		t.Fatalf("add: exit %d: %s", code, stderr)
	}
	cred := strings.TrimSpace(out.String())
	if !strings.HasPrefix(cred, "xzk_") || strings.Contains(stderr.String(), cred) {
		t.Fatalf("credential %q should be alone on stdout", cred)
	}

	e, _, _ = testEnv(vars)
	if code := run(context.Background(), e, []string{"kiosk", "add", "hall-01"}); code != 1 {
		t.Fatalf("duplicate add: exit %d", code)
	}
	e, _, _ = testEnv(vars)
	if code := run(context.Background(), e, []string{"kiosk", "revoke", "hall-01"}); code != 0 {
		t.Fatalf("revoke: exit %d", code)
	}
	e, out, _ = testEnv(vars)
	run(context.Background(), e, []string{"kiosk", "list"})
	if !strings.Contains(out.String(), "hall-01") || !strings.Contains(out.String(), "revoked") || strings.Contains(out.String(), cred) {
		t.Fatalf("list: %q", out)
	}
	e, _, _ = testEnv(vars)
	if code := run(context.Background(), e, []string{"kiosk", "frob"}); code != 2 {
		t.Fatalf("bad subcommand: exit %d", code)
	}
}

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRegistryImportCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "registry.json")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	vars := map[string]string{"XIAOZHI_DATABASE_URL": filepath.Join(dir, "x.db")}

	write(`{"person": [{"id_number": "330212198503121234", "name": "张伟民"}], "vehicle": [{"plate_number": "浙B12345"}]}`)
	e, out, stderr := testEnv(vars)
	if code := run(context.Background(), e, []string{"registry", "import", file}); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out.String(), "imported 2 records, refused 0") {
		t.Fatalf("output %q", out)
	}

	write(`{"person": [{"id_number": "330212198503121235"}]}`)
	e, out, stderr = testEnv(vars)
	if code := run(context.Background(), e, []string{"registry", "import", file}); code != 1 {
		t.Fatalf("exit %d for a refused record", code)
	}
	if !strings.Contains(stderr.String(), "person[0]") || strings.Contains(stderr.String()+out.String(), "330212198503121235") {
		t.Fatalf("stderr %q should name the record by position only", stderr)
	}

	e, _, _ = testEnv(vars)
	if code := run(context.Background(), e, []string{"registry", "import", filepath.Join(dir, "missing.json")}); code != 1 {
		t.Fatalf("exit %d for a missing file", code)
	}
	e, _, _ = testEnv(map[string]string{"XIAOZHI_MODE": "production", "XIAOZHI_DATABASE_URL": vars["XIAOZHI_DATABASE_URL"]})
	if code := run(context.Background(), e, []string{"registry", "import", file}); code != 1 {
		t.Fatalf("production without a data key: exit %d", code)
	}
}

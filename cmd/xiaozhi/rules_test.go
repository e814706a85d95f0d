package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRulesCheckBuiltin(t *testing.T) {
	e, out, errOut := rulesEnv("")
	if code := run(context.Background(), e, []string{"rules", "check"}); code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(out.String(), "13 matters load and type-check") || !strings.Contains(out.String(), " 0 failed") {
		t.Errorf("output:\n%s", out)
	}
}

// TestRulesCheckOverride: a parameter change breaks the built-in golden cases that depend on
// it, and a golden case in the directory replaces the built-in one of the same path.
func TestRulesCheckOverride(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("params.yaml", "DL_DAMAGED_REPLACE:\n  max_reissues_12m: 3\n")
	e, out, _ := rulesEnv("")
	if code := run(context.Background(), e, []string{"rules", "check", dir}); code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	if !strings.Contains(out.String(), "FAIL golden/DL_DAMAGED_REPLACE/frequent_reissue.json") || !strings.Contains(out.String(), "1 failed") {
		t.Errorf("output:\n%s", out)
	}

	write("golden/DL_DAMAGED_REPLACE/frequent_reissue.json", `{
  "description": "With max_reissues_12m = 3, two reissues are fine.",
  "base": "base.json",
  "patch": {"registry": {"driver": {"reissues_12m": 2}}},
  "want": {"outcome": "approved", "skipped": ["DL_VIOLATIONS"],
           "issue": {"document": "driving_licence", "classes": "C1", "valid_from": "2020-06-01", "valid_until": "2030-06-01", "collect": "counter"}}
}`)
	e, out, errOut := rulesEnv("")
	if code := run(context.Background(), e, []string{"rules", "check", dir}); code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
}

func TestRulesCheckTypo(t *testing.T) {
	dir := t.TempDir()
	rule := `matter: DL_DAMAGED_REPLACE
title: 驾驶证损毁换证
channels: [kiosk]
basis: 162号令第66、68条
documents: [id_card_front, id_card_back]
checks:
  - code: DL_EXPIRED
    outcome: rejected
    fails: registry.driver.valid_untl < today
    message: 驾驶证已过期。
`
	if err := os.WriteFile(filepath.Join(dir, "m01_dl_damaged_replace.yaml"), []byte(rule), 0o600); err != nil {
		t.Fatal(err)
	}
	e, _, errOut := rulesEnv("")
	if code := run(context.Background(), e, []string{"rules", "check", dir}); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"m01_dl_damaged_replace.yaml:9", "DL_EXPIRED", "column 16", "registry.driver.valid_untl", "did you mean 'registry.driver.valid_until'"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestRulesUsage(t *testing.T) {
	for _, args := range [][]string{{"rules"}, {"rules", "frob"}, {"rules", "check", "a", "b"}} {
		e, _, errOut := rulesEnv("")
		if code := run(context.Background(), e, args); code != 2 || !strings.Contains(errOut.String(), "Usage") {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rulesEnv is an env with stdin set and output captured.
func rulesEnv(stdin string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}, &out, &errOut
}

// caseFacts returns the facts of SERVICES.md's example with matter replaced.
func caseFacts(t *testing.T, edit func(m map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile("../../rules/ruleset/golden/DL_DAMAGED_REPLACE/base.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(m)
	}
	out, _ := json.Marshal(m)
	return string(out)
}

func TestDecide(t *testing.T) {
	e, out, errOut := rulesEnv(caseFacts(t, nil))
	if code := run(context.Background(), e, []string{"decide"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var d struct {
		Matter, Outcome string
		Issue           map[string]any
		Trace           []map[string]string
	}
	if err := json.Unmarshal(out.Bytes(), &d); err != nil {
		t.Fatalf("output is not a decision: %v\n%s", err, out)
	}
	if d.Matter != "DL_DAMAGED_REPLACE" || d.Outcome != "approved" || d.Issue["valid_until"] != "2030-06-01" || len(d.Trace) != 16 {
		t.Errorf("decision = %+v", d)
	}
}

func TestDecideFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "facts.json")
	facts := caseFacts(t, func(m map[string]any) {
		m["registry"].(map[string]any)["driver"].(map[string]any)["status"] = "D"
	})
	if err := os.WriteFile(path, []byte(facts), 0o600); err != nil {
		t.Fatal(err)
	}
	e, out, errOut := rulesEnv("")
	if code := run(context.Background(), e, []string{"decide", path}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out.String(), `"outcome": "rejected"`) || !strings.Contains(out.String(), "DL_STATUS_BLOCKED") {
		t.Errorf("output:\n%s", out)
	}
}

func TestDecideErrors(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  string // in stderr
	}{
		{"malformed JSON", []string{"decide"}, `{"matter":`, 1, "malformed JSON"},
		{"empty input", []string{"decide", "-"}, ``, 1, "empty input"},
		{"unknown matter", []string{"decide"}, `{"matter":"NOPE","now":"2026-11-23T10:15:00+08:00"}`, 1, `unknown matter "NOPE"`},
		{"wrong type", []string{"decide"}, `{"matter":"DL_DAMAGED_REPLACE","now":"2026-11-23T10:15:00+08:00","registry":{"driver":{"valid_until":20300601}}}`, 1,
			"registry.driver.valid_until: want a date YYYY-MM-DD, got number"},
		{"bad date", []string{"decide"}, `{"matter":"DL_DAMAGED_REPLACE","now":"2026-11-23T10:15:00+08:00","registry":{"vehicle":{"scrap_date":"2026-02-30"}}}`, 1,
			`registry.vehicle.scrap_date: want a date YYYY-MM-DD, got string "2026-02-30"`},
		{"document field", []string{"decide"}, `{"matter":"DL_DAMAGED_REPLACE","now":"2026-11-23T10:15:00+08:00","documents":{"id_card_back":{"confidence":{"valid_until":"high"}}}}`, 1,
			"documents.id_card_back.confidence.valid_until: want a number, got string"},
		{"no time", []string{"decide"}, `{"matter":"DL_DAMAGED_REPLACE"}`, 1, "now: required"},
		{"misspelt fact", []string{"decide"}, `{"matter":"DL_DAMAGED_REPLACE","now":"2026-11-23T10:15:00+08:00","registy":{}}`, 1, `unknown field "registy"`},
		{"missing file", []string{"decide", "/nonexistent/facts.json"}, ``, 1, "no such file"},
		{"two files", []string{"decide", "a.json", "b.json"}, ``, 2, "Usage"},
		{"bad rules dir", []string{"decide", "--rules", "/nonexistent"}, `{}`, 1, "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, out, errOut := rulesEnv(tt.stdin)
			code := run(context.Background(), e, tt.args)
			if code != tt.code || !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tt.code, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout not empty: %s", out)
			}
		})
	}
}

// TestDecideRulesDir overrides a parameter from a directory, as a bureau would.
func TestDecideRulesDir(t *testing.T) {
	dir := t.TempDir()
	params := "DL_DAMAGED_REPLACE:\n  max_reissues_12m: 5\n"
	if err := os.WriteFile(filepath.Join(dir, "params.yaml"), []byte(params), 0o600); err != nil {
		t.Fatal(err)
	}
	facts := caseFacts(t, func(m map[string]any) {
		m["registry"].(map[string]any)["driver"].(map[string]any)["reissues_12m"] = 3
	})
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"decide"}, `"outcome": "escalated"`},                // 3 ≥ 2
		{[]string{"decide", "--rules", dir}, `"outcome": "approved"`}, // 3 < 5
	} {
		e, out, errOut := rulesEnv(facts)
		if code := run(context.Background(), e, tt.args); code != 0 || !strings.Contains(out.String(), tt.want) {
			t.Errorf("%v: exit %d, %s\n%s", tt.args, code, errOut, out)
		}
	}
}

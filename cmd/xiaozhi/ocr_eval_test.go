package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOCREvalKind runs ocr-eval on three committed card photos, told their kinds and asked to
// decide them: only in the second run does it report how often the reader decided right.
func TestOCREvalKind(t *testing.T) {
	dir := t.TempDir()
	var truth []byte
	for _, name := range []string{"0001_id_card_back_clean", "0002_driving_licence_perspective", "0003_vehicle_licence_rotate90"} {
		img, err := os.ReadFile(filepath.Join("..", "..", "testdata", "cards", name+".jpg"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".jpg"), img, 0o644); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "cards", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var line truthLine
		if err := json.Unmarshal(raw, &line); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(line)
		truth = append(append(truth, b...), '\n')
	}
	if err := os.WriteFile(filepath.Join(dir, "truth.jsonl"), truth, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args      []string
		want, not string
	}{
		{[]string{"ocr-eval", "-baseline=false", dir}, "kind: given", "kind decided"},
		{[]string{"ocr-eval", "-baseline=false", "-auto", dir}, "kind decided correctly: ", "kind: given"},
	} {
		e, out, errOut := testEnv(nil)
		if code := run(context.Background(), e, c.args); code != 0 {
			if strings.Contains(errOut.String(), "tesseract") && os.Getenv("XIAOZHI_TEST_REQUIRE") != "1" && os.Getenv("CI") == "" {
				t.Skipf("tesseract not available: %s", errOut)
			}
			t.Fatalf("%v: exit %d: %s", c.args, code, errOut)
		}
		if s := out.String(); !strings.Contains(s, c.want) || strings.Contains(s, c.not) || !strings.Contains(s, "overall") {
			t.Errorf("%v: want %q and not %q in:\n%s", c.args, c.want, c.not, s)
		}
	}
}

package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/cardgen"
)

func TestRunWritesImagesAndTruth(t *testing.T) {
	if _, err := cardgen.LoadFontSet("noto"); errors.Is(err, fs.ErrNotExist) && os.Getenv("CI") == "" && os.Getenv("XIAOZHI_TEST_REQUIRE") != "1" {
		t.Skipf("fonts not installed (run scripts/setup.sh): %v", err)
	}
	dir := t.TempDir()
	args := []string{"--out", dir, "--n", "2", "--seed", "3", "--conditions", "flat,clean",
		"--kinds", "id_card_front,vehicle_licence", "--invalid", "1", "--invalid-kinds", "vin_check"}
	if err := run(args, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []cardgen.TruthLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l cardgen.TruthLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	if len(lines) != 4 {
		t.Fatalf("%d truth lines, want 4", len(lines))
	}
	kinds := map[cardgen.Kind]int{}
	for _, l := range lines {
		kinds[l.Kind]++
		if _, err := os.Stat(filepath.Join(dir, l.File)); err != nil {
			t.Errorf("image of %s: %v", l.File, err)
		}
		js := filepath.Join(dir, strings.TrimSuffix(l.File, ".jpg")+".json")
		var tr cardgen.Truth
		data, err := os.ReadFile(js)
		// Every record breaks its VIN; only the vehicle licence prints one.
		wantInvalid := cardgen.Invalid("")
		if l.Kind == cardgen.VehicleLicence {
			wantInvalid = cardgen.InvalidVINCheck
		}
		if err != nil || json.Unmarshal(data, &tr) != nil || tr.Kind != l.Kind || tr.Invalid != wantInvalid {
			t.Errorf("ground truth %s: %v, kind %s invalid %q", js, err, tr.Kind, tr.Invalid)
		}
		if len(l.Fields) == 0 {
			t.Errorf("%s: no fields", l.File)
		}
	}
	if kinds[cardgen.IDFront] != 2 || kinds[cardgen.VehicleLicence] != 2 {
		t.Errorf("kinds %v, want two of each", kinds)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--out", t.TempDir(), "--conditions", "sunny"},
		{"--out", t.TempDir(), "--kinds", "passport"},
		{"--out", t.TempDir(), "--invalid-kinds", "everything"},
	} {
		if err := run(args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

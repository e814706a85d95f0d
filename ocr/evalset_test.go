package ocr

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// conditions are the photographic conditions of the generated evaluation set: "clean" is a
// sharp, well-lit photo with mild perspective; the others degrade one aspect each.
var conditions = []struct {
	name string
	shot shot
}{
	{"clean", shot{skew: 0.02}},
	{"rotated", shot{skew: 0.02, turns: 1}},
	{"upside_down", shot{skew: 0.02, turns: 2}},
	{"perspective", shot{skew: 0.06}},
	{"blur", shot{skew: 0.02, blur: 1.6}},
	{"dark", shot{skew: 0.02, dark: 0.45}},
	{"jpeg30", shot{skew: 0.02, jpegQ: 30}},
}

// TestWriteEvalSet writes an evaluation set for `xiaozhi ocr-eval` when XIAOZHI_EVALSET names
// an output directory: XIAOZHI_EVALSET_N records per kind and condition (default 2), rendered
// with the font set XIAOZHI_EVALSET_FONTS (default "heldout", which the reader was not tuned
// on), seeds from XIAOZHI_EVALSET_SEED (default 1000) upward.
func TestWriteEvalSet(t *testing.T) {
	dir := os.Getenv("XIAOZHI_EVALSET")
	if dir == "" {
		t.Skip("XIAOZHI_EVALSET not set")
	}
	n, seed, fonts := 2, uint64(1000), "heldout"
	fmt.Sscan(os.Getenv("XIAOZHI_EVALSET_N"), &n)
	fmt.Sscan(os.Getenv("XIAOZHI_EVALSET_SEED"), &seed)
	if f := os.Getenv("XIAOZHI_EVALSET_FONTS"); f != "" {
		fonts = f
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for _, c := range conditions {
		for _, k := range kiosk.DocKinds {
			for i := 0; i < n; i++ {
				s := seed + uint64(i)
				img, truth := mustSynth(t, k, s, fonts, c.shot)
				name := fmt.Sprintf("%s_%s_%d.jpg", c.name, k, s)
				if err := os.WriteFile(filepath.Join(dir, name), img, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := enc.Encode(map[string]any{"file": name, "kind": k, "fields": truth, "condition": c.name}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// Command gen writes the demo's card photographs (demo/cards) and the registry records that
// match them (demo/data/people.json). The output is deterministic in the seeds:
//
//	go run ./demo/gen --out demo
//
// Each person gets a clean photograph of both sides of the ID card. The records are chosen so
// that the demo's matter, 驾驶证损毁换证 (DL_DAMAGED_REPLACE), is approved for the first person
// and escalated for the second (two reissues in the last twelve months).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xiaozhi-kiosk/xiaozhi/cardgen"
)

// people are the demo's applicants: a card seed each and what the registry adds.
var people = []struct {
	name     string // file name stem
	seed     uint64
	reissues int // reissues_12m in the driver record
}{
	{"approve", 0, 0},
	{"escalate", 0, 2},
}

func main() {
	out := flag.String("out", "demo", "directory that holds cards/ and data/")
	seeds := flag.String("seeds", "15,7", "card seeds, one per person")
	fonts := flag.String("fonts", "noto", "cardgen font set")
	flag.Parse()
	if err := run(*out, *seeds, *fonts); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out, seedList, fontSpec string) error {
	parts := strings.Split(seedList, ",")
	if len(parts) != len(people) {
		return fmt.Errorf("want %d seeds, got %d", len(people), len(parts))
	}
	fs, err := cardgen.LoadFontSet(fontSpec)
	if err != nil {
		return err
	}
	for _, d := range []string{"cards", "data"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return err
		}
	}
	reg := map[string][]map[string]any{}
	for i, p := range people {
		seed, err := strconv.ParseUint(parts[i], 10, 64)
		if err != nil {
			return fmt.Errorf("seed %q: %w", parts[i], err)
		}
		p.seed = seed
		for _, k := range []cardgen.Kind{cardgen.IDFront, cardgen.IDBack} {
			s, err := cardgen.Generate(cardgen.Spec{Kind: k, Condition: "clean", Fonts: fs, Seed: seed})
			if err != nil {
				return err
			}
			data, err := cardgen.EncodeJPEG(s.Image, 85)
			if err != nil {
				return err
			}
			name := fmt.Sprintf("%s_%s.jpg", p.name, k.Side())
			if err := os.WriteFile(filepath.Join(out, "cards", name), data, 0o644); err != nil {
				return err
			}
		}
		rec := cardgen.NewRecord(seed, cardgen.RecordOptions{})
		term := fmt.Sprintf("%dy", rec.DLTermYears)
		var until any = rec.DLValidUntil.String()
		if rec.DLTermYears == 0 {
			term, until = "long", nil
		}
		reg["person"] = append(reg["person"], map[string]any{
			"id_number": rec.IDNumber, "name": rec.Name, "hukou_region": rec.IDNumber[:6],
			"residence_region": nil, "status": "normal", "vehicles_owned": 1,
		})
		reg["driver"] = append(reg["driver"], map[string]any{
			"licence_number": rec.IDNumber, "classes": rec.Classes, "status": "A",
			"first_issue_date": rec.FirstIssue.String(), "valid_from": rec.DLValidFrom.String(),
			"valid_until": until, "term": term, "full_score_in_term": 0, "pending_violations": 0,
			"reissues_12m": p.reissues, "issuer": "浙B", "medical_cert": nil, "hazmat_qualification_until": nil,
		})
	}
	js, err := json.MarshalIndent(reg, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "data", "people.json"), append(js, '\n'), 0o644)
}

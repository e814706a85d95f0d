package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/xiaozhi-kiosk/xiaozhi/cardgen"
)

// demoDrivers are the truck drivers of the demo: a cardgen seed each (their ID card, driving
// licence and vehicle licence are that record's), and what the registry adds. The truck pass
// is approved; the hazmat pass goes to a clerk, because the vehicle's satellite position is
// live data a static file cannot keep fresh (GPS_OFFLINE).
var demoDrivers = []struct {
	name    string // file name stem
	seed    uint64
	hazmat  bool
	vehicle string // registry vehicle_type: the heavy box truck its licence names
}{
	{"truck", 57, false, "H11"},
	{"hazmat", 54, true, "H11"},
}

// demoEscortSeed and demoOwnerSeed give the hazmat escort and the trucks' owner's legal
// representative real, valid ID numbers.
const demoEscortSeed, demoOwnerSeed = 35, 15

// demoTruckRecords builds demo/data/trucks.json: the registry records that match the demo
// drivers' documents.
func demoTruckRecords() map[string][]map[string]any {
	escort := cardgen.NewRecord(demoEscortSeed, cardgen.RecordOptions{})
	owner := cardgen.NewRecord(demoOwnerSeed, cardgen.RecordOptions{})
	reg := map[string][]map[string]any{}
	add := func(kind string, rec map[string]any) { reg[kind] = append(reg[kind], rec) }
	for _, d := range demoDrivers {
		r := cardgen.NewRecord(d.seed, cardgen.RecordOptions{})
		add("person", map[string]any{"id_number": r.IDNumber, "name": r.Name, "hukou_region": r.IDNumber[:6],
			"residence_region": nil, "status": "normal", "vehicles_owned": 0})
		term := fmt.Sprintf("%dy", r.DLTermYears)
		var until any = r.DLValidUntil.String()
		if r.DLTermYears == 0 {
			term, until = "long", nil
		}
		var hazmatUntil any
		if d.hazmat {
			hazmatUntil = "2030-06-30"
		}
		add("driver", map[string]any{"licence_number": r.IDNumber, "classes": r.Classes, "status": "A",
			"first_issue_date": r.FirstIssue.String(), "valid_from": r.DLValidFrom.String(), "valid_until": until,
			"term": term, "full_score_in_term": 0, "pending_violations": 0, "reissues_12m": 0, "issuer": "浙B",
			"medical_cert": nil, "hazmat_qualification_until": hazmatUntil})
		use := "F"
		if d.hazmat {
			use = "R"
		}
		v := map[string]any{"plate_number": r.Plate, "plate_type": "01", "vehicle_type": d.vehicle, "use_nature": use,
			"fuel": "B", "emission": "GB6a", "vin": r.VIN, "owner_id_number": owner.IDNumber, "owner_kind": "company",
			"authorized_driver_ids": []string{r.IDNumber}, "status": "A", "registered_on": r.RegisterDate.String(),
			"inspection_valid_until": "2030-06-30", "insurance_valid_until": "2030-06-30", "scrap_date": nil,
			"seats": 3, "issuer": "浙B", "pending_violations": 0, "accident_injury": false,
			"illegal_modification": false, "reissues_12m": 0}
		if d.hazmat {
			v["road_transport_cert_until"], v["liability_insurance_until"] = "2030-06-30", "2030-06-30"
			v["gps_last_seen"] = nil
			add("carrier", map[string]any{"plate_number": r.Plate, "permit_until": "2030-06-30", "scope": []string{"2", "3", "8"}})
		}
		add("vehicle", v)
	}
	add("escort", map[string]any{"id_number": escort.IDNumber, "qualification_until": "2030-06-30"})
	return reg
}

// runPassDemoPhotos writes phone-like photos (perspective, JPEG) of the demo drivers' four
// documents to DIR, named DRIVER_KIND.jpg, and DIR/trucks.json, the registry records.
func runPassDemoPhotos(e *env, args []string) error {
	if len(args) != 1 {
		fmt.Fprintln(e.Stderr, passUsage)
		return errUsage
	}
	dir := args[0]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	fonts, err := cardgen.LoadFontSet("noto")
	if err != nil {
		return err
	}
	for _, d := range demoDrivers {
		for _, k := range cardgen.Kinds {
			data, err := demoPhoto(fonts, k, d.seed)
			if err != nil {
				return err
			}
			name := filepath.Join(dir, fmt.Sprintf("%s_%s.jpg", d.name, k))
			if err := os.WriteFile(name, data, 0o644); err != nil {
				return err
			}
			fmt.Fprintln(e.Stdout, name)
		}
	}
	b, err := json.MarshalIndent(demoTruckRecords(), "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "trucks.json"), append(b, '\n'), 0o644)
}

// demoPhoto is one document of a record, photographed at an angle as a phone would.
func demoPhoto(fonts *cardgen.FontSet, k cardgen.Kind, seed uint64) ([]byte, error) {
	s, err := cardgen.Generate(cardgen.Spec{Kind: k, Condition: "perspective", Fonts: fonts, Seed: seed})
	if err != nil {
		return nil, err
	}
	return cardgen.EncodeJPEG(s.Image, s.Truth.JPEGQuality)
}

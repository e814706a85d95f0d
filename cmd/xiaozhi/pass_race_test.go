package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/cardgen"
	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
	"github.com/xiaozhi-kiosk/xiaozhi/store/storetest"
)

// TestMPConcurrentDuplicatePass submits two truck applications for the same plate and zone
// over overlapping periods at the same moment, on both databases. At most one pass is issued;
// the other application is rejected with DUPLICATE_PASS when it was decided after the first
// pass existed, or escalated to staff with reason DUPLICATE_PASS when both were decided before.
func TestMPConcurrentDuplicatePass(t *testing.T) {
	for _, dbName := range []string{"sqlite", "postgres"} {
		t.Run(dbName, func(t *testing.T) {
			url := filepath.Join(t.TempDir(), "x.db")
			if dbName == "postgres" {
				url = storetest.EmptyPostgresURL(t)
			}
			e := mustMPServer(t, url, nil)
			tok := e.login(t, demoID(0))
			today := ident.Today(time.Now())
			var ids []string
			for i := 0; i < 2; i++ {
				st, _, b := e.call(t, "POST", "/api/v1/mp/cases", "/api/v1/mp/cases", tok,
					map[string]string{"Idempotency-Key": fmt.Sprintf("dup-%d", i)}, []byte(`{"matter":"TRUCK_CITY_PASS"}`))
				if st != 201 {
					t.Fatalf("create = %d %s", st, b)
				}
				id := decode[caseJSON](t, b).ID
				for j, k := range cardgen.Kinds {
					if st, _, b := e.call(t, "PUT", "", "/api/v1/mp/cases/"+id+"/documents/"+string(k), tok,
						map[string]string{"Content-Type": "image/jpeg"}, testPhoto(t, 0, j, false)); st != 200 {
						t.Fatalf("upload = %d %s", st, b)
					}
				}
				ids = append(ids, id)
			}
			// Different but overlapping periods, so the pass numbers differ and only the
			// duplicate rule can stop the second pass.
			bodies := []string{
				truckRequest(today.AddDays(1).String(), today.AddDays(3).String()),
				truckRequest(today.AddDays(2).String(), today.AddDays(4).String()),
			}
			results := make([]caseJSON, 2)
			errs := make([]error, 2)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					results[i], errs[i] = submitRaw(e.url, tok, ids[i], bodies[i])
				}()
			}
			close(start)
			wg.Wait()
			issued := 0
			for i, r := range results {
				if errs[i] != nil {
					t.Fatalf("submit %d: %v", i, errs[i])
				}
				switch r.State {
				case "issued":
					issued++
				case "rejected":
					if !slices.ContainsFunc(r.Reasons, func(x struct{ Code string }) bool { return x.Code == "DUPLICATE_PASS" }) {
						t.Errorf("case %s rejected for %+v, want DUPLICATE_PASS", r.ID, r.Reasons)
					}
				case "escalated":
					evs, err := e.m.Kiosk.Cases.CaseEvents(context.Background(), r.ID)
					if err != nil {
						t.Fatal(err)
					}
					if last := evs[len(evs)-1]; last.From != kiosk.StateApproved || last.Reason != "DUPLICATE_PASS" {
						t.Errorf("case %s escalated by %+v, want approved→escalated for DUPLICATE_PASS", r.ID, last)
					}
				default:
					t.Errorf("case %s ended %s", r.ID, r.State)
				}
			}
			if issued != 1 {
				t.Fatalf("%d passes issued for one vehicle and zone, want 1: %+v", issued, results)
			}
		})
	}
}

// submitRaw submits a case from any goroutine (e.call may stop the test, which only the
// test's own goroutine may do).
func submitRaw(base, tok, id, body string) (caseJSON, error) {
	req, _ := http.NewRequest("POST", base+"/api/v1/mp/cases/"+id+"/submit", bytes.NewReader([]byte(body)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Idempotency-Key", "submit-"+id)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return caseJSON{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return caseJSON{}, fmt.Errorf("submit = %d %s", resp.StatusCode, b)
	}
	var c caseJSON
	if err := json.Unmarshal(b, &c); err != nil {
		return caseJSON{}, err
	}
	return c, nil
}

package main

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/xiaozhi-kiosk/xiaozhi/cardgen"
	"github.com/xiaozhi-kiosk/xiaozhi/ident"
	"github.com/xiaozhi-kiosk/xiaozhi/kiosk"
)

// percentile returns the p-th percentile (0–100) of sorted durations.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, int(float64(len(d))*p/100))]
}

// BenchmarkMPTruckPass measures the server time of a whole truck pass application with the
// real reader: a case, four phone photos (perspective, JPEG) through the upload gate and the
// OCR worker pool, and the submission. It reports p50 and p95 per application and how the
// applications were decided.
//
//	go test ./cmd/xiaozhi -run '^$' -bench MPTruckPass -benchtime 10x
func BenchmarkMPTruckPass(b *testing.B) {
	cfg := DefaultConfig()
	cfg.DatabaseURL = filepath.Join(b.TempDir(), "x.db")
	cfg.MPRateIP, cfg.MPRateDriver = 0, 0
	e := mustMPServerReal(b, cfg)
	fonts, err := cardgen.LoadFontSet("noto")
	if err != nil {
		b.Fatal(err)
	}
	var photos [][]byte
	for _, k := range cardgen.Kinds {
		p, err := demoPhoto(fonts, k, demoDrivers[0].seed)
		if err != nil {
			b.Fatal(err)
		}
		photos = append(photos, p)
	}
	tok := e.login(b, demoID(0))
	today := ident.Today(time.Now())
	outcomes := map[string]int{}
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		_, _, body := e.call(b, "POST", "", "/api/v1/mp/cases", tok, map[string]string{"Idempotency-Key": fmt.Sprintf("b%d-%d", i, time.Now().UnixNano())}, []byte(`{"matter":"TRUCK_CITY_PASS"}`))
		id := decode[caseJSON](b, body).ID
		for j, k := range cardgen.Kinds {
			if st, _, body := e.call(b, "PUT", "", "/api/v1/mp/cases/"+id+"/documents/"+string(k), tok, nil, photos[j]); st != 200 {
				b.Fatalf("upload %s = %d %s", k, st, body)
			}
		}
		// Each application asks for a later day, so that earlier passes are no duplicates.
		d := today.AddDays(i % 30).String()
		_, _, body = e.call(b, "POST", "", "/api/v1/mp/cases/"+id+"/submit", tok, map[string]string{"Idempotency-Key": "s" + id}, []byte(truckRequest(d, d)))
		times = append(times, time.Since(start))
		outcomes[decode[caseJSON](b, body).State]++
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(percentile(times, 50).Milliseconds()), "p50-ms")
	b.ReportMetric(float64(percentile(times, 95).Milliseconds()), "p95-ms")
	b.Logf("%d applications: %v", b.N, outcomes)
}

// mustMPServerReal is mustMPServer with the real OCR worker pool (two workers, one per core).
func mustMPServerReal(tb testing.TB, cfg Config) *mpEnv {
	tb.Helper()
	e := mustMPServer(tb, cfg.DatabaseURL, func(c *Config) { *c = cfg })
	e.m.Kiosk.Reader = e.m.OCR
	return e
}

// BenchmarkMPStatusLoad is the load test of the status endpoint: concurrent clients poll one
// case on a server on the loopback interface, a bounded number of requests in all. It reports
// throughput and latency percentiles.
//
//	go test ./cmd/xiaozhi -run '^$' -bench MPStatusLoad -benchtime 1x
func BenchmarkMPStatusLoad(b *testing.B) {
	const clients, total = 32, 30000
	e := mustMPServer(b, filepath.Join(b.TempDir(), "x.db"), func(c *Config) { c.MPRateIP, c.MPRateDriver = 0, 0 })
	tok := e.login(b, demoID(0))
	_, _, body := e.call(b, "POST", "", "/api/v1/mp/cases", tok, map[string]string{"Idempotency-Key": "load"}, []byte(`{"matter":"`+kiosk.MatterTruckPass+`"}`))
	url := e.url + "/api/v1/mp/cases/" + decode[caseJSON](b, body).ID
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()

	for i := 0; i < b.N; i++ {
		lat := make([][]time.Duration, clients)
		var wg sync.WaitGroup
		var failed sync.Map
		start := time.Now()
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				for n := 0; n < total/clients; n++ {
					t0 := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						failed.Store(err.Error(), true)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						failed.Store(resp.Status, true)
					}
					lat[c] = append(lat[c], time.Since(t0))
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		failed.Range(func(k, _ any) bool { b.Fatalf("request failed: %v", k); return false })
		var all []time.Duration
		for _, l := range lat {
			all = append(all, l...)
		}
		sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
		b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(percentile(all, 50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(percentile(all, 99).Microseconds())/1000, "p99-ms")
	}
}

package rules

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// approvedCase returns the facts of a matter's approved golden case.
func approvedCase(tb testing.TB, e *Engine, matter string) Facts {
	tb.Helper()
	c, err := e.readGolden("golden/" + matter + "/approved.json")
	if err != nil {
		tb.Fatal(err)
	}
	return c.Facts
}

func TestMatters(t *testing.T) {
	e := mustEngine(t)
	ms := e.Matters()
	if len(ms) != 13 {
		t.Fatalf("%d matters, want 13", len(ms))
	}
	for _, m := range ms {
		if m.Title == "" || m.Basis == "" || len(m.Channels) == 0 || len(m.Documents) == 0 {
			t.Errorf("incomplete %+v", m)
		}
	}
	truck, ok := e.Matter("TRUCK_CITY_PASS")
	want := MatterInfo{Code: "TRUCK_CITY_PASS", Title: "货车市区通行证", Channels: []string{"mini_program", "kiosk"},
		Documents: []string{"id_card_front", "id_card_back", "driving_licence", "vehicle_licence"}, Basis: "《道路交通安全法》第39条；市货车限行通告"}
	if diff := cmp.Diff(want, truck); !ok || diff != "" {
		t.Errorf("Matter(TRUCK_CITY_PASS) (-want +got):\n%s", diff)
	}
	lost, _ := e.Matter("DL_LOST_REISSUE")
	if lost.Title != "驾驶证遗失补领" || len(lost.Documents) != 2 || lost.Channels[0] != "kiosk" {
		t.Errorf("extends did not inherit: %+v", lost)
	}
	if _, ok := e.Matter("NOPE"); ok {
		t.Error("Matter(NOPE) found")
	}
}

func TestDecideErrors(t *testing.T) {
	e := mustEngine(t)
	f := approvedCase(t, e, "DL_DAMAGED_REPLACE")
	f.Matter = "NOPE"
	if _, err := e.Decide(f); !errors.Is(err, ErrUnknownMatter) {
		t.Errorf("unknown matter: %v", err)
	}
	f.Matter, f.Now = "DL_DAMAGED_REPLACE", time.Time{}
	if _, err := e.Decide(f); err == nil {
		t.Error("no error without now")
	}
}

// TestDeterministicNumbers: the same facts give the same pass number, another applicant or
// instant a different one.
func TestDeterministicNumbers(t *testing.T) {
	e := mustEngine(t)
	f := approvedCase(t, e, "TRUCK_CITY_PASS")
	number := func(f Facts) string {
		t.Helper()
		d, err := e.Decide(f)
		if err != nil || d.Outcome != Approved {
			t.Fatalf("%v %+v", err, d)
		}
		return d.Issue["pass_number"].(string)
	}
	first := number(f)
	if again := number(f); again != first {
		t.Errorf("same facts, numbers %s and %s", first, again)
	}
	later := f
	later.Now = f.Now.Add(time.Second)
	if n := number(later); n == first {
		t.Errorf("a second later, same number %s", n)
	}
	other := f
	other.Request.ValidUntil = other.Request.ValidUntil.AddDays(-1)
	if n := number(other); n == first {
		t.Errorf("another request, same number %s", n)
	}
}

func TestLoadErrors(t *testing.T) {
	matter := func(checks string) string {
		return "matter: DL_DAMAGED_REPLACE\ntitle: t\nchannels: [kiosk]\nbasis: b\ndocuments: [id_card_front]\nchecks:\n" + checks
	}
	tests := []struct {
		name  string
		files fstest.MapFS
		want  []string
	}{
		{"unknown fact", fstest.MapFS{"m01_dl_damaged_replace.yaml": {Data: []byte(matter(
			"  - code: X\n    outcome: rejected\n    message: 消息\n    fails: registry.drivr.status == \"A\"\n"))}},
			[]string{"m01_dl_damaged_replace.yaml:10", "check X fails", "column 1", "undeclared reference to 'registry.drivr.status'"}},
		{"not a condition", fstest.MapFS{"m01_dl_damaged_replace.yaml": {Data: []byte(matter(
			"  - code: X\n    outcome: rejected\n    message: 消息\n    fails: registry.driver.status\n"))}},
			[]string{"check X fails: want a bool expression, got string"}},
		{"type error", fstest.MapFS{"m01_dl_damaged_replace.yaml": {Data: []byte(matter(
			"  - code: X\n    outcome: rejected\n    message: 消息\n    fails: registry.driver.valid_until < \"2026-01-01\"\n"))}},
			[]string{"check X fails", "no matching overload"}},
		{"bad outcome", fstest.MapFS{"m01_dl_damaged_replace.yaml": {Data: []byte(matter(
			"  - code: X\n    outcome: approved\n    message: 消息\n    fails: \"true\"\n"))}},
			[]string{`outcome must be rejected or escalated, got "approved"`}},
		{"unknown use", fstest.MapFS{"m01_dl_damaged_replace.yaml": {Data: []byte(matter("  - use: NOPE\n"))}},
			[]string{"use: NOPE is neither a check nor a group"}},
		{"twice", fstest.MapFS{"m01_dl_damaged_replace.yaml": {Data: []byte(matter("  - use: AGENT\n  - use: AGENT\n"))}},
			[]string{"check AGENT appears twice"}},
		{"unknown key", fstest.MapFS{"m01_dl_damaged_replace.yaml": {Data: []byte(matter("  - use: AGENT\n    falis: x\n"))}},
			[]string{"field falis not found"}},
		{"unknown parameter", fstest.MapFS{"params.yaml": {Data: []byte("TRUCK_CITY_PASS:\n  max_dayz: 10\n")}},
			[]string{"params.yaml TRUCK_CITY_PASS: unknown parameter max_dayz"}},
		{"parameter type", fstest.MapFS{"params.yaml": {Data: []byte("TRUCK_CITY_PASS:\n  max_days: ten\n")}},
			[]string{"parameter max_days: want int, got string"}},
		{"unknown matter in params", fstest.MapFS{"params.yaml": {Data: []byte("TRUCK_CITY_PAS:\n  max_days: 10\n")}},
			[]string{"unknown matter TRUCK_CITY_PAS"}},
		{"unknown covers", fstest.MapFS{"m01_dl_damaged_replace.yaml": {Data: []byte(matter(
			"  - code: X\n    outcome: rejected\n    message: 消息\n    fails: \"false\"\n    covers: [registry.driver.nope]\n"))}},
			[]string{`covers unknown fact "registry.driver.nope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(Builtin(), tt.files)
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestParamOverride: params.yaml changes a threshold for one matter; "common" for all that
// have it; an integer may stand for a decimal.
func TestParamOverride(t *testing.T) {
	e, err := Load(Builtin(), fstest.MapFS{"params.yaml": {Data: []byte(
		"common:\n  min_confidence: 1\nDL_DAMAGED_REPLACE:\n  max_reissues_12m: 5\n")}})
	if err != nil {
		t.Fatal(err)
	}
	f := approvedCase(t, e, "DL_DAMAGED_REPLACE")
	d, err := e.Decide(f)
	if err != nil {
		t.Fatal(err)
	}
	if d.Outcome != Escalated || d.Reasons[0].Code != "LOW_CONFIDENCE" {
		t.Errorf("min_confidence 1: %s %+v", d.Outcome, d.Reasons)
	}
}

func TestDecodeFactsRequestLenient(t *testing.T) {
	f, err := DecodeFacts(strings.NewReader(`{"matter":"HKMO_ENDORSE","now":"2026-11-23T10:15:00+08:00",
		"request":{"type":"G","trips":"two","date":"2026-13-01","time_from":"7:00","route_zones":["core"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	r := f.Request
	if r.Type != "G" || r.Trips != 0 || !r.Date.IsZero() || r.TimeFrom != "7:00" || len(r.RouteZones) != 1 {
		t.Errorf("request = %+v", r)
	}
	if _, err := DecodeFacts(strings.NewReader(`{"now":"2026-11-23T10:15:00+08:00","request":{"tpye":"G"}}`)); err == nil || !strings.Contains(err.Error(), "request.tpye") {
		t.Errorf("misspelt request key: %v", err)
	}
}

func TestValidClock(t *testing.T) {
	for s, want := range map[string]bool{"00:00": true, "07:30": true, "23:59": true, "24:00": true, "24:01": false, "7:30": false, "07:60": false, "0730": false, "": false} {
		if validClock(s) != want {
			t.Errorf("validClock(%q) = %v", s, !want)
		}
	}
}

// BenchmarkDecide measures one decision per matter on its approved golden case, the path
// that runs every check and computes the issue. Besides wall time it reports cpu-ns/op, the
// process's CPU time per decision, which a busy shared machine disturbs much less.
func BenchmarkDecide(b *testing.B) {
	e := mustEngine(b)
	for _, code := range e.codes {
		f := approvedCase(b, e, code)
		b.Run(code, func(b *testing.B) {
			b.ReportAllocs()
			start, ok := cpuTime()
			for b.Loop() {
				if _, err := e.Decide(f); err != nil {
					b.Fatal(err)
				}
			}
			if end, _ := cpuTime(); ok {
				b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// TestDecideConcurrent: decisions reuse their working memory (matter.scratch), so decisions
// running at once, and one after another on reused memory, must each give the decision the
// facts alone give. Run with -race.
func TestDecideConcurrent(t *testing.T) {
	e := mustEngine(t)
	cases, err := e.GoldenCases()
	if err != nil {
		t.Fatal(err)
	}
	var facts []Facts
	for _, c := range cases {
		if c.Params == nil { // cases with parameter overrides need another engine
			facts = append(facts, c.Facts)
		}
	}
	want := make([]string, len(facts))
	for i, f := range facts {
		want[i] = decisionJSON(t, e, f)
	}
	const workers = 4
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range facts {
				i := (k*7 + w*31) % len(facts) // each worker in its own order
				if got := decisionJSON(t, e, facts[i]); got != want[i] {
					t.Errorf("%s decided concurrently:\n%s\nalone:\n%s", facts[i].Matter, got, want[i])
				}
			}
		}()
	}
	wg.Wait()
}

func decisionJSON(t *testing.T, e *Engine, f Facts) string {
	d, err := e.Decide(f)
	if err != nil {
		t.Error(err)
		return ""
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Error(err)
	}
	return string(b)
}

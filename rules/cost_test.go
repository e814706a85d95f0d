package rules

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// programs lists every compiled expression of m.
func (m *matter) programs() map[string]*program {
	out := map[string]*program{}
	for _, c := range m.checks {
		out["check "+c.code+" fails"] = &c.fails
	}
	for n, l := range m.lets {
		out["let "+n] = &l.program
	}
	for _, f := range m.issue {
		if f.prg != nil {
			out["issue "+f.key] = f.prg
		}
	}
	for _, n := range m.notes {
		out["note "+n.code] = &n.when
	}
	return out
}

// meteredOnly loads the built-in rules with every expression metered, as all were before
// load-time estimates: the reference the unmetered evaluation must agree with.
func meteredOnly(tb testing.TB) *Engine {
	tb.Helper()
	e := mustEngine(tb)
	for _, m := range e.matters {
		for _, p := range m.programs() {
			p.fast = nil
		}
	}
	return e
}

// TestBuiltinUnmetered: every built-in expression is bounded at load time, so a decision on
// facts of ordinary size never pays for the runtime meter.
func TestBuiltinUnmetered(t *testing.T) {
	e := mustEngine(t)
	for _, code := range e.codes {
		for what, p := range e.matters[code].programs() {
			if p.fast == nil {
				t.Errorf("%s %s: estimated cost %d exceeds %d", code, what, p.bound, costLimit)
			}
		}
	}
}

// TestCostBoundHolds runs every expression of every matter with the runtime meter on every
// golden case, and requires the cost actually charged to stay within the load-time estimate:
// the estimate is what allows running without the meter.
func TestCostBoundHolds(t *testing.T) {
	e := mustEngine(t)
	cases, err := e.GoldenCases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		m := e.matters[c.Facts.Matter]
		a := newActivation(&c.Facts, m)
		a.metered = true
		for what, p := range m.programs() {
			_, det, _ := p.prg.Eval(a)
			if det == nil || det.ActualCost() == nil {
				t.Fatalf("%s %s: no cost tracked", c.Path, what)
			}
			if got := *det.ActualCost(); got > p.bound {
				t.Errorf("%s %s: cost %d, estimate %d", c.Path, what, got, p.bound)
			}
		}
	}
}

// TestUnmeteredAgrees decides every golden case, and variants with values larger than the
// estimates assume, with and without load-time bounds: the decisions must be the same.
func TestUnmeteredAgrees(t *testing.T) {
	e, ref := mustEngine(t), meteredOnly(t)
	cases, err := e.GoldenCases()
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("张", maxTextBytes) // 3 bytes a character: beyond the nominal size
	for _, c := range cases {
		if len(c.Params) > 0 {
			continue // decided by a reloaded engine
		}
		big := c.Facts
		if p := big.Registry.Person; p != nil {
			q := *p
			q.Name = long
			big.Registry.Person = &q
		}
		big.Request.RouteZones = make([]string, maxItems+1)
		for i, f := range []Facts{c.Facts, big} {
			want, err := ref.Decide(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Decide(f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (variant %d): unmetered decision differs (-metered +unmetered):\n%s", c.Path, i, diff)
			}
		}
	}
}

// TestOversizeSwitchesToMeter: a value beyond the nominal size makes the decision metered
// from then on, and the check that read it still gets its true result.
func TestOversizeSwitchesToMeter(t *testing.T) {
	e := mustEngine(t)
	f := approvedCase(t, e, "DL_DAMAGED_REPLACE")
	p := *f.Registry.Person
	p.Name = strings.Repeat("x", maxTextBytes+1)
	f.Registry.Person = &p
	m := e.matters[f.Matter]
	a := newActivation(&f, m)
	var name *check
	for _, c := range m.checks {
		if c.code == "NAME_MISMATCH" {
			name = c
		}
	}
	v, o := eval(a, name.fails)
	if !a.oversize || o.result != "" || v.Value() != true {
		t.Errorf("NAME_MISMATCH on a long name: oversize %v, value %v, outcome %+v", a.oversize, v, o)
	}
}

// TestTooCostlyRefused: an expression that exceeds the cost limit on any facts does not load.
func TestTooCostlyRefused(t *testing.T) {
	rule := "matter: DL_DAMAGED_REPLACE\ntitle: t\nchannels: [kiosk]\nbasis: b\ndocuments: [id_card_front]\nchecks:\n" +
		"  - code: X\n    outcome: rejected\n    message: 消息\n    fails: |\n" +
		"      [" + strings.TrimSuffix(strings.Repeat("1,", 400), ",") + "].map(a, [" +
		strings.TrimSuffix(strings.Repeat("1,", 400), ",") + "].map(b, a + b)).size() == 0\n"
	_, err := Load(Builtin(), fstest.MapFS{"m01_dl_damaged_replace.yaml": {Data: []byte(rule)}})
	if err == nil || !strings.Contains(err.Error(), "check X fails: too costly") {
		t.Errorf("loaded, or another error: %v", err)
	}
}

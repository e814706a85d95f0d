package rules

import (
	"path"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustEngine(tb testing.TB) *Engine {
	tb.Helper()
	e, err := Default()
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// TestGolden decides every built-in golden case and compares with what the spec requires.
func TestGolden(t *testing.T) {
	e := mustEngine(t)
	cases, err := e.GoldenCases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Path, func(t *testing.T) {
			d, err := e.DecideGolden(c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.Want, c.Match(Summarize(d))); diff != "" {
				t.Errorf("%s\n(-want +got):\n%s", c.Description, diff)
			}
			for _, s := range d.Trace {
				if s.Error != "" {
					t.Errorf("check %s failed on malformed data: %s", s.Check, s.Error)
				}
			}
			if d.Matter != path.Base(path.Dir(c.Path)) {
				t.Errorf("case of %s sits in %s", d.Matter, path.Dir(c.Path))
			}
		})
	}
}

// TestGoldenCoverage requires, for every matter, an approved case with its issue, and for
// every check as written (once for a shared or inherited check) a case in which it fails.
func TestGoldenCoverage(t *testing.T) {
	e := mustEngine(t)
	cases, err := e.GoldenCases()
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{} // origin file + code
	approved := map[string]bool{}
	for _, c := range cases {
		m := e.matters[c.Facts.Matter]
		for _, ch := range m.checks {
			if slices.Contains(c.Want.Failed, ch.code) {
				failed[ch.origin+" "+ch.code] = true
			}
		}
		if c.Want.Outcome == Approved && len(c.Want.Issue) > 0 {
			approved[c.Facts.Matter] = true
		}
	}
	for _, code := range e.codes {
		if !approved[code] {
			t.Errorf("%s: no approved golden case with an issue", code)
		}
		for _, c := range e.matters[code].checks {
			if !failed[c.origin+" "+c.code] {
				t.Errorf("%s: no golden case in which %s (%s) fails", code, c.code, c.origin)
			}
		}
	}
}

// TestReasonTexts requires every check to carry a Chinese message and a legal basis.
func TestReasonTexts(t *testing.T) {
	e := mustEngine(t)
	for _, code := range e.codes {
		for _, c := range e.matters[code].checks {
			if c.basis == "" || !slices.ContainsFunc([]rune(c.message), func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
				t.Errorf("%s %s: message %q, basis %q", code, c.code, c.message, c.basis)
			}
		}
	}
}

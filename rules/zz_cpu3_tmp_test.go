package rules

import (
	"testing"
	"time"
)

func TestPerCheck2(t *testing.T) {
	e := mustEngine(t)
	for _, code := range []string{"TEMP_ID_CARD", "TRUCK_CITY_PASS"} {
		f := approvedCase(t, e, code)
		m := e.matters[code]
		a := newActivation(&f, m)
		m.issueFor(a, &Decision{})
		for _, c := range m.checks {
			n := 20000
			start := time.Now()
			for i := 0; i < n; i++ {
				eval(a, c.fails)
			}
			t.Logf("%-22s %6.0f ns", c.code, float64(time.Since(start).Nanoseconds())/float64(n))
		}
		for _, is := range m.issue {
			if is.prg == nil {
				continue
			}
			start := time.Now()
			for i := 0; i < 20000; i++ {
				is.prg.prg.Eval(a)
			}
			t.Logf("issue %-16s %6.0f ns", is.key, float64(time.Since(start).Nanoseconds())/20000)
		}
	}
}

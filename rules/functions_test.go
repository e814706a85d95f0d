package rules

import (
	"testing"
	"testing/fstest"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// TestUnguardedArgument: rule functions run without cel-go's runtime argument guard, so an
// argument of the wrong type, possible only through dyn(), must still give an evaluation error
// that escalates the case, never a crash or a decision.
func TestUnguardedArgument(t *testing.T) {
	e, err := Load(Builtin(), fstest.MapFS{"m10_temp_id_card.yaml": {Data: []byte(
		"matter: TEMP_ID_CARD\ntitle: t\nchannels: [kiosk]\nbasis: b\ndocuments: [id_card_front]\nchecks:\n" +
			"  - code: X\n    outcome: rejected\n    message: 消息\n    fails: date(dyn(1)) < today || age(dyn(\"x\"), today) > 1\n")}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.Decide(approvedCase(t, mustEngine(t), "TEMP_ID_CARD"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Outcome != Escalated || len(d.Trace) != 1 || d.Trace[0].Result != Failed || d.Trace[0].Error == "" {
		t.Errorf("got %s %+v", d.Outcome, d.Trace)
	}
}

// TestAddPeriod: a period is a number as strconv.Itoa writes it and a unit d, m or y.
func TestAddPeriod(t *testing.T) {
	d := ident.Date{Year: 2026, Month: 1, Day: 31}
	for p, want := range map[string]ident.Date{
		"7d":  {Year: 2026, Month: 2, Day: 7},
		"1m":  {Year: 2026, Month: 2, Day: 28},
		"-1y": {Year: 2025, Month: 1, Day: 31},
		"0d":  d,
	} {
		if got, err := addPeriod(d, p); err != nil || got != want {
			t.Errorf("addPeriod(%s, %q) = %s, %v; want %s", d, p, got, err, want)
		}
	}
	for _, p := range []string{"", "d", "7", "7w", "07d", "+7d", "-0d", " 7d", "7 d", "0x7d", "1e2d", "99999999999999999999d"} {
		if got, err := addPeriod(d, p); err == nil {
			t.Errorf("addPeriod(%s, %q) = %s, want an error", d, p, got)
		}
	}
}

package rules

import (
	"testing"
	"testing/fstest"
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

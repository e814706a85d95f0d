package rules

import (
	"testing"

	"cel.dev/cel-go/cel"
)

func BenchmarkTrivialEval(b *testing.B) {
	e := mustEngine(b)
	f := approvedCase(b, e, "TEMP_ID_CARD")
	m := e.matters["TEMP_ID_CARD"]
	base, _ := baseEnv()
	ast, _ := base.Compile(`applicant.is_agent`)
	for _, tc := range []struct {
		name string
		opts []cel.ProgramOption
	}{
		{"plain", nil},
		{"optimize", []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}},
		{"optimize+cost", []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize), cel.CostLimit(costLimit)}},
	} {
		prg, _ := base.Program(ast, tc.opts...)
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				a := newActivation(&f, m)
				prg.Eval(a)
			}
		})
	}
}

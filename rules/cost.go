package rules

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"
)

// Rule files are data a bureau edits, so an expression must not be able to stall a kiosk: the
// runtime cost limit of CEL stops one that does too much work (a comprehension over a long
// list from the facts, nested comprehensions, a regular expression over a long text).
//
// Metering every evaluation costs about as much as the evaluation itself, and almost every rule
// expression is provably cheap. So each expression gets a load-time estimate of its worst-case
// cost (CEL's own cost model, the one the runtime meter charges by), assuming that every fact it
// reads is of a nominal size: a text of at most maxTextBytes bytes, a list or map of at most
// maxItems entries. When that estimate is within costLimit, the expression runs without the
// meter as long as every value the decision hands it is within those sizes; the activation
// checks each value once, when it first computes it. Then the meter could not have stopped it:
// its actual cost is at most the estimate. The first larger value switches the decision to
// metered evaluation, the one used before: the unmetered run is discarded (it was handed an
// error in place of the large value, so it stayed cheap) and the expression runs again with the
// meter. Expressions are pure, so running one again gives the same result. An expression whose
// estimate exceeds costLimit always runs metered, and one whose cost is certain to exceed it,
// whatever the facts, is refused when the rules load.
const (
	costLimit    = 100_000
	maxTextBytes = 1024 // a name, an address, a code: far longer than any real one
	maxItems     = 64   // flags, route zones, authorized drivers, UN classes, documents
)

// program is a compiled expression and the facts it reads.
type program struct {
	prg   cel.Program // with the runtime cost limit
	fast  cel.Program // without it; nil when the estimate exceeds costLimit
	bound uint64      // the estimated worst-case cost, for facts of the nominal sizes
	reads []string    // variables it reads, its lets' reads included
}

// errOversize stands for a value larger than the estimate assumed, in an unmetered run that
// will be discarded.
var errOversize = types.NewErr("value larger than the cost estimate assumes")

// eval runs p: unmetered when its estimate allows and no oversize value has been seen,
// otherwise with the runtime cost limit.
func (a *activation) eval(p *program) (ref.Val, error) {
	// Eval recovers from panics in the expression itself, so metered is restored without a
	// deferred closure, which would cost something on each of the ~30 runs of a decision.
	saved := a.metered
	if p.fast != nil && !a.oversize {
		a.metered = false
		v, _, err := p.fast.Eval(a.execFrame())
		if !a.oversize {
			a.metered = saved
			return v, err
		}
	}
	a.metered = true
	v, _, err := p.prg.Eval(a)
	a.metered = saved
	return v, err
}

// execFrame returns the decision's execution frame for unmetered runs. cel-go otherwise takes
// a frame from a pool and searches the activation for function bindings on every evaluation,
// some thirty times per decision; the frame holds nothing of one evaluation after it ends (a
// comprehension's scopes are child frames), so one serves them all. Metered runs keep their
// own frame: the cost tracker lives in it.
func (a *activation) execFrame() any {
	if a.frame == nil {
		f, err := interpreter.NewExecutionFrame(a)
		if err != nil {
			return a // cannot happen for an Activation; evaluate as before
		}
		a.frame = f
	}
	return a.frame
}

// within reports whether v is of a size the cost estimates assume. Texts are measured in bytes,
// which is never less than the code points CEL charges by.
func within(v ref.Val) bool {
	switch x := v.(type) {
	case types.String:
		return len(x) <= maxTextBytes
	case traits.Lister:
		n := int(x.Size().(types.Int))
		if n > maxItems {
			return false
		}
		for i := 0; i < n; i++ {
			if !within(x.Get(types.Int(i))) {
				return false
			}
		}
	case traits.Mapper:
		if int(x.Size().(types.Int)) > maxItems {
			return false
		}
		for it := x.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			if !within(k) || !within(x.Get(k)) {
				return false
			}
		}
	}
	return true
}

// estimator sizes what an expression reads for the load-time cost estimate: constants
// (parameters, required_documents) exactly, facts and lets at the nominal sizes, and the results
// of the rule functions that return a text.
type estimator struct {
	consts map[string]ref.Val
}

// EstimateSize implements cost.Estimator.
func (e estimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	path := n.Path()
	if len(path) == 0 {
		return nil
	}
	if c, ok := e.consts[path[0]]; ok {
		return constSize(c, path[1:])
	}
	switch n.Type().Kind() {
	case types.StringKind:
		s := cost.RangedSizeEstimate(0, maxTextBytes)
		return &s
	case types.ListKind, types.MapKind:
		s := cost.RangedSizeEstimate(0, maxItems)
		return &s
	}
	return nil
}

// EstimateCallCost implements cost.Estimator. It gives the length of the texts rule functions
// return; their cost is one unit, as the runtime meter charges them.
func (e estimator) EstimateCallCost(function, overloadID string, target *cost.AstNode, args []cost.AstNode) *cost.CallEstimate {
	var size cost.SizeEstimate
	switch overloadID {
	case "id_sex_string":
		size = cost.FixedSizeEstimate(1) // 男 or 女
	case "serial_string_timestamp_string":
		prefix := cost.EstimateSize(e, args[0])
		size = cost.RangedSizeEstimate(prefix.Min+20, cost.SafeAdd(prefix.Max, 20)) // prefix, YYYYMMDD, 12 hex digits
	default:
		return nil
	}
	return cost.NewCallEstimate(cost.FixedCostEstimate(1), &size)
}

// constSize is the exact size of the part of constant v that path names.
func constSize(v ref.Val, path []string) *cost.SizeEstimate {
	var vals []ref.Val
	collect(v, path, &vals)
	if len(vals) == 0 {
		return nil
	}
	lo, hi, sized := ^uint64(0), uint64(0), false
	for _, x := range vals {
		if s, ok := x.(traits.Sizer); ok {
			n := uint64(s.Size().(types.Int))
			if x, ok := x.(types.String); ok {
				n = uint64(utf8.RuneCountInString(string(x)))
			}
			lo, hi, sized = min(lo, n), max(hi, n), true
		}
	}
	if !sized {
		return nil
	}
	s := cost.RangedSizeEstimate(lo, hi)
	return &s
}

// collect gathers the parts of v that path names: @items are the elements of a list, @keys and
// @values those of a map.
func collect(v ref.Val, path []string, out *[]ref.Val) {
	if len(path) == 0 {
		*out = append(*out, v)
		return
	}
	switch x := v.(type) {
	case traits.Lister:
		if path[0] == "@items" {
			for i := 0; i < int(x.Size().(types.Int)); i++ {
				collect(x.Get(types.Int(i)), path[1:], out)
			}
		}
	case traits.Mapper:
		for it := x.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			switch path[0] {
			case "@keys":
				collect(k, path[1:], out)
			case "@values":
				collect(x.Get(k), path[1:], out)
			}
		}
	}
}

// errTooCostly reports an expression that exceeds the cost limit whatever the facts.
var errTooCostly = errors.New("too costly")

// budget estimates the worst-case cost of a checked expression for facts of the nominal sizes.
// The expression needs the runtime meter when the bound exceeds costLimit; an error refuses it.
func budget(env *cel.Env, ast *cel.Ast, consts map[string]ref.Val) (bound uint64, err error) {
	est, err := env.EstimateCost(ast, estimator{consts: consts})
	if err != nil {
		return ^uint64(0), nil // no estimate: the meter decides, as it always did
	}
	if est.Min > costLimit {
		return 0, fmt.Errorf("%w: it costs at least %d units, more than the limit of %d, on any facts; "+
			"simplify it (fewer or no nested comprehensions such as exists/all/map)", errTooCostly, est.Min, costLimit)
	}
	return est.Max, nil
}

package rules

import (
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// activation resolves variable names against one decision's facts. Values are computed on
// demand, since a check reads a handful of the ~300 names, and kept for the rest of the
// decision: the same date or let is read by several checks, and converting it again through
// reflection would cost more than the comparison that reads it.
//
// An activation and its slices are reused from one decision to the next (matter.scratch):
// allocating them, and the garbage they left, cost more than a tenth of a decision.
type activation struct {
	// facts is a copy of the facts decided: taking the address of Decide's argument instead
	// would move it to the heap on every decision.
	facts Facts
	f     *Facts // &facts
	m     *matter
	today ref.Val
	hash  string
	// vals holds the value of each of the matter's slots once computed (see matter.slots).
	vals []ref.Val
	// done holds the outcome of each of the matter's checks (see Engine.Decide).
	done []outcome
	// oversize is set once any value handed to an expression is larger than the load-time
	// cost estimate assumed (see cost.go); from then on every expression runs metered.
	oversize bool
	// metered is true while an expression runs with the runtime cost limit. Outside it, an
	// oversize value is withheld so that the unmetered run stays within its estimate.
	metered bool
	// frame is the execution frame unmetered runs share (see execFrame), nil until the first.
	frame *interpreter.ExecutionFrame
}

var _ interpreter.Activation = (*activation)(nil)

// newActivation returns an activation for deciding f with m, reused if one is free. The
// caller hands it back with release.
func newActivation(f *Facts, m *matter) *activation {
	a, _ := m.scratch.Get().(*activation)
	if a == nil {
		a = &activation{m: m, vals: make([]ref.Val, len(m.slotDefs)), done: make([]outcome, len(m.checks))}
		a.f = &a.facts
	}
	a.facts = *f
	a.today = types.Timestamp{Time: ident.Today(f.Now).Time()}
	return a
}

// release ends the decision: it returns the execution frame to cel-go's pool and the
// activation, emptied so that it keeps nothing of these facts alive, to the matter's.
func (a *activation) release() {
	if a.frame != nil {
		a.frame.Close()
		a.frame = nil
	}
	clear(a.vals)
	clear(a.done)
	a.facts, a.today, a.hash = Facts{}, nil, ""
	a.oversize, a.metered = false, false
	a.m.scratch.Put(a)
}

// ResolveName implements interpreter.Activation.
func (a *activation) ResolveName(name string) (any, bool) {
	var v ref.Val
	if i, ok := a.m.slotOf(name); ok {
		v = a.slot(i)
	} else if fv := facts.vars[name]; fv != nil {
		// Every name an expression reads has a slot; this serves a caller outside the
		// compiled programs, and checks the size like slot does.
		if v = fv.get(a); !within(v) {
			a.oversize = true
		}
	} else {
		return nil, false
	}
	if a.oversize && !a.metered {
		return errOversize, true
	}
	return v, true
}

// Parent implements interpreter.Activation.
func (a *activation) Parent() interpreter.Activation { return nil }

// slot returns the value of slot i, computing it on first use.
func (a *activation) slot(i int) ref.Val {
	if v := a.vals[i]; v != nil {
		return v
	}
	s := &a.m.slotDefs[i]
	var v ref.Val
	if s.let != nil {
		v = a.letValue(s.let)
	} else {
		v = s.v.get(a)
	}
	if !within(v) {
		a.oversize = true
	}
	a.vals[i] = v
	return v
}

// valueOf returns the value of facts variable v.
func (a *activation) valueOf(v *variable) ref.Val {
	if i, ok := a.m.slotOf(v.name); ok {
		return a.slot(i)
	}
	return v.get(a)
}

// letValue computes a let for this decision; slot keeps it.
func (a *activation) letValue(l *letDef) ref.Val {
	v, err := a.eval(&l.program)
	if err != nil || types.IsError(v) {
		return l.unknown // an error in a let is missing data for whoever reads it
	}
	return v
}

// The document maps are built as CEL values once per decision (slot keeps them); a Go map
// would be converted by reflection on every access.

func (a *activation) docFields() ref.Val {
	return a.docMap(func(d Document) ref.Val { return types.NewStringStringMap(celAdapt, d.Fields) })
}

func (a *activation) docConfidence() ref.Val {
	return a.docMap(func(d Document) ref.Val {
		m := make(map[ref.Val]ref.Val, len(d.Confidence))
		for k, v := range d.Confidence {
			m[types.String(k)] = types.Double(v)
		}
		return types.NewRefValMap(celAdapt, m)
	})
}

func (a *activation) docFlags() ref.Val {
	return a.docMap(func(d Document) ref.Val { return types.NewStringList(celAdapt, d.Flags) })
}

// docMap maps each document kind to conv of its document.
func (a *activation) docMap(conv func(Document) ref.Val) ref.Val {
	m := make(map[ref.Val]ref.Val, len(a.f.Documents))
	for k, d := range a.f.Documents {
		m[types.String(k)] = conv(d)
	}
	return types.NewRefValMap(celAdapt, m)
}

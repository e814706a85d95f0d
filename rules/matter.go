package rules

import (
	"slices"
	"sort"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// matter is one compiled rule set.
type matter struct {
	info         MatterInfo
	checks       []*check
	order        []int // evaluation order: checks that name a null case first
	lets         map[string]*letDef
	issue        []issueField
	notes        []note
	missing      string // the message of a check that failed for want of data
	issueMissing Reason
	// slots numbers every variable and let the matter's expressions read, so that a decision
	// keeps their values in a slice (activation.vals) instead of a map.
	slots    map[string]int
	slotDefs []slotDef
}

// slotDef is what a slot holds: a facts variable or a let.
type slotDef struct {
	v   *variable
	let *letDef
}

// assignSlots gives a slot to every name the matter's expressions read.
func (m *matter) assignSlots() {
	var names []string
	add := func(p program) { names = append(names, p.reads...) }
	for _, c := range m.checks {
		add(c.when)
		add(c.fails)
	}
	for _, f := range m.issue {
		if f.prg != nil {
			add(*f.prg)
		}
	}
	for _, n := range m.notes {
		add(n.when)
	}
	for _, l := range m.lets {
		add(l.program)
	}
	for _, n := range names {
		if v := facts.vars[n]; v != nil && facts.vars[v.absentOf] != nil {
			names = append(names, v.absentOf) // absent.X reads X's value
		}
	}
	sort.Strings(names)
	m.slots = map[string]int{}
	for _, n := range slices.Compact(names) {
		d := slotDef{let: m.lets[n]}
		if d.let == nil {
			d.v = facts.vars[n]
		}
		m.slots[n] = len(m.slotDefs)
		m.slotDefs = append(m.slotDefs, d)
	}
}

// check is one compiled check.
type check struct {
	origin  string // the rule file that defines it
	code    string
	outcome Outcome
	gate    bool
	message string
	basis   string
	when    program // zero when the check always applies
	fails   program
	// names are the facts whose null case this check reports (it reads absent.X, or lists X
	// under covers). When it fails, other checks that would read such a null fact skip.
	names []string
	// objects are the nullable objects it reads without naming their null case: when one is
	// null, the check is skipped (the matter's *_NOT_FOUND or DOC_MISSING reports it).
	objects []string
	// covered are the facts it reads that other checks name, with those checks' indexes.
	covered map[string][]int
}

type issueField struct {
	key   string
	fixed any
	prg   *program
}

type note struct {
	code string
	when program
}

// link works out, for every check, which null objects skip it and which other checks cover
// the facts it reads.
func (m *matter) link() error {
	namedBy := map[string][]int{}
	for i, c := range m.checks {
		for _, r := range append(slices.Clone(c.when.reads), c.fails.reads...) {
			if v := facts.vars[r]; v != nil && v.absentOf != "" && !slices.Contains(c.names, v.absentOf) {
				c.names = append(c.names, v.absentOf)
			}
		}
		for _, n := range c.names {
			namedBy[n] = append(namedBy[n], i)
		}
	}
	for i, c := range m.checks {
		objects := map[string]bool{}
		c.covered = map[string][]int{}
		for _, r := range append(slices.Clone(c.when.reads), c.fails.reads...) {
			v := facts.vars[r]
			if v == nil || v.absentOf != "" {
				continue
			}
			for _, o := range v.objects {
				if !slices.Contains(c.names, o) {
					objects[o] = true
				}
			}
			for _, j := range namedBy[r] {
				if j != i {
					c.covered[r] = append(c.covered[r], j)
				}
			}
		}
		for o := range objects {
			c.objects = append(c.objects, o)
		}
		sort.Strings(c.objects)
	}
	for i, c := range m.checks {
		if len(c.names) > 0 {
			m.order = append(m.order, i)
		}
	}
	for i, c := range m.checks {
		if len(c.names) == 0 {
			m.order = append(m.order, i)
		}
	}
	return nil
}

// outcome of one check in one decision.
type outcome struct {
	result  Result
	missing []string // facts that were absent, when the check failed for want of data
	err     string   // what was malformed, when evaluation failed
}

// run evaluates check i; done holds the results of the checks evaluated before it.
func (m *matter) run(a *activation, i int, done []outcome) outcome {
	c := m.checks[i]
	for _, o := range c.objects {
		if facts.objects[o](a.f) {
			return outcome{result: Skipped}
		}
	}
	for r, by := range c.covered {
		if _, absent := a.value(r).(*types.Unknown); !absent || c.handlesNullObject(a.f, r) {
			continue
		}
		for _, j := range by {
			if done[j].result == Failed {
				return outcome{result: Skipped}
			}
		}
	}
	if c.when.prg != nil {
		v, o := eval(a, c.when)
		if o.result != "" {
			return o
		}
		if v == types.False {
			return outcome{result: Skipped}
		}
	}
	v, o := eval(a, c.fails)
	switch {
	case o.result != "":
		return o
	case v == types.True:
		return outcome{result: Failed}
	}
	return outcome{result: Passed}
}

// handlesNullObject reports whether fact r is absent because an object that c itself tests
// with absent.* is null: then c's own expression deals with it.
func (c *check) handlesNullObject(f *Facts, r string) bool {
	for _, o := range facts.vars[r].objects {
		if slices.Contains(c.names, o) && facts.objects[o](f) {
			return true
		}
	}
	return false
}

// eval runs a boolean program. An unknown or error result is a failure for want of data,
// returned in o; otherwise o is zero and v is the value.
func eval(a *activation, p program) (v ref.Val, o outcome) {
	v, err := a.eval(&p)
	if err != nil {
		return nil, outcome{result: Failed, err: err.Error()}
	}
	if u, ok := v.(*types.Unknown); ok {
		return nil, outcome{result: Failed, missing: unknownNames(u)}
	}
	if types.IsError(v) {
		return nil, outcome{result: Failed, err: v.(*types.Err).Error()}
	}
	return v, outcome{}
}

// unknownNames lists the facts or lets whose absence made a value unknown.
func unknownNames(u *types.Unknown) []string {
	var out []string
	for _, id := range u.IDs() {
		trails, _ := u.GetAttributeTrails(id)
		for _, t := range trails {
			if n := t.Variable(); n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

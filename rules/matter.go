package rules

import (
	"slices"
	"sort"
	"sync"

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
	index    *slotIndex // slots as a collision-free table, for the lookups of each read
	// scratch keeps the activations of finished decisions for the next ones.
	scratch sync.Pool
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
	m.index = newSlotIndex(m.slots)
}

// check is one compiled check.
type check struct {
	origin  string // the rule file that defines it
	code    string
	outcome Outcome
	gate    bool
	message string
	basis   string
	// fails is the check's fails condition; for a check with a when condition, it is
	// "when ? optional.of(fails) : optional.none()", none meaning skipped, so that one
	// evaluation decides the check: each evaluation has a fixed cost in cel-go.
	fails program
	// names are the facts whose null case this check reports (it reads absent.X, or lists X
	// under covers). When it fails, other checks that would read such a null fact skip.
	names []string
	// objects are the nullable objects it reads without naming their null case: when one is
	// null, the check is skipped (the matter's *_NOT_FOUND or DOC_MISSING reports it).
	objects []string
	// covered are the facts it reads that other checks name, with those checks' indexes.
	covered map[string][]int
	// isNull and coverage are objects and covered as run uses them, resolved once at load
	// (bind): run would otherwise look every name up in maps for every check of every decision.
	isNull   []func(*Facts) bool
	coverage []coverage
}

// coverage is a fact a check reads that other checks name: when it is absent and one of those
// checks failed, the check skips.
type coverage struct {
	name string
	slot int   // the fact's slot in the matter
	by   []int // the checks that name it
}

// bind resolves, for every check, its objects and covered facts to null tests and slots.
func (m *matter) bind() {
	for _, c := range m.checks {
		for _, o := range c.objects {
			c.isNull = append(c.isNull, facts.objects[o])
		}
		for r, by := range c.covered {
			c.coverage = append(c.coverage, coverage{name: r, slot: m.slots[r], by: by})
		}
		sort.Slice(c.coverage, func(i, j int) bool { return c.coverage[i].name < c.coverage[j].name })
	}
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
		for _, r := range c.fails.reads {
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
		for _, r := range c.fails.reads {
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
	for _, isNull := range c.isNull {
		if isNull(a.f) {
			return outcome{result: Skipped}
		}
	}
	for _, cv := range c.coverage {
		if _, absent := a.slot(cv.slot).(*types.Unknown); !absent || c.handlesNullObject(a.f, cv.name) {
			continue
		}
		for _, j := range cv.by {
			if done[j].result == Failed {
				return outcome{result: Skipped}
			}
		}
	}
	v, o := eval(a, c.fails)
	if o.result != "" {
		return o
	}
	if opt, ok := v.(*types.Optional); ok {
		if !opt.HasValue() {
			return outcome{result: Skipped} // its when condition is false
		}
		v = opt.GetValue()
	}
	if v == types.True {
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

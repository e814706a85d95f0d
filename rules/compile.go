package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"gopkg.in/yaml.v3"
)

// baseEnv declares the facts schema and the shared functions.
func baseEnv() (*cel.Env, error) {
	opts := append(facts.declarations(), functions()...)
	opts = append(opts, scanFunctions()...)
	opts = append(opts, cel.OptionalTypes())
	return cel.NewEnv(opts...)
}

// compiler compiles the expressions of one matter.
type compiler struct {
	env    *cel.Env
	file   string
	lets   map[string]*letDef
	order  []string
	consts map[string]ref.Val // parameters and required_documents, for cost estimates
}

// letDef is a let definition: computed on first use in a decision.
type letDef struct {
	program
	unknown *types.Unknown
}

var validKinds = []string{"id_card_front", "id_card_back", "driving_licence", "vehicle_licence"}

var validChannels = []string{"kiosk", "mini_program"}

// compileMatter type-checks and compiles one matter.
func compileMatter(base *cel.Env, src *source, spec *fileSpec) (*matter, error) {
	for _, d := range spec.Documents {
		if !slices.Contains(validKinds, d) {
			return nil, fmt.Errorf("%s: unknown document kind %q", spec.name, d)
		}
	}
	for _, c := range spec.Channels {
		if !slices.Contains(validChannels, c) {
			return nil, fmt.Errorf("%s: unknown channel %q", spec.name, c)
		}
	}
	params, err := matterParams(src, spec)
	if err != nil {
		return nil, err
	}
	required := constStrings(spec.Documents)
	opts := []cel.EnvOption{cel.Constant("required_documents", cel.ListType(cel.StringType), required)}
	consts := map[string]ref.Val{"required_documents": required}
	for name, p := range params {
		opts = append(opts, cel.Constant("params."+name, p.typ, p.val))
		consts["params."+name] = p.val
	}
	env, err := base.Extend(opts...)
	if err != nil {
		return nil, err
	}
	c := &compiler{env: env, lets: map[string]*letDef{}, consts: consts}
	for _, group := range []struct {
		file string
		lets lets
	}{{commonFile, src.common.Let}, {spec.name, spec.Let}} {
		c.file = group.file
		for _, l := range group.lets {
			if err := c.addLet(l); err != nil {
				return nil, err
			}
		}
	}
	c.file = spec.name
	m := &matter{
		info:    MatterInfo{Code: spec.Matter, Title: spec.Title, Channels: spec.Channels, Documents: spec.Documents, Basis: spec.Basis},
		lets:    c.lets,
		missing: src.common.Messages["missing_data"],
	}
	m.issueMissing = Reason{Code: "ISSUE_DATA_MISSING", Outcome: Escalated, Message: src.common.Messages["issue_data_missing"], Basis: spec.Basis}
	checks, err := expandChecks(src.common, spec)
	if err != nil {
		return nil, err
	}
	for _, cs := range checks {
		c.file = cs.origin // errors name the file that defines the check, even an inherited one
		ch, err := c.check(cs, spec.Basis)
		if err != nil {
			return nil, err
		}
		m.checks = append(m.checks, ch)
	}
	c.file = spec.name
	if err := m.link(); err != nil {
		return nil, fmt.Errorf("%s: %w", spec.name, err)
	}
	if m.issue, err = c.issue(spec.Issue); err != nil {
		return nil, err
	}
	for _, n := range spec.Notes {
		p, err := c.compile(n.When, "note "+n.Code, cel.BoolType)
		if err != nil {
			return nil, err
		}
		m.notes = append(m.notes, note{code: n.Code, when: p})
	}
	m.assignSlots()
	m.bind()
	return m, nil
}

// constStrings makes a constant list of strings whose elements are CEL values already. A list
// over a Go []string (types.NewStringList) converts an element on every read, one allocation
// each, and the identity gate reads every required document kind three times per decision.
func constStrings(ss []string) ref.Val {
	vals := make([]ref.Val, len(ss))
	for i, s := range ss {
		vals[i] = types.String(s)
	}
	return types.NewRefValList(celAdapt, vals)
}

// expandChecks replaces "use:" entries with the checks or groups of common.yaml.
func expandChecks(common, spec *fileSpec) ([]checkSpec, error) {
	library := map[string]checkSpec{}
	for _, c := range common.Checks {
		library[c.Code] = c
	}
	var out []checkSpec
	for _, c := range spec.Checks {
		switch {
		case c.Use == "":
			out = append(out, c)
		case common.Groups[c.Use] != nil:
			for _, code := range common.Groups[c.Use] {
				lc, ok := library[code]
				if !ok {
					return nil, fmt.Errorf("%s: group %s names unknown check %s", commonFile, c.Use, code)
				}
				out = append(out, lc)
			}
		default:
			lc, ok := library[c.Use]
			if !ok {
				return nil, fmt.Errorf("%s: use: %s is neither a check nor a group of %s", spec.name, c.Use, commonFile)
			}
			out = append(out, lc)
		}
	}
	seen := map[string]bool{}
	for _, c := range out {
		if seen[c.Code] {
			return nil, fmt.Errorf("%s: check %s appears twice", spec.name, c.Code)
		}
		seen[c.Code] = true
	}
	return out, nil
}

func (c *compiler) addLet(l letSpec) error {
	if l.Name == "" || strings.ContainsAny(l.Name, ". ") || facts.vars[l.Name] != nil || c.lets[l.Name] != nil {
		return fmt.Errorf("%s:%d: let %q: a let needs a new name without dots", c.file, l.Expr.Line, l.Name)
	}
	p, err := c.compile(l.Expr, "let "+l.Name, nil)
	if err != nil {
		return err
	}
	ast, _ := c.env.Compile(l.Expr.Src) // compiled above: cannot fail
	if c.env, err = c.env.Extend(cel.Variable(l.Name, ast.OutputType())); err != nil {
		return err
	}
	c.lets[l.Name] = &letDef{program: p, unknown: types.NewUnknown(0, types.NewAttributeTrail(l.Name))}
	c.order = append(c.order, l.Name)
	return nil
}

// compile type-checks e; want, when set, is the required result type. Errors name the file,
// the line, what the expression is for, and the column within it.
func (c *compiler) compile(e expr, what string, want *cel.Type) (program, error) {
	if strings.TrimSpace(e.Src) == "" {
		return program{}, fmt.Errorf("%s:%d: %s: expression is empty", c.file, e.Line, what)
	}
	ast, iss := c.env.CompileSource(common.NewStringSource(e.Src, what))
	if iss.Err() != nil {
		var msgs []string
		for _, er := range iss.Errors() {
			msgs = append(msgs, fmt.Sprintf("%s:%d: %s, column %d: %s", c.file, e.Line+er.Location.Line()-1, what, er.Location.Column()+1, er.Message))
		}
		return program{}, fmt.Errorf("%s\n%s", strings.Join(msgs, "\n"), indent(e.Src))
	}
	if want != nil && !ast.OutputType().IsExactType(want) {
		return program{}, fmt.Errorf("%s:%d: %s: want a %s expression, got %s", c.file, e.Line, what, want, ast.OutputType())
	}
	prg, err := c.env.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.CostLimit(costLimit))
	if err != nil {
		return program{}, fmt.Errorf("%s:%d: %s: %w", c.file, e.Line, what, err)
	}
	p := program{prg: prg}
	if p.bound, err = budget(c.env, ast, c.consts); err != nil {
		return program{}, fmt.Errorf("%s:%d: %s: %w\n%s", c.file, e.Line, what, err, indent(e.Src))
	}
	if p.bound <= costLimit {
		if p.fast, err = c.env.Program(ast, cel.EvalOptions(cel.OptOptimize)); err != nil {
			return program{}, fmt.Errorf("%s:%d: %s: %w", c.file, e.Line, what, err)
		}
	}
	reads := map[string]bool{}
	for _, r := range ast.NativeRep().ReferenceMap() {
		switch {
		case c.lets[r.Name] != nil:
			reads[r.Name] = true
			for _, n := range c.lets[r.Name].reads {
				reads[n] = true
			}
		case facts.vars[r.Name] != nil:
			reads[r.Name] = true
		}
	}
	for n := range reads {
		p.reads = append(p.reads, n)
	}
	sort.Strings(p.reads)
	return p, nil
}

func indent(s string) string {
	return "    | " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n    | ")
}

// check compiles one check.
func (c *compiler) check(cs checkSpec, basis string) (*check, error) {
	where := fmt.Sprintf("%s:%d: check %q", c.file, cs.Fails.Line, cs.Code)
	switch {
	case cs.Code == "":
		return nil, fmt.Errorf("%s: no code", where)
	case cs.Outcome != Rejected && cs.Outcome != Escalated:
		return nil, fmt.Errorf("%s: outcome must be rejected or escalated, got %q", where, cs.Outcome)
	case cs.Message == "":
		return nil, fmt.Errorf("%s: no message", where)
	}
	ch := &check{origin: cs.origin, code: cs.Code, outcome: cs.Outcome, gate: cs.Gate, message: cs.Message, basis: or(cs.Basis, basis)}
	var err error
	if ch.fails, err = c.compile(cs.Fails, "check "+cs.Code+" fails", cel.BoolType); err != nil {
		return nil, err
	}
	if cs.When.Src != "" {
		// Compiled alone first, so that an error names the when condition and its column.
		if _, err = c.compile(cs.When, "check "+cs.Code+" when", cel.BoolType); err != nil {
			return nil, err
		}
		both := expr{Src: "(\n" + cs.When.Src + "\n) ? optional.of(\n" + cs.Fails.Src + "\n) : optional.none()", Line: cs.When.Line}
		if ch.fails, err = c.compile(both, "check "+cs.Code, cel.OptionalType(cel.BoolType)); err != nil {
			return nil, err
		}
	}
	for _, p := range cs.Covers {
		if facts.vars[p] == nil || facts.vars[p].absentOf != "" {
			return nil, fmt.Errorf("%s: covers unknown fact %q", where, p)
		}
		ch.names = append(ch.names, p)
	}
	return ch, nil
}

// issue compiles the issue fields: "=expr" is an expression, anything else a fixed value.
func (c *compiler) issue(spec issueSpec) ([]issueField, error) {
	keys := make([]string, 0, len(spec))
	for k := range spec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []issueField
	for _, k := range keys {
		n := spec[k]
		if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && strings.HasPrefix(n.Value, "=") {
			p, err := c.compile(expr{Src: n.Value[1:], Line: n.Line}, "issue "+k, nil)
			if err != nil {
				return nil, err
			}
			out = append(out, issueField{key: k, prg: &p})
			continue
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s:%d: issue %s: %w", c.file, n.Line, k, err)
		}
		out = append(out, issueField{key: k, fixed: v})
	}
	return out, nil
}

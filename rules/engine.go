package rules

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

//go:embed ruleset
var builtin embed.FS

// Builtin returns the rule sets shipped with Xiaozhi: common.yaml, one YAML file per matter,
// and their golden cases under golden/<MATTER>/.
func Builtin() fs.FS {
	sub, err := fs.Sub(builtin, "ruleset")
	if err != nil {
		panic(err) // the embedded directory exists at build time
	}
	return sub
}

// ErrUnknownMatter is returned by Decide for a matter code no rule set defines.
var ErrUnknownMatter = errors.New("unknown matter")

// Engine decides cases with compiled rule sets. It is immutable after Load and safe for
// concurrent use.
type Engine struct {
	matters map[string]*matter
	codes   []string
	src     *source
	layers  []fs.FS
}

// Load reads, type-checks and compiles the rule sets of fsys. Each overlay (usually a
// bureau's override directory, os.DirFS(dir)) may replace whole files by name and set
// parameters in params.yaml. Errors name the file, the check and the position in the
// expression.
func Load(fsys fs.FS, overlays ...fs.FS) (*Engine, error) {
	src, err := readSource(append([]fs.FS{fsys}, overlays...))
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	base, err := baseEnv()
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	e := &Engine{matters: map[string]*matter{}, src: src, layers: append([]fs.FS{fsys}, overlays...)}
	codes := make([]string, 0, len(src.matters))
	for code := range src.matters {
		codes = append(codes, code)
	}
	sort.Strings(codes) // the first error reported does not depend on map order
	for _, code := range codes {
		spec, err := src.resolve(code, map[string]bool{})
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		m, err := compileMatter(base, src, spec)
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		e.matters[code] = m
	}
	e.codes = codes
	for section := range src.params {
		if section != "common" && src.matters[section] == nil {
			return nil, fmt.Errorf("rules: %s: unknown matter %s", paramsFile, section)
		}
	}
	return e, nil
}

// Default loads the built-in rule sets.
func Default() (*Engine, error) { return Load(Builtin()) }

// Matters describes every matter, sorted by code.
func (e *Engine) Matters() []MatterInfo {
	out := make([]MatterInfo, 0, len(e.codes))
	for _, c := range e.codes {
		out = append(out, e.matters[c].info)
	}
	return out
}

// Matter describes one matter; ok is false if no rule set defines code.
func (e *Engine) Matter(code string) (info MatterInfo, ok bool) {
	m := e.matters[code]
	if m == nil {
		return MatterInfo{}, false
	}
	return m.info, true
}

// Decide runs the rule set of f.Matter over f. It is pure: the same facts always give the
// same decision. It fails only for facts no rule set can read (an unknown matter, no time);
// missing or doubtful data yields an escalated decision, never an error.
func (e *Engine) Decide(f Facts) (Decision, error) {
	m := e.matters[f.Matter]
	if m == nil {
		return Decision{}, fmt.Errorf("rules: %w %q", ErrUnknownMatter, f.Matter)
	}
	if f.Now.IsZero() {
		return Decision{}, errors.New("rules: facts have no time (now)")
	}
	a := newActivation(&f, m)
	defer a.release()
	done := a.done
	for _, i := range m.order {
		done[i] = m.run(a, i, done)
	}
	d := Decision{Matter: f.Matter, Reasons: []Reason{}, Notes: []string{}, Trace: make([]Step, 0, len(m.checks))}
	gate, rejected, escalated := false, false, false
	for i, c := range m.checks {
		o := done[i]
		d.Trace = append(d.Trace, Step{Check: c.code, Result: o.result, Missing: o.missing, Error: o.err})
		if o.result != Failed {
			continue
		}
		r := Reason{Code: c.code, Outcome: c.outcome, Message: c.message, Basis: c.basis}
		if o.missing != nil || o.err != "" {
			r.Outcome, r.Message = Escalated, m.missing
		}
		d.Reasons = append(d.Reasons, r)
		gate = gate || c.gate
		rejected = rejected || r.Outcome == Rejected
		escalated = escalated || r.Outcome == Escalated
	}
	switch {
	case gate || !rejected && escalated:
		d.Outcome = Escalated
	case rejected:
		d.Outcome = Rejected
	default:
		d.Outcome = Approved
		if err := m.issueFor(a, &d); err != nil {
			d.Outcome, d.Issue, d.Notes = Escalated, nil, []string{}
			d.Reasons = append(d.Reasons, m.issueMissing)
		}
	}
	return d, nil
}

// errIssueData marks an issue that needs a value the facts do not have.
var errIssueData = errors.New("issue data missing")

// issueFor fills the issue and its notes of an approved decision.
func (m *matter) issueFor(a *activation, d *Decision) error {
	d.Issue = map[string]any{}
	for _, f := range m.issue {
		if f.prg == nil {
			d.Issue[f.key] = f.fixed
			continue
		}
		v, err := a.eval(f.prg)
		if err != nil {
			return errIssueData
		}
		out, ok := native(v)
		if !ok {
			return errIssueData
		}
		d.Issue[f.key] = out
	}
	for _, n := range m.notes {
		v, o := eval(a, n.when)
		if o.result != "" {
			return errIssueData
		}
		if v == types.True {
			d.Notes = append(d.Notes, n.code)
		}
	}
	return nil
}

// native converts an issue value for JSON: dates become YYYY-MM-DD, optional.none() null.
// ok is false for an unknown or an error.
func native(v ref.Val) (any, bool) {
	switch x := v.(type) {
	case *types.Optional:
		if !x.HasValue() {
			return nil, true
		}
		return native(x.GetValue())
	case types.Timestamp:
		var buf [10]byte
		return string(appendDate(buf[:0], ident.DateOf(x.Time.UTC()))), true
	case types.String:
		return string(x), true
	case types.Int:
		return int64(x), true
	case types.Bool:
		return bool(x), true
	case *types.Unknown, *types.Err:
		return nil, false
	}
	l, err := v.ConvertToNative(reflectStrings)
	if err != nil {
		return nil, false
	}
	return l, true
}

package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing/fstest"
)

// A golden case is a worked example kept beside the rule sets, in
// golden/<MATTER>/<name>.json:
//
//	{"description": "…", "base": "base.json", "patch": {…}, "params": {…}, "want": {…}}
//
// The facts are base.json of the same directory with patch applied as a JSON merge patch
// (RFC 7386: objects merge, null deletes, which for the rules is the same as null). "want" is
// an Expectation; an issue value written "~REGEXP" matches any string the regular expression
// matches in full (issued numbers are derived from a hash of the facts, and the spec fixes only
// that they are unique). "params", optional, sets parameters of the matter for this case only, to
// show what a bureau's setting changes. Files whose name starts with "base" are bases, not
// cases.

// GoldenCase is one worked example: facts and the decision the spec requires for them.
type GoldenCase struct {
	Path        string // golden/<MATTER>/<name>.json
	Description string
	Facts       Facts
	Params      map[string]any // parameter overrides for this case, or nil
	Want        Expectation
}

// Expectation is a decision without its texts: messages and legal bases live in the rule
// files, so a golden case states what the spec decides. Checks not listed under Failed or
// Skipped must have passed.
type Expectation struct {
	Outcome Outcome             `json:"outcome"`
	Reasons []ReasonCode        `json:"reasons"`
	Notes   []string            `json:"notes"`
	Issue   map[string]any      `json:"issue"`
	Failed  []string            `json:"failed"`
	Skipped []string            `json:"skipped"`
	Missing map[string][]string `json:"missing,omitempty"` // check → facts absent
}

// ReasonCode is a reason without its texts.
type ReasonCode struct {
	Code    string  `json:"code"`
	Outcome Outcome `json:"outcome"`
}

// Summarize reduces a decision to an Expectation, with the issue as JSON would decode it.
func Summarize(d Decision) Expectation {
	x := Expectation{Outcome: d.Outcome, Reasons: []ReasonCode{}, Notes: d.Notes, Failed: []string{}, Skipped: []string{}}
	for _, r := range d.Reasons {
		x.Reasons = append(x.Reasons, ReasonCode{Code: r.Code, Outcome: r.Outcome})
	}
	for _, s := range d.Trace {
		switch s.Result {
		case Failed:
			x.Failed = append(x.Failed, s.Check)
		case Skipped:
			x.Skipped = append(x.Skipped, s.Check)
		}
		if len(s.Missing) > 0 {
			if x.Missing == nil {
				x.Missing = map[string][]string{}
			}
			x.Missing[s.Check] = s.Missing
		}
	}
	if d.Issue != nil {
		b, _ := json.Marshal(d.Issue)
		_ = json.Unmarshal(b, &x.Issue) // round trip: integers become float64 like the golden's
	}
	if x.Notes == nil {
		x.Notes = []string{}
	}
	return x
}

// GoldenCases reads the golden cases of the rule directories the engine was loaded from; a
// case in an overlay replaces the case of the same path.
func (e *Engine) GoldenCases() ([]GoldenCase, error) {
	paths := make([]string, 0, len(e.src.golden))
	for p := range e.src.golden {
		if !strings.HasPrefix(path.Base(p), "base") {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	out := make([]GoldenCase, 0, len(paths))
	for _, p := range paths {
		c, err := e.readGolden(p)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (e *Engine) readGolden(p string) (GoldenCase, error) {
	var raw struct {
		Description string          `json:"description"`
		Base        string          `json:"base"`
		Patch       json.RawMessage `json:"patch"`
		Params      map[string]any  `json:"params"`
		Want        Expectation     `json:"want"`
	}
	if err := e.readJSON(p, &raw); err != nil {
		return GoldenCase{}, err
	}
	var facts any = map[string]any{}
	if raw.Base != "" {
		if err := e.readJSON(path.Join(path.Dir(p), raw.Base), &facts); err != nil {
			return GoldenCase{}, err
		}
	}
	if len(raw.Patch) > 0 {
		var patch any
		if err := json.Unmarshal(raw.Patch, &patch); err != nil {
			return GoldenCase{}, fmt.Errorf("%s: patch: %w", p, err)
		}
		facts = mergePatch(facts, patch)
	}
	b, _ := json.Marshal(facts)
	f, err := DecodeFacts(bytes.NewReader(b))
	if err != nil {
		return GoldenCase{}, fmt.Errorf("%s: facts: %w", p, err)
	}
	want := raw.Want
	for _, s := range []*[]string{&want.Notes, &want.Failed, &want.Skipped} {
		if *s == nil {
			*s = []string{}
		}
	}
	if want.Reasons == nil {
		want.Reasons = []ReasonCode{}
	}
	return GoldenCase{Path: p, Description: raw.Description, Facts: f, Params: raw.Params, Want: want}, nil
}

func (e *Engine) readJSON(p string, v any) error {
	layer := e.src.golden[p]
	if layer == nil {
		return fmt.Errorf("%s: no such golden file", p)
	}
	b, err := fs.ReadFile(layer, p)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", p, describe(err, b))
	}
	return nil
}

// mergePatch applies an RFC 7386 JSON merge patch.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	out := make(map[string]any, len(t))
	for k, v := range t {
		out[k] = v
	}
	for k, v := range p {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = mergePatch(out[k], v)
	}
	return out
}

// CheckGolden decides c and reports how the decision differs from the expectation: "" when it
// matches. Both sides are shown as JSON, line by line, for the operator.
func (e *Engine) CheckGolden(c GoldenCase) (string, error) {
	d, err := e.DecideGolden(c)
	if err != nil {
		return "", fmt.Errorf("%s: %w", c.Path, err)
	}
	got, _ := json.MarshalIndent(c.Match(Summarize(d)), "", "  ")
	want, _ := json.MarshalIndent(c.Want, "", "  ")
	if bytes.Equal(got, want) {
		return "", nil
	}
	return lineDiff(string(want), string(got)), nil
}

// Match returns got with each issue value that matches a "~REGEXP" of the expectation
// replaced by that pattern, so that a comparison with c.Want succeeds on it.
func (c GoldenCase) Match(got Expectation) Expectation {
	for k, w := range c.Want.Issue {
		pat, ok := w.(string)
		if !ok || !strings.HasPrefix(pat, "~") {
			continue
		}
		s, ok := got.Issue[k].(string)
		if re, err := regexp.Compile("^(?:" + pat[1:] + ")$"); ok && err == nil && re.MatchString(s) {
			got.Issue[k] = pat
		}
	}
	return got
}

// DecideGolden decides the facts of c, with c's parameter overrides when it has some.
func (e *Engine) DecideGolden(c GoldenCase) (Decision, error) {
	if len(c.Params) == 0 {
		return e.Decide(c.Facts)
	}
	b, err := json.Marshal(map[string]any{c.Facts.Matter: c.Params})
	if err != nil {
		return Decision{}, err
	}
	// JSON is YAML: the overrides become one more params.yaml layer.
	overlay := fstest.MapFS{paramsFile: {Data: b}}
	variant, err := Load(e.layers[0], append(e.layers[1:], overlay)...)
	if err != nil {
		return Decision{}, fmt.Errorf("%s: params: %w", c.Path, err)
	}
	return variant.Decide(c.Facts)
}

// lineDiff marks the lines only in want with "-" and only in got with "+". The texts are short
// and ordered alike, so a set comparison of lines reads well enough.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	count := map[string]int{}
	for _, l := range gl {
		count[l]++
	}
	var b strings.Builder
	for _, l := range wl {
		if count[l] > 0 {
			count[l]--
			continue
		}
		fmt.Fprintf(&b, "- %s\n", l)
	}
	count = map[string]int{}
	for _, l := range wl {
		count[l]++
	}
	for _, l := range gl {
		if count[l] > 0 {
			count[l]--
			continue
		}
		fmt.Fprintf(&b, "+ %s\n", l)
	}
	return b.String()
}

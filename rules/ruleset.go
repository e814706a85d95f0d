package rules

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// commonFile holds what every matter shares: parameter defaults, messages, let definitions,
// and the library of checks that matters pull in with "use:".
const commonFile = "common.yaml"

// paramsFile, in an override directory, sets parameter values: a "common" section for every
// matter and one section per matter code.
const paramsFile = "params.yaml"

// expr is a CEL expression with the line of the rule file it came from.
type expr struct {
	Src  string
	Line int
}

// UnmarshalYAML implements yaml.Unmarshaler, keeping the line for error messages.
func (e *expr) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want an expression, got a %s", n.Line, kindName(n.Kind))
	}
	e.Src, e.Line = n.Value, n.Line
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		e.Line++ // a block scalar starts on the next line
	}
	return nil
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "scalar"
}

// checkSpec is one check as written in YAML.
type checkSpec struct {
	Use     string   `yaml:"use"` // a check of common.yaml, or a group of them
	Code    string   `yaml:"code"`
	Outcome Outcome  `yaml:"outcome"`
	Gate    bool     `yaml:"gate"`
	When    expr     `yaml:"when"`
	Fails   expr     `yaml:"fails"`
	Covers  []string `yaml:"covers"`
	Message string   `yaml:"message"`
	Basis   string   `yaml:"basis"`
	origin  string   // the file that defines it
}

// noteSpec adds a note code to an issue when its expression holds.
type noteSpec struct {
	Code string `yaml:"code"`
	When expr   `yaml:"when"`
}

// letSpec is a named expression, in file order.
type letSpec struct {
	Name string
	Expr expr
}

type lets []letSpec

// UnmarshalYAML implements yaml.Unmarshaler, keeping the order of the mapping.
func (l *lets) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: let: want a mapping of names to expressions", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		var e expr
		if err := n.Content[i+1].Decode(&e); err != nil {
			return err
		}
		*l = append(*l, letSpec{Name: n.Content[i].Value, Expr: e})
	}
	return nil
}

// issueSpec maps issue keys to fixed values, or to CEL expressions written "=expr".
type issueSpec map[string]yaml.Node

// fileSpec is one rule file: common.yaml or a matter.
type fileSpec struct {
	name      string
	Matter    string               `yaml:"matter"`
	Extends   string               `yaml:"extends"`
	Title     string               `yaml:"title"`
	Channels  []string             `yaml:"channels"`
	Basis     string               `yaml:"basis"`
	Documents []string             `yaml:"documents"`
	Params    map[string]yaml.Node `yaml:"params"`
	Messages  map[string]string    `yaml:"messages"`
	Let       lets                 `yaml:"let"`
	Groups    map[string][]string  `yaml:"groups"`
	Checks    []checkSpec          `yaml:"checks"`
	Issue     issueSpec            `yaml:"issue"`
	Notes     []noteSpec           `yaml:"notes"`
}

// source is the merged view of a rule directory and its overlays.
type source struct {
	common  *fileSpec
	matters map[string]*fileSpec // by matter code
	params  map[string]map[string]yaml.Node
	golden  map[string]fs.FS // golden file path → layer that provides it
}

// readSource reads the YAML files of every layer; a file in a later layer replaces the file
// of the same name in an earlier one, and params.yaml files accumulate.
func readSource(layers []fs.FS) (*source, error) {
	files := map[string]fs.FS{}
	src := &source{matters: map[string]*fileSpec{}, params: map[string]map[string]yaml.Node{}, golden: map[string]fs.FS{}}
	for _, layer := range layers {
		names, err := fs.Glob(layer, "*.yaml")
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if n == paramsFile {
				if err := readParams(layer, src.params); err != nil {
					return nil, err
				}
				continue
			}
			files[n] = layer
		}
		err = fs.WalkDir(layer, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasPrefix(p, "golden/") && path.Ext(p) == ".json" {
				src.golden[p] = layer
			}
			if err != nil && p == "." {
				return err
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		spec, err := readFile(files[n], n)
		if err != nil {
			return nil, err
		}
		switch {
		case n == commonFile:
			src.common = spec
		case spec.Matter == "":
			return nil, fmt.Errorf("%s: no matter code", n)
		case src.matters[spec.Matter] != nil:
			return nil, fmt.Errorf("%s: matter %s is also defined in %s", n, spec.Matter, src.matters[spec.Matter].name)
		default:
			src.matters[spec.Matter] = spec
		}
	}
	if src.common == nil {
		return nil, fmt.Errorf("%s is missing", commonFile)
	}
	return src, nil
}

func readFile(fsys fs.FS, name string) (*fileSpec, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	spec := &fileSpec{name: name}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(spec); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i := range spec.Checks {
		spec.Checks[i].origin = name
	}
	return spec, nil
}

func readParams(fsys fs.FS, into map[string]map[string]yaml.Node) error {
	b, err := fs.ReadFile(fsys, paramsFile)
	if err != nil {
		return err
	}
	var p map[string]map[string]yaml.Node
	if err := yaml.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("%s: %w", paramsFile, err)
	}
	for section, values := range p {
		if into[section] == nil {
			into[section] = map[string]yaml.Node{}
		}
		for k, v := range values {
			into[section][k] = v
		}
	}
	return nil
}

// resolve returns a matter's spec with "extends" applied: the parent's fields fill what the
// child leaves empty, the child's checks follow the parent's, and issue and params merge with
// the child winning.
func (s *source) resolve(code string, seen map[string]bool) (*fileSpec, error) {
	m := s.matters[code]
	if m.Extends == "" {
		return m, nil
	}
	if seen[code] {
		return nil, fmt.Errorf("%s: extends forms a cycle", m.name)
	}
	seen[code] = true
	if s.matters[m.Extends] == nil {
		return nil, fmt.Errorf("%s: extends unknown matter %s", m.name, m.Extends)
	}
	parent, err := s.resolve(m.Extends, seen)
	if err != nil {
		return nil, err
	}
	out := *m
	out.Channels = or(m.Channels, parent.Channels)
	out.Documents = or(m.Documents, parent.Documents)
	out.Basis = or(m.Basis, parent.Basis)
	out.Let = append(append(lets{}, parent.Let...), m.Let...)
	out.Checks = append(append([]checkSpec{}, parent.Checks...), m.Checks...)
	out.Notes = append(append([]noteSpec{}, parent.Notes...), m.Notes...)
	out.Params = merged(parent.Params, m.Params)
	out.Issue = merged(parent.Issue, m.Issue)
	return &out, nil
}

func or[S ~[]string | string](a, b S) S {
	if len(a) > 0 {
		return a
	}
	return b
}

func merged[M ~map[string]yaml.Node](a, b M) M {
	out := M{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

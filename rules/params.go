package rules

import (
	"fmt"
	"sort"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"gopkg.in/yaml.v3"
)

// param is one parameter of a matter, a constant params.<name> in its expressions.
type param struct {
	typ *cel.Type
	val ref.Val
}

// matterParams merges defaults (common.yaml, then the matter file) with the overrides of
// params.yaml ("common" section, then the matter's). An override must name a known parameter
// and keep its type; an integer may stand for a decimal.
func matterParams(src *source, spec *fileSpec) (map[string]param, error) {
	out := map[string]param{}
	layers := []struct {
		name     string
		values   map[string]yaml.Node
		override bool
	}{
		{commonFile, src.common.Params, false},
		{spec.name, spec.Params, false},
		{paramsFile + " common", src.params["common"], true},
		{paramsFile + " " + spec.Matter, src.params[spec.Matter], true},
	}
	for _, l := range layers {
		keys := make([]string, 0, len(l.values))
		for k := range l.values {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			node := l.values[k]
			p, err := toParam(&node)
			if err != nil {
				return nil, fmt.Errorf("%s: parameter %s: %w", l.name, k, err)
			}
			old, known := out[k]
			switch {
			case l.override && !known:
				if l.name == paramsFile+" common" {
					continue // a common override applies only to matters that have the parameter
				}
				return nil, fmt.Errorf("%s: unknown parameter %s", l.name, k)
			case known && old.typ.String() == cel.DoubleType.String() && p.typ.String() == cel.IntType.String():
				p = param{typ: cel.DoubleType, val: types.Double(p.val.(types.Int))}
			case known && old.typ.String() != p.typ.String():
				return nil, fmt.Errorf("%s: parameter %s: want %s, got %s", l.name, k, old.typ, p.typ)
			}
			out[k] = p
		}
	}
	return out, nil
}

// toParam converts a YAML value into a typed CEL constant: strings, integers, decimals,
// booleans, lists and mappings of those, each list or mapping of one element type.
func toParam(n *yaml.Node) (param, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return param{}, err
	}
	t, err := celTypeOf(v)
	if err != nil {
		return param{}, fmt.Errorf("line %d: %w", n.Line, err)
	}
	return param{typ: t, val: celValue(v)}, nil
}

// celValue converts a decoded YAML value into CEL values all the way down; the adapter's
// reflection-backed maps and lists would convert again on every access.
func celValue(v any) ref.Val {
	switch x := v.(type) {
	case []any:
		out := make([]ref.Val, len(x))
		for i, e := range x {
			out[i] = celValue(e)
		}
		return types.NewRefValList(celAdapt, out)
	case map[string]any:
		out := make(map[ref.Val]ref.Val, len(x))
		for k, e := range x {
			out[types.String(k)] = celValue(e)
		}
		return types.NewRefValMap(celAdapt, out)
	}
	return celAdapt.NativeToValue(v)
}

func celTypeOf(v any) (*cel.Type, error) {
	switch x := v.(type) {
	case string:
		return cel.StringType, nil
	case int:
		return cel.IntType, nil
	case float64:
		return cel.DoubleType, nil
	case bool:
		return cel.BoolType, nil
	case []any:
		elem, err := commonType(x)
		if err != nil {
			return nil, err
		}
		return cel.ListType(elem), nil
	case map[string]any:
		vals := make([]any, 0, len(x))
		for _, e := range x {
			vals = append(vals, e)
		}
		elem, err := commonType(vals)
		if err != nil {
			return nil, err
		}
		return cel.MapType(cel.StringType, elem), nil
	}
	return nil, fmt.Errorf("unsupported value %v (%T)", v, v)
}

func commonType(vals []any) (*cel.Type, error) {
	if len(vals) == 0 {
		return cel.StringType, nil // an empty list of the only element type rules use
	}
	first, err := celTypeOf(vals[0])
	if err != nil {
		return nil, err
	}
	for _, e := range vals[1:] {
		t, err := celTypeOf(e)
		if err != nil {
			return nil, err
		}
		if t.String() != first.String() {
			return nil, fmt.Errorf("mixed element types %s and %s", first, t)
		}
	}
	return first, nil
}

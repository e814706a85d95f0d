package rules

import (
	"fmt"
	"reflect"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// The identity gate asks three questions of every required document: is it there, is every
// required field read with enough confidence, does its image carry a bad flag. Written as CEL
// comprehensions over document_fields, document_confidence and document_flags, they cost more
// than all the other checks of a decision together: the three maps of maps must be built as CEL
// values, and every step of a comprehension resolves names through two activations. The
// functions below answer each question in Go over the documents as the facts hold them, the
// variable scans; the rule files still say which documents, fields, flags and threshold apply.

// scansType is the CEL type of the variable scans: the documents read at the kiosk, opaque to
// expressions, which ask about them with missing_any, unsure_any and flagged_any.
var scansType = cel.OpaqueType("scans")

// scans is the value of the variable scans.
type scans struct{ docs map[string]Document }

// ConvertToNative implements ref.Val.
func (s *scans) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("scans cannot be converted to %v", t)
}

// ConvertToType implements ref.Val.
func (s *scans) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return scansType
	}
	return types.NewErr("scans cannot be converted to %v", t)
}

// Equal implements ref.Val: the scans of one decision equal only themselves.
func (s *scans) Equal(o ref.Val) ref.Val { return types.Bool(s == o) }

// Type implements ref.Val.
func (s *scans) Type() ref.Type { return scansType }

// Value implements ref.Val.
func (s *scans) Value() any { return s.docs }

// scanFunctions declares the questions the identity gate asks of the scans.
func scanFunctions() []cel.EnvOption {
	strList := cel.ListType(strT)
	return []cel.EnvOption{
		// scans.missing_any(kinds): some kind of kinds was not read at all.
		cel.Function("missing_any", unguarded, cel.MemberOverload("scans_missing_any_list", []*cel.Type{scansType, strList}, boolT,
			cel.BinaryBinding(func(s, kinds ref.Val) ref.Val {
				return anyKind(s, kinds, func(d Document, _ ref.Val) ref.Val { return types.False }, types.True)
			}))),
		// scans.unsure_any(kinds, fields, min): some read document of kinds has one of its
		// fields[kind] missing, empty or with a confidence below min (none counts as 0).
		cel.Function("unsure_any", unguarded, cel.MemberOverload("scans_unsure_any_list_map_double",
			[]*cel.Type{scansType, strList, cel.MapType(strT, strList), cel.DoubleType}, boolT,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				fields, min := args[2].(traits.Mapper), float64(args[3].(types.Double))
				return anyKind(args[0], args[1], func(d Document, kind ref.Val) ref.Val {
					keys, found := fields.Find(kind)
					if !found {
						return types.NewErr("no such key: %v", kind)
					}
					return types.Bool(unsureDoc(d, keys.(traits.Lister), min))
				}, types.False)
			}))),
		// scans.flagged_any(kinds, flags): some read document of kinds carries one of flags.
		cel.Function("flagged_any", unguarded, cel.MemberOverload("scans_flagged_any_list_list", []*cel.Type{scansType, strList, strList}, boolT,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				bad := args[2].(traits.Lister)
				return anyKind(args[0], args[1], func(d Document, _ ref.Val) ref.Val {
					for _, f := range d.Flags {
						if bad.Contains(types.String(f)) == types.True {
							return types.True
						}
					}
					return types.False
				}, types.False)
			}))),
	}
}

// anyKind is kinds.exists(k, …) over the scans: ask(document, kind) for each kind read, absent
// for each kind not read. As exists, it is true when any answer is true, else the first error,
// else false.
func anyKind(s, kinds ref.Val, ask func(Document, ref.Val) ref.Val, absent ref.Val) ref.Val {
	docs := s.(*scans).docs
	l := kinds.(traits.Lister)
	var err ref.Val
	for i, n := 0, int(l.Size().(types.Int)); i < n; i++ {
		k := l.Get(types.Int(i))
		r := absent
		if d, ok := docs[string(k.(types.String))]; ok {
			r = ask(d, k)
		}
		switch {
		case r == types.True:
			return types.True
		case types.IsError(r) && err == nil:
			err = r
		}
	}
	if err != nil {
		return err
	}
	return types.False
}

// unsureDoc reports whether any of keys is missing or empty in d's fields, or has a confidence
// below min (a missing confidence counts as 0). It is unsure_fields over the facts themselves.
func unsureDoc(d Document, keys traits.Lister, min float64) bool {
	for i, n := 0, int(keys.Size().(types.Int)); i < n; i++ {
		k := string(keys.Get(types.Int(i)).(types.String))
		if d.Fields[k] == "" {
			return true
		}
		c, ok := d.Confidence[k]
		if !ok || c < min {
			return true
		}
	}
	return false
}

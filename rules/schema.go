package rules

import (
	"reflect"
	"sort"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// absentPrefix names the companion variable that is true when a value or object is null,
// absent or empty: absent.registry.carrier, absent.request.valid_from. A check that reads an
// absent.* variable is the check that reports that value missing ("names the null case").
const absentPrefix = "absent."

// variable is one name a rule expression may use.
type variable struct {
	name     string
	typ      *cel.Type
	get      func(a *activation) ref.Val // a value, or the variable's unknown when absent
	unknown  *types.Unknown              // what get returns when the value is absent
	objects  []string                    // nullable objects the value lives in, outermost first
	absentOf string                      // for absent.X: X
}

// schema is the typed view of Facts that rule expressions are checked against.
type schema struct {
	vars    map[string]*variable
	objects map[string]func(f *Facts) bool // object path → is null
}

var (
	dateType  = reflect.TypeFor[ident.Date]()
	timeType  = reflect.TypeFor[time.Time]()
	intPtr    = reflect.TypeFor[*int]()
	longTerm  = ident.Date{Year: 9999, Month: time.December, Day: 31}
	facts     = newSchema()
	celAdapt  = types.DefaultTypeAdapter
	emptyList = types.NewStringList(celAdapt, nil)
)

// documentFields lists the typed view of document fields (CARDS.md §2). Dates are parsed as
// YYYY-MM-DD; "长期" on a validity end reads as 9999-12-31, a date that never passes.
var documentFields = map[string][]string{
	"id_card_front":   {"name", "sex", "ethnicity", "birth_date:date", "address", "id_number"},
	"id_card_back":    {"authority", "valid_from:date", "valid_until:until"},
	"driving_licence": {"licence_number", "name", "sex", "nationality", "address", "birth_date:date", "first_issue_date:date", "classes", "valid_from:date", "valid_until:until"},
	"vehicle_licence": {"plate_number", "vehicle_type", "owner", "address", "use_nature", "brand_model", "vin", "engine_number", "register_date:date", "issue_date:date"},
}

func newSchema() *schema {
	s := &schema{vars: map[string]*variable{}, objects: map[string]func(*Facts) bool{}}
	s.add(&variable{name: "today", typ: cel.TimestampType, get: func(a *activation) ref.Val { return a.today }})
	s.add(&variable{name: "facts_digest", typ: cel.StringType, get: func(a *activation) ref.Val { return types.String(a.digest()) }})
	s.add(&variable{name: "document_fields", typ: cel.MapType(cel.StringType, cel.MapType(cel.StringType, cel.StringType)), get: (*activation).docFields})
	s.add(&variable{name: "document_confidence", typ: cel.MapType(cel.StringType, cel.MapType(cel.StringType, cel.DoubleType)), get: (*activation).docConfidence})
	s.add(&variable{name: "scans", typ: scansType, get: func(a *activation) ref.Val { return &scans{docs: a.f.Documents} }})
	s.add(&variable{name: "document_flags", typ: cel.MapType(cel.StringType, cel.ListType(cel.StringType)), get: (*activation).docFlags})
	s.walk(reflect.TypeFor[Facts](), "", false)
	for kind, keys := range documentFields {
		s.addDocument(kind, keys)
	}
	return s
}

func (s *schema) add(v *variable) {
	if v.unknown == nil {
		v.unknown = types.NewUnknown(0, types.NewAttributeTrail(v.name))
	}
	s.vars[v.name] = v
}

// walk declares a variable for every leaf of t under path. Pointer-to-struct fields are
// nullable objects; tags mark the fields where null has a fixed meaning (rules:"optional").
// zeroed is true under such an optional object: when it is nil, its fields read as zero values.
func (s *schema) walk(t reflect.Type, path string, zeroed bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || name == "documents" {
			continue
		}
		p := strings.TrimPrefix(path+"."+name, ".")
		tag := f.Tag.Get("rules")
		ft := f.Type
		switch {
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
			if tag != "optional" {
				s.addObject(p)
			}
			s.walk(ft.Elem(), p, zeroed || tag == "optional")
		case ft.Kind() == reflect.Struct && ft != dateType && ft != timeType:
			s.walk(ft, p, zeroed)
		default:
			s.addLeaf(p, ft, tag, zeroed)
		}
	}
}

// addObject declares absent.<p> for a nullable object.
func (s *schema) addObject(p string) {
	isNull := objectNull[p]
	if isNull == nil {
		panic("rules: no accessor for facts object " + p + " (accessors.go)")
	}
	s.objects[p] = isNull
	s.add(&variable{name: absentPrefix + p, typ: cel.BoolType, absentOf: p,
		get: func(a *activation) ref.Val { return types.Bool(isNull(a.f)) }})
}

// addLeaf declares the value variable and its absent.* companion.
func (s *schema) addLeaf(p string, t reflect.Type, tag string, zeroed bool) {
	field := fieldAt[p]
	if field == nil {
		panic("rules: no accessor for facts field " + p + " (accessors.go)")
	}
	optional := tag == "optional"
	var typ *cel.Type
	var conv func(ptr any) (ref.Val, bool) // value, present; ptr points to the field
	switch {
	case t == dateType:
		typ, conv = cel.TimestampType, func(ptr any) (ref.Val, bool) {
			d := *ptr.(*ident.Date)
			return types.Timestamp{Time: d.Time()}, !d.IsZero()
		}
	case t == timeType:
		typ, conv = cel.TimestampType, func(ptr any) (ref.Val, bool) {
			tm := *ptr.(*time.Time)
			return types.Timestamp{Time: tm}, !tm.IsZero()
		}
	case t == intPtr:
		typ, conv = cel.IntType, func(ptr any) (ref.Val, bool) {
			n := *ptr.(**int)
			if n == nil {
				return types.Int(0), optional
			}
			return types.Int(*n), true
		}
	case t.Kind() == reflect.Int:
		typ, conv = cel.IntType, func(ptr any) (ref.Val, bool) { return types.Int(*ptr.(*int)), true }
	case t.Kind() == reflect.Bool:
		typ, conv = cel.BoolType, func(ptr any) (ref.Val, bool) { return types.Bool(*ptr.(*bool)), true }
	case t.Kind() == reflect.String && tag == "clock":
		typ, conv = cel.StringType, func(ptr any) (ref.Val, bool) {
			v := *ptr.(*string)
			return types.String(v), validClock(v)
		}
	case t.Kind() == reflect.String:
		typ, conv = cel.StringType, func(ptr any) (ref.Val, bool) {
			v := *ptr.(*string)
			return types.String(v), optional || v != ""
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		typ, conv = cel.ListType(cel.StringType), func(ptr any) (ref.Val, bool) {
			v := *ptr.(*[]string)
			if v == nil {
				return emptyList, optional
			}
			return types.NewStringList(celAdapt, v), true
		}
	default:
		panic("rules: no CEL type for facts field " + p + " of type " + t.String())
	}
	zero := reflect.New(t).Interface()
	leaf := &variable{name: p, typ: typ, objects: s.objectsOf(p)}
	leaf.get = func(a *activation) ref.Val {
		ptr := field(a.f)
		switch {
		case ptr != nil:
			if v, ok := conv(ptr); ok {
				return v
			}
		case zeroed:
			v, _ := conv(zero) // a nil optional object: its fields read as zero values
			return v
		}
		return leaf.unknown
	}
	s.add(leaf)
	s.add(&variable{name: absentPrefix + p, typ: cel.BoolType, absentOf: p, get: absentGet(leaf)})
}

// absentGet is the getter of absent.X for a leaf X: true when X reads as its unknown. It goes
// through the decision's value of X, so a check that reads both reflects over the facts once.
func absentGet(leaf *variable) func(a *activation) ref.Val {
	return func(a *activation) ref.Val {
		_, absent := a.valueOf(leaf).(*types.Unknown)
		return types.Bool(absent)
	}
}

// addDocument declares documents.<kind>.fields.<key> with absent.* companions, and the
// document itself as a nullable object.
func (s *schema) addDocument(kind string, keys []string) {
	obj := "documents." + kind
	isNull := func(f *Facts) bool { _, ok := f.Documents[kind]; return !ok }
	s.objects[obj] = isNull
	s.add(&variable{name: absentPrefix + obj, typ: cel.BoolType, absentOf: obj,
		get: func(a *activation) ref.Val { return types.Bool(isNull(a.f)) }})
	for _, k := range keys {
		key, form, _ := strings.Cut(k, ":")
		p := obj + ".fields." + key
		read := func(f *Facts) (ref.Val, bool) {
			raw := f.Documents[kind].Fields[key]
			switch {
			case raw == "":
				return nil, false
			case form == "until" && raw == "长期":
				return types.Timestamp{Time: longTerm.Time()}, true
			case form != "":
				d, err := ident.ParseDate(raw)
				return types.Timestamp{Time: d.Time()}, err == nil
			}
			return types.String(raw), true
		}
		typ := cel.StringType
		if form != "" {
			typ = cel.TimestampType
		}
		leaf := &variable{name: p, typ: typ, objects: []string{obj}}
		leaf.get = func(a *activation) ref.Val {
			if v, ok := read(a.f); ok {
				return v
			}
			return leaf.unknown
		}
		s.add(leaf)
		s.add(&variable{name: absentPrefix + p, typ: cel.BoolType, absentOf: p, get: absentGet(leaf)})
	}
}

// objectsOf lists the nullable objects declared so far that contain path p. Objects are
// declared before their fields, so the list is complete.
func (s *schema) objectsOf(p string) []string {
	var out []string
	for o := range s.objects {
		if strings.HasPrefix(p, o+".") {
			out = append(out, o)
		}
	}
	sort.Strings(out)
	return out
}

// validClock reports whether s is a time of day HH:MM between 00:00 and 24:00.
func validClock(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	h, m := (s[0]-'0')*10+s[1]-'0', (s[3]-'0')*10+s[4]-'0'
	return m < 60 && (h < 24 || h == 24 && m == 0)
}

// declarations returns the CEL declarations of every facts variable, sorted by name.
func (s *schema) declarations() []cel.EnvOption {
	names := make([]string, 0, len(s.vars))
	for n := range s.vars {
		names = append(names, n)
	}
	sort.Strings(names)
	opts := make([]cel.EnvOption, 0, len(names))
	for _, n := range names {
		opts = append(opts, cel.Variable(n, s.vars[n].typ))
	}
	return opts
}

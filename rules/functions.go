package rules

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/decls"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/xiaozhi-kiosk/xiaozhi/ident"
)

// Dates travel through CEL as timestamps at midnight UTC, so <, <=, == and != compare them
// as calendar dates. The functions below do calendar arithmetic with ident; none reads a
// clock: "today" is a variable derived from the facts' now.

var (
	tsT   = cel.TimestampType
	intT  = cel.IntType
	strT  = cel.StringType
	boolT = cel.BoolType

	reflectStrings = reflect.TypeFor[[]string]() // issue lists convert to this

	// unguarded drops cel-go's runtime check of every argument against the overload's
	// declared types, which costs more than most of the functions it guards. Expressions are
	// type-checked at load, so an argument is of the declared type unless written through
	// dyn(); then a function's type assertion panics, and cel-go turns the panic into an
	// evaluation error, which fails the check as escalated, as the guard's error did.
	unguarded = decls.DisableTypeGuards(true)
)

// functions is the library every rule set shares.
func functions() []cel.EnvOption {
	return []cel.EnvOption{
		cel.Function("date", unguarded, cel.Overload("date_string", []*cel.Type{strT}, tsT,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				d, err := ident.ParseDate(string(v.(types.String)))
				if err != nil {
					return types.NewErr("%v", err)
				}
				return ts(d)
			}))),
		cel.Function("shanghai_date", unguarded, cel.Overload("shanghai_date_timestamp", []*cel.Type{tsT}, tsT,
			cel.UnaryBinding(func(v ref.Val) ref.Val { return ts(ident.Today(v.(types.Timestamp).Time)) }))),
		dateArith("add_days", ident.Date.AddDays),
		dateArith("add_months", ident.Date.AddMonths),
		dateArith("add_years", ident.Date.AddYears),
		cel.Function("add_period", unguarded, cel.Overload("add_period_timestamp_string", []*cel.Type{tsT, strT}, tsT,
			cel.BinaryBinding(func(d, p ref.Val) ref.Val {
				out, err := addPeriod(date(d), string(p.(types.String)))
				if err != nil {
					return types.NewErr("%v", err)
				}
				return ts(out)
			}))),
		cel.Function("age", unguarded, cel.Overload("age_timestamp_timestamp", []*cel.Type{tsT, tsT}, intT,
			cel.BinaryBinding(func(birth, on ref.Val) ref.Val { return types.Int(ident.AgeOn(date(birth), date(on))) }))),
		cel.Function("earliest", unguarded, cel.Overload("earliest_list", []*cel.Type{cel.ListType(tsT)}, tsT,
			cel.UnaryBinding(earliest))),
		cel.Function("minutes", unguarded, cel.Overload("minutes_int", []*cel.Type{intT}, cel.DurationType,
			cel.UnaryBinding(func(n ref.Val) ref.Val { return types.Duration{Duration: time.Duration(n.(types.Int)) * time.Minute} }))),
		cel.Function("status_any", unguarded, cel.Overload("status_any_string_string", []*cel.Type{strT, strT}, boolT,
			cel.BinaryBinding(func(s, letters ref.Val) ref.Val {
				return types.Bool(strings.ContainsAny(string(s.(types.String)), string(letters.(types.String))))
			}))),
		cel.Function("only_letters", unguarded, cel.Overload("only_letters_string_string", []*cel.Type{strT, strT}, boolT,
			cel.BinaryBinding(func(s, letters ref.Val) ref.Val {
				str, set := string(s.(types.String)), string(letters.(types.String))
				return types.Bool(str != "" && strings.Trim(str, set) == "")
			}))),
		cel.Function("unsure_fields", unguarded, cel.Overload("unsure_fields_map_map_list_double",
			[]*cel.Type{cel.MapType(strT, strT), cel.MapType(strT, cel.DoubleType), cel.ListType(strT), cel.DoubleType}, boolT,
			cel.FunctionBinding(unsureFields))),
		cel.Function("starts_with_any", unguarded, cel.Overload("starts_with_any_string_list", []*cel.Type{strT, cel.ListType(strT)}, boolT,
			cel.BinaryBinding(startsWithAny))),
		cel.Function("classes_any", unguarded, cel.Overload("classes_any_string_list", []*cel.Type{strT, cel.ListType(strT)}, boolT,
			cel.BinaryBinding(classesAny))),
		cel.Function("emission_rank", unguarded, cel.Overload("emission_rank_string", []*cel.Type{strT}, intT,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				r, ok := emissionRanks[string(v.(types.String))]
				if !ok {
					return types.NewErr("unknown emission stage %q", string(v.(types.String)))
				}
				return types.Int(r)
			}))),
		cel.Function("id_number_valid", unguarded, cel.Overload("id_number_valid_string_timestamp", []*cel.Type{strT, tsT}, boolT,
			cel.BinaryBinding(func(s, today ref.Val) ref.Val {
				_, err := ident.ParseIDNumber(string(s.(types.String)), date(today))
				return types.Bool(err == nil)
			}))),
		cel.Function("id_birth", unguarded, cel.Overload("id_birth_string", []*cel.Type{strT}, tsT,
			cel.UnaryBinding(func(s ref.Val) ref.Val {
				n, err := ident.ParseIDNumber(string(s.(types.String)), ident.Date{Year: 9999, Month: 12, Day: 31})
				if err != nil {
					return types.NewErr("%v", err)
				}
				return ts(n.Birth)
			}))),
		cel.Function("id_sex", unguarded, cel.Overload("id_sex_string", []*cel.Type{strT}, strT,
			cel.UnaryBinding(func(s ref.Val) ref.Val {
				n, err := ident.ParseIDNumber(string(s.(types.String)), ident.Date{Year: 9999, Month: 12, Day: 31})
				if err != nil {
					return types.NewErr("%v", err)
				}
				return sexValue(n.Sex)
			}))),
		cel.Function("serial", unguarded, cel.Overload("serial_string_timestamp_string", []*cel.Type{strT, tsT, strT}, strT,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				return serial(string(args[0].(types.String)), date(args[1]), string(args[2].(types.String)))
			}))),
	}
}

// serial is prefix, the date as YYYYMMDD and the first 12 characters of digest in upper case:
// an issued number. It must keep giving the numbers it gave (TestIssuedNumbersPinned).
func serial(prefix string, d ident.Date, digest string) ref.Val {
	if !isASCII(digest) {
		digest = strings.ToUpper(digest) // may change lengths; the hex digests never go here
	}
	if len(digest) < 12 {
		return types.NewErr("serial: digest too short")
	}
	var buf [64]byte
	b := append(buf[:0], prefix...)
	if d.Year < 0 || d.Year > 9999 {
		b = fmt.Appendf(b, "%04d", d.Year)
	} else {
		b = append(b, byte('0'+d.Year/1000), byte('0'+d.Year/100%10), byte('0'+d.Year/10%10), byte('0'+d.Year%10))
	}
	b = append(b, byte('0'+d.Month/10), byte('0'+d.Month%10), byte('0'+d.Day/10), byte('0'+d.Day%10))
	for _, c := range []byte(digest[:12]) { // upper case byte by byte: ToUpper would copy all 64
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return types.String(b)
}

// isASCII reports whether s has only ASCII characters, whose upper case is one byte each.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// dateArith declares name(date, int) → date.
func dateArith(name string, f func(ident.Date, int) ident.Date) cel.EnvOption {
	return cel.Function(name, unguarded, cel.Overload(name+"_timestamp_int", []*cel.Type{tsT, intT}, tsT,
		cel.BinaryBinding(func(d, n ref.Val) ref.Val { return ts(f(date(d), int(n.(types.Int)))) })))
}

// addPeriod adds a period written "7d", "3m" or "1y".
func addPeriod(d ident.Date, p string) (ident.Date, error) {
	var unit byte
	if len(p) < 2 {
		return ident.Date{}, fmt.Errorf("period %q: want a number and d, m or y", p)
	}
	// Only a number as Itoa writes it: no sign "+", leading zeros or spaces. (fmt.Sscanf with
	// that check did the same, at ten times the cost, in PERMIT_TOO_SHORT.)
	n, err := strconv.Atoi(p[:len(p)-1])
	if err != nil || strconv.Itoa(n) != p[:len(p)-1] {
		return ident.Date{}, fmt.Errorf("period %q: want a number and d, m or y", p)
	}
	switch unit = p[len(p)-1]; unit {
	case 'd':
		return d.AddDays(n), nil
	case 'm':
		return d.AddMonths(n), nil
	case 'y':
		return d.AddYears(n), nil
	}
	return ident.Date{}, fmt.Errorf("period %q: want a number and d, m or y", p)
}

func earliest(v ref.Val) ref.Val {
	l := v.(interface {
		Size() ref.Val
		Get(ref.Val) ref.Val
	})
	n := int(l.Size().(types.Int))
	if n == 0 {
		return types.NewErr("earliest of an empty list")
	}
	// The earliest element itself is returned: a new CEL value of its time would be allocated.
	minVal := l.Get(types.Int(0))
	min := minVal.(types.Timestamp)
	for i := 1; i < n; i++ {
		if e := l.Get(types.Int(i)); e.(types.Timestamp).Before(min.Time) {
			minVal, min = e, e.(types.Timestamp)
		}
	}
	return minVal
}

// unsureFields(fields, confidence, keys, min) is true when any of keys is missing or empty in
// fields, or has a confidence below min (a missing confidence counts as 0). It is the inner
// loop of LOW_CONFIDENCE, written once in Go because a CEL comprehension indexing two maps per
// key costs more than all the other checks of a decision together.
func unsureFields(args ...ref.Val) ref.Val {
	fields, conf := args[0].(traits.Mapper), args[1].(traits.Mapper)
	keys, min := args[2].(traits.Lister), args[3].(types.Double)
	n := int(keys.Size().(types.Int))
	for i := 0; i < n; i++ {
		k := keys.Get(types.Int(i))
		v, ok := fields.Find(k)
		if !ok || v == types.String("") {
			return types.True
		}
		c, ok := conf.Find(k)
		if !ok {
			return types.True
		}
		if d, isDouble := c.(types.Double); !isDouble || d < min {
			return types.True
		}
	}
	return types.False
}

func classesAny(s, codes ref.Val) ref.Val {
	held, err := ident.ParseClasses(string(s.(types.String)))
	if err != nil {
		return types.NewErr("%v", err)
	}
	want := codes.(traits.Lister)
	for _, c := range held {
		if listHas(want, c) {
			return types.True
		}
	}
	return types.False
}

// listHas reports whether the list of strings l holds s. Unlike l.Contains it needs no CEL
// value of s, whose allocation would cost more than the comparisons.
func listHas(l traits.Lister, s string) bool {
	for i, n := 0, int(l.Size().(types.Int)); i < n; i++ {
		if e, ok := l.Get(types.Int(i)).(types.String); ok && string(e) == s {
			return true
		}
	}
	return false
}

// startsWithAny(s, prefixes) is true when s starts with one of prefixes. Rules use it on codes
// (vehicle types) where a regular expression was only a list of prefixes: it reads as that
// list, and costs far less than matches(), which runs the expression and allocates twice.
func startsWithAny(s, prefixes ref.Val) ref.Val {
	str := string(s.(types.String))
	l := prefixes.(traits.Lister)
	for i, n := 0, int(l.Size().(types.Int)); i < n; i++ {
		if strings.HasPrefix(str, string(l.Get(types.Int(i)).(types.String))) {
			return types.True
		}
	}
	return types.False
}

// The values of id_sex, made once: a text turned into a CEL value is allocated each time.
var (
	male   ref.Val = types.String("男")
	female ref.Val = types.String("女")
)

// sexValue is the CEL value of the sex ident.ParseIDNumber gives.
func sexValue(sex string) ref.Val {
	switch sex {
	case "男":
		return male
	case "女":
		return female
	}
	return types.String(sex)
}

// emissionRanks orders emission stages; a bare GB6 counts as GB6a.
var emissionRanks = map[string]int{"GB1": 1, "GB2": 2, "GB3": 3, "GB4": 4, "GB5": 5, "GB6": 6, "GB6a": 6, "GB6b": 7}

func date(v ref.Val) ident.Date { return ident.DateOf(v.(types.Timestamp).Time.UTC()) }

func ts(d ident.Date) ref.Val { return types.Timestamp{Time: d.Time()} }

package rules

import (
	"reflect"
	"strings"
	"testing"
)

// TestAccessors checks every accessor against the Facts type: on facts whose objects are all
// present, it must point at the field its path names by json tags, and it must give nil once
// an object on the way is null. Every path must be a leaf or object the schema declares.
func TestAccessors(t *testing.T) {
	var f Facts
	fill(reflect.ValueOf(&f).Elem())
	for p, field := range fieldAt {
		want, ok := byPath(reflect.ValueOf(&f).Elem(), strings.Split(p, "."))
		if !ok {
			t.Errorf("%s: no such field in Facts", p)
			continue
		}
		got := field(&f)
		if got == nil || reflect.ValueOf(got).Pointer() != want.Addr().Pointer() || reflect.TypeOf(got).Elem() != want.Type() {
			t.Errorf("%s: accessor does not point at the field", p)
		}
		if facts.vars[p] == nil {
			t.Errorf("%s: accessor for a path the schema does not declare", p)
		}
	}
	for o, isNull := range objectNull {
		if isNull(&f) {
			t.Errorf("%s: null on facts where it is present", o)
		}
		if _, ok := facts.objects[o]; !ok {
			t.Errorf("%s: accessor for an object the schema does not declare", o)
		}
		var g Facts
		fill(reflect.ValueOf(&g).Elem())
		v, _ := byPath(reflect.ValueOf(&g).Elem(), strings.Split(o, "."))
		v.Set(reflect.Zero(v.Type()))
		if !isNull(&g) {
			t.Errorf("%s: not null once set to nil", o)
		}
		for p, field := range fieldAt {
			if strings.HasPrefix(p, o+".") && field(&g) != nil {
				t.Errorf("%s: not nil when %s is null", p, o)
			}
		}
	}
}

// fill allocates every nil pointer under v, so that every field of the facts is reachable.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.Type().Elem().Kind() == reflect.Struct {
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	}
}

// byPath finds the field that path names by json tags, through pointers.
func byPath(v reflect.Value, path []string) (reflect.Value, bool) {
	for _, name := range path {
		if v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return reflect.Value{}, false
		}
		found := false
		for i := 0; i < v.NumField(); i++ {
			if tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ","); tag == name {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			return reflect.Value{}, false
		}
	}
	return v, true
}

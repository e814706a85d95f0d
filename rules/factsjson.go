package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"
)

// DecodeFacts reads one facts object as JSON (SERVICES.md "Facts"). Errors name the field:
// "registry.driver.valid_until: want a date YYYY-MM-DD, got number". Unknown keys are errors,
// so a misspelt fact is caught instead of silently missing. Request values are the exception:
// a malformed one reads as absent, and the matter's REQUEST_INVALID check reports it.
func DecodeFacts(r io.Reader) (Facts, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Facts{}, err
	}
	if err := checkTimes(b); err != nil {
		return Facts{}, err
	}
	if err := checkDocuments(b); err != nil {
		return Facts{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f Facts
	if err := dec.Decode(&f); err != nil {
		return Facts{}, describe(err, b)
	}
	if dec.More() {
		return Facts{}, errors.New("facts: more than one JSON value")
	}
	return f, nil
}

// checkTimes validates the two RFC 3339 times first: time.Time's own errors carry no path.
func checkTimes(b []byte) error {
	var t struct {
		Now      json.RawMessage `json:"now"`
		Registry struct {
			Vehicle *struct {
				GPSLastSeen json.RawMessage `json:"gps_last_seen"`
			} `json:"vehicle"`
		} `json:"registry"`
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return nil // reported with its path by the full decode
	}
	if err := checkTime("now", t.Now, true); err != nil {
		return err
	}
	if t.Registry.Vehicle != nil {
		return checkTime("registry.vehicle.gps_last_seen", t.Registry.Vehicle.GPSLastSeen, false)
	}
	return nil
}

func checkTime(path string, raw json.RawMessage, required bool) error {
	if len(raw) == 0 || string(raw) == "null" {
		if required {
			return fmt.Errorf("%s: required, want a time like 2026-11-23T10:15:00+08:00", path)
		}
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return fmt.Errorf("%s: want a time like 2026-11-23T10:15:00+08:00, got %s", path, kindOf(raw))
	}
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		return fmt.Errorf("%s: want a time like 2026-11-23T10:15:00+08:00, got %q", path, s)
	}
	return nil
}

// checkDocuments validates the documents map first: encoding/json's paths leave out map keys
// ("documents.confidence"), and the kind and field are what the reader needs to know.
func checkDocuments(b []byte) error {
	var raw struct {
		Documents map[string]map[string]json.RawMessage `json:"documents"`
	}
	if json.Unmarshal(b, &raw) != nil {
		return nil // reported by the full decode
	}
	kinds := make([]string, 0, len(raw.Documents))
	for k := range raw.Documents {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		for part, v := range raw.Documents[kind] {
			var err error
			switch part {
			case "fields":
				err = checkMap[string](v, "a string")
			case "confidence":
				err = checkMap[float64](v, "a number")
			case "flags":
				var flags []string
				if json.Unmarshal(v, &flags) != nil {
					err = fmt.Errorf(": want a list of strings, got %s", kindOf(v))
				}
			}
			if err != nil {
				return fmt.Errorf("documents.%s.%s%w", kind, part, err)
			}
		}
	}
	return nil
}

// checkMap checks that raw is an object of T values; the error starts with ".key: " or ": ".
func checkMap[T any](raw json.RawMessage, want string) error {
	var m map[string]json.RawMessage
	if string(raw) == "null" {
		return nil
	}
	if json.Unmarshal(raw, &m) != nil {
		return fmt.Errorf(": want an object, got %s", kindOf(raw))
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var v T
		if string(m[k]) != "null" && json.Unmarshal(m[k], &v) != nil {
			return fmt.Errorf(".%s: want %s, got %s", k, want, kindOf(m[k]))
		}
	}
	return nil
}

// describe turns encoding/json's errors into "path: want …, got …".
func describe(err error, b []byte) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return fmt.Errorf("%s: want %s, got %s", te.Field, want(te.Type), te.Value)
	case errors.As(err, &se):
		line := 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
		return fmt.Errorf("malformed JSON at line %d: %v", line, se)
	case errors.Is(err, io.EOF):
		return errors.New("no facts: empty input")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("malformed JSON: unexpected end of input")
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// want names the JSON a Go type expects.
func want(t reflect.Type) string {
	switch {
	case t == dateType:
		return "a date YYYY-MM-DD"
	case t == timeType:
		return "a time like 2026-11-23T10:15:00+08:00"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(want(t.Elem()), "a ") + "s"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return want(t.Elem()) + " or null"
	}
	return t.String()
}

// UnmarshalJSON decodes a request leniently: a value of the wrong type or form reads as
// absent (REQUEST_INVALID reports it), but an unknown key is an error, as it is most likely a
// misspelt one.
func (r *Request) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return &json.UnmarshalTypeError{Value: kindOf(b), Type: reflect.TypeFor[Request]()}
	}
	v := reflect.ValueOf(r).Elem()
	t := v.Type()
	for key, val := range raw {
		i := requestField(t, key)
		if i < 0 {
			return fmt.Errorf("unknown field \"request.%s\"", key)
		}
		f := reflect.New(t.Field(i).Type)
		if json.Unmarshal(val, f.Interface()) == nil {
			v.Field(i).Set(f.Elem())
		}
	}
	return nil
}

func requestField(t reflect.Type, key string) int {
	for i := 0; i < t.NumField(); i++ {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name == key {
			return i
		}
	}
	return -1
}

func kindOf(b []byte) string {
	switch b = bytes.TrimSpace(b); {
	case len(b) == 0:
		return "nothing"
	case b[0] == '{':
		return "object"
	case b[0] == '[':
		return "array"
	case b[0] == '"':
		return "string"
	case b[0] == 't' || b[0] == 'f':
		return "bool"
	case b[0] == 'n':
		return "null"
	}
	return "number"
}

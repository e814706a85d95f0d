package ident

import (
	"encoding/json"
	"reflect"
)

// MarshalJSON encodes d as "YYYY-MM-DD", and the zero Date as null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON decodes "YYYY-MM-DD"; null leaves d unchanged. Anything else fails with a
// *json.UnmarshalTypeError, which encoding/json completes with the field path
// ("registry.driver.valid_until"), so the caller can say where the bad value is.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeFor[Date]()}
	}
	v, err := ParseDate(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "string " + strconvQuote(s), Type: reflect.TypeFor[Date]()}
	}
	*d = v
	return nil
}

// jsonKind names the JSON type of a raw value the way encoding/json's errors do.
func jsonKind(b []byte) string {
	if len(b) == 0 {
		return "empty"
	}
	switch b[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case '"':
		return "string"
	}
	return "number"
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

package api

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// CheckOpenAPI validates a JSON response body against the OpenAPI document's schema for the
// operation at method and path (a route pattern in the document's form, /cases/{id}) and the
// status. Tests use it to keep the document and the handlers in agreement. It understands the
// subset of JSON Schema the document uses: $ref, type, properties, required,
// additionalProperties, items, enum, pattern, min/maxLength and the date, date-time and
// byte formats.
func CheckOpenAPI(method, path string, status int, body []byte) error {
	doc, err := loadOpenAPI()
	if err != nil {
		return err
	}
	op, ok := doc.Paths[path][strings.ToLower(method)]
	if !ok {
		return fmt.Errorf("openapi: no operation %s %s", method, path)
	}
	resp, ok := op.Responses[fmt.Sprint(status)]
	if !ok {
		return fmt.Errorf("openapi: %s %s does not document status %d", method, path, status)
	}
	media, ok := resp.Content["application/json"]
	if !ok {
		return fmt.Errorf("openapi: %s %s %d has no JSON body", method, path, status)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("openapi: %s %s %d: body is not JSON: %v", method, path, status, err)
	}
	return doc.validate(media.Schema, v, "$")
}

type openAPIDoc struct {
	Paths      map[string]map[string]openAPIOperation `json:"paths"`
	Components struct {
		Schemas map[string]*jsonSchema `json:"schemas"`
	} `json:"components"`
}

type openAPIOperation struct {
	RequestBody *struct {
		Content map[string]openAPIMedia `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]openAPIMedia `json:"content"`
	} `json:"responses"`
}

type openAPIMedia struct {
	Schema   *jsonSchema `json:"schema"`
	Example  any         `json:"example"`
	Examples map[string]struct {
		Value any `json:"value"`
	} `json:"examples"`
}

type jsonSchema struct {
	Ref                  string                 `json:"$ref"`
	Type                 string                 `json:"type"`
	Format               string                 `json:"format"`
	Properties           map[string]*jsonSchema `json:"properties"`
	Required             []string               `json:"required"`
	AdditionalProperties json.RawMessage        `json:"additionalProperties"`
	Items                *jsonSchema            `json:"items"`
	Enum                 []any                  `json:"enum"`
	Pattern              string                 `json:"pattern"`
	MinLength            *int                   `json:"minLength"`
	MaxLength            *int                   `json:"maxLength"`
	Nullable             bool                   `json:"nullable"`
}

func loadOpenAPI() (*openAPIDoc, error) {
	var d openAPIDoc
	if err := json.Unmarshal(openAPIDocument, &d); err != nil {
		return nil, fmt.Errorf("openapi: document: %w", err)
	}
	return &d, nil
}

func (d *openAPIDoc) validate(s *jsonSchema, v any, at string) error {
	if s == nil {
		return nil
	}
	if s.Ref != "" {
		ref := d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
		if ref == nil {
			return fmt.Errorf("%s: unknown $ref %s", at, s.Ref)
		}
		return d.validate(ref, v, at)
	}
	if v == nil {
		if s.Nullable {
			return nil
		}
		return fmt.Errorf("%s: null", at)
	}
	if len(s.Enum) > 0 && !enumHas(s.Enum, v) {
		return fmt.Errorf("%s: %v not in %v", at, v, s.Enum)
	}
	switch s.Type {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want an object", at)
		}
		return d.validateObject(s, obj, at)
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: want an array", at)
		}
		for i, x := range arr {
			if err := d.validate(s.Items, x, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s: want a string", at)
		}
		return checkString(s, str, at)
	case "integer":
		n, ok := v.(float64)
		if !ok || n != float64(int64(n)) {
			return fmt.Errorf("%s: want an integer", at)
		}
	case "number":
		if _, ok := v.(float64); !ok {
			return fmt.Errorf("%s: want a number", at)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: want a boolean", at)
		}
	}
	return nil
}

func (d *openAPIDoc) validateObject(s *jsonSchema, obj map[string]any, at string) error {
	for _, r := range s.Required {
		if _, ok := obj[r]; !ok {
			return fmt.Errorf("%s: missing %q", at, r)
		}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var extra *jsonSchema
	closed := string(s.AdditionalProperties) == "false"
	if len(s.AdditionalProperties) > 0 && !closed && string(s.AdditionalProperties) != "true" {
		extra = &jsonSchema{}
		if err := json.Unmarshal(s.AdditionalProperties, extra); err != nil {
			return fmt.Errorf("%s: additionalProperties: %v", at, err)
		}
	}
	for _, k := range keys {
		p, ok := s.Properties[k]
		if !ok {
			if closed {
				return fmt.Errorf("%s: unexpected property %q", at, k)
			}
			p = extra
		}
		if err := d.validate(p, obj[k], at+"."+k); err != nil {
			return err
		}
	}
	return nil
}

func checkString(s *jsonSchema, str, at string) error {
	n := utf8.RuneCountInString(str)
	if s.MinLength != nil && n < *s.MinLength || s.MaxLength != nil && n > *s.MaxLength {
		return fmt.Errorf("%s: length %d out of bounds", at, n)
	}
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return fmt.Errorf("%s: pattern %q: %v", at, s.Pattern, err)
		}
		if !re.MatchString(str) {
			return fmt.Errorf("%s: %q does not match %s", at, str, s.Pattern)
		}
	}
	var err error
	switch s.Format {
	case "date":
		_, err = time.Parse(time.DateOnly, str)
	case "date-time":
		_, err = time.Parse(time.RFC3339, str)
	case "byte":
		_, err = base64.StdEncoding.DecodeString(str)
	}
	if err != nil {
		return fmt.Errorf("%s: %q is not a %s", at, str, s.Format)
	}
	return nil
}

func enumHas(enum []any, v any) bool {
	for _, e := range enum {
		if e == v {
			return true
		}
	}
	return false
}

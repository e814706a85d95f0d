package api

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// documented reports whether a route belongs to the OpenAPI document's scope.
func documented(path string) bool {
	return strings.HasPrefix(path, "/api/v1/mp/") || strings.HasPrefix(path, "/api/v1/passes/") || path == "/api/v1/openapi.json"
}

// TestOpenAPIMatchesRouter: every route of the router in the document's scope is in the
// document, and the document lists no route the router lacks.
func TestOpenAPIMatchesRouter(t *testing.T) {
	s := NewServer(slog.New(slog.DiscardHandler))
	var routes []string
	for _, r := range s.router.Routes() {
		if !documented(r.Path) {
			continue
		}
		parts := strings.Split(r.Path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") {
				parts[i] = "{" + p[1:] + "}"
			}
		}
		routes = append(routes, r.Method+" "+strings.Join(parts, "/"))
	}
	doc, err := loadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for path, item := range doc.Paths {
		for method := range item {
			ops = append(ops, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(routes)
	sort.Strings(ops)
	if len(routes) < 10 {
		t.Fatalf("only %d routes found: %v", len(routes), routes)
	}
	if diff := cmp.Diff(routes, ops); diff != "" {
		t.Fatalf("router (-) and OpenAPI document (+) differ:\n%s", diff)
	}
}

// TestOpenAPIExamplesValidate checks every request and response example against its schema.
func TestOpenAPIExamplesValidate(t *testing.T) {
	doc, err := loadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	check := func(where string, m openAPIMedia) {
		examples := map[string]any{}
		if m.Example != nil {
			examples["example"] = m.Example
		}
		for k, e := range m.Examples {
			examples[k] = e.Value
		}
		for name, ex := range examples {
			n++
			if err := doc.validate(m.Schema, ex, "$"); err != nil {
				t.Errorf("%s %s: %v", where, name, err)
			}
		}
	}
	for path, item := range doc.Paths {
		for method, op := range item {
			if op.RequestBody != nil {
				for ct, m := range op.RequestBody.Content {
					check(fmt.Sprintf("%s %s request %s", method, path, ct), m)
				}
			}
			for status, r := range op.Responses {
				for ct, m := range r.Content {
					check(fmt.Sprintf("%s %s %s %s", method, path, status, ct), m)
				}
			}
		}
	}
	if n < 30 {
		t.Fatalf("only %d examples checked", n)
	}
}

// TestOpenAPIValidatorRejects makes sure the validator can fail: a schema that accepted
// everything would make the tests above meaningless.
func TestOpenAPIValidatorRejects(t *testing.T) {
	bad := []struct {
		path   string
		status int
		body   string
	}{
		{"/api/v1/mp/cases/{id}", 200, `{"id":"x"}`},
		{"/api/v1/mp/cases/{id}", 200, `{"id":"x","matter":"M","state":"flying","version":1,"message":"","documents":[],"missing":[],"created_at":"2026-11-26T00:00:00Z","updated_at":"2026-11-26T00:00:00Z"}`},
		{"/api/v1/mp/cases/{id}", 404, `{"error":{"code":"not_found"}}`},
		{"/api/v1/passes/verify", 200, `{"status":"valid","message":"","extra":1}`},
		{"/api/v1/passes/verify", 200, `{"status":"valid","message":"","not_after":"tomorrow"}`},
	}
	for _, b := range bad {
		if err := CheckOpenAPI("GET", b.path, b.status, []byte(b.body)); err == nil {
			t.Errorf("%s %d accepted %s", b.path, b.status, b.body)
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	s := NewServer(slog.New(slog.DiscardHandler))
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	body, _ := io.ReadAll(rec.Body)
	var doc map[string]any
	if rec.Code != 200 || json.Unmarshal(body, &doc) != nil || doc["openapi"] != "3.0.3" {
		t.Fatalf("GET /api/v1/openapi.json = %d %.80s", rec.Code, body)
	}
}

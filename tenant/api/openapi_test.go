package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
)

// TestOpenAPIDocument: the merged fragments are a valid OpenAPI 3.1
// document, served without a token at /api/v1/openapi.json.
func TestOpenAPIDocument(t *testing.T) {
	doc := loadOpenAPI(t)
	if !doc.IsOpenAPI31OrLater() || doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	h := &Handler{}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	h.Mount(app)
	res, err := app.Test(mustRequest(t, http.MethodGet, "/api/v1/openapi.json"), 5000)
	if err != nil {
		t.Fatal(err)
	}
	var served map[string]any
	if err := json.NewDecoder(res.Body).Decode(&served); err != nil || res.StatusCode != 200 {
		t.Fatalf("%d (%v)", res.StatusCode, err)
	}
	if served["openapi"] != "3.1.0" || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("served %v with %q", served["openapi"], res.Header.Get("Content-Type"))
	}
}

// TestOpenAPICoversEveryRoute: every route Mount registers under /api/v1
// is an operation of the document, and every operation a route; every
// operation names a scope that exists.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	doc := loadOpenAPI(t)
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	(&Handler{}).Mount(app)
	registered := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || r.Method == "USE" || !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		registered[r.Method+" "+openAPIPath(strings.TrimPrefix(r.Path, "/api/v1"))] = true
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			documented[key] = true
			if !registered[key] {
				t.Errorf("%s is in the OpenAPI document but no route", key)
			}
			scope, _ := op.Extensions["x-scope"].(string)
			if op.Security != nil && len(*op.Security) == 0 {
				continue
			}
			if !slices.Contains(Scopes, scope) {
				t.Errorf("%s: x-scope %q is not a scope", key, scope)
			}
		}
	}
	for key := range registered {
		if !documented[key] {
			t.Errorf("the route %s is not in the OpenAPI document", key)
		}
	}
	if len(registered) < 13 {
		t.Errorf("only %d routes found", len(registered))
	}
}

// openAPIPath is a Fiber path with OpenAPI's parameters: /events/:slug is
// /events/{slug}.
func openAPIPath(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if name, ok := strings.CutPrefix(p, ":"); ok {
			parts[i] = "{" + strings.TrimSuffix(name, "?") + "}"
		}
	}
	return strings.Join(parts, "/")
}

// TestOpenAPIFragments: fragments add paths and components; one that
// holds anything else, or a method or component another already has, is
// refused naming it.
func TestOpenAPIFragments(t *testing.T) {
	base := "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {schemas: {A: {type: string}}}\n"
	cases := []struct {
		name  string
		files map[string]string
		want  string // "" merges
	}{
		{"two files add methods of one path", map[string]string{
			"a.yaml": "paths: {/x: {get: {responses: {'200': {description: ok}}}}}",
			"b.yaml": "paths: {/x: {post: {responses: {'200': {description: ok}}}}}\ncomponents: {schemas: {B: {type: string}}}"}, ""},
		{"a method twice", map[string]string{
			"a.yaml": "paths: {/x: {get: {responses: {'200': {description: ok}}}}}",
			"b.yaml": "paths: {/x: {get: {responses: {'200': {description: ok}}}}}"}, "openapi/b.yaml: paths./x.get is in another fragment too"},
		{"a component twice", map[string]string{
			"a.yaml": "components: {schemas: {A: {type: integer}}}"}, "openapi/a.yaml: components.schemas.A is in another fragment too"},
		{"something else than paths and components", map[string]string{
			"a.yaml": "info: {title: other}"}, `openapi/a.yaml: a fragment holds paths and components only, not "info"`},
	}
	for _, c := range cases {
		files := fstest.MapFS{"openapi/openapi.yaml": {Data: []byte(base)}}
		for name, text := range c.files {
			files["openapi/"+name] = &fstest.MapFile{Data: []byte(text)}
		}
		raw, err := buildOpenAPI(files)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want == "" && !strings.Contains(string(raw), `"post"`):
			t.Errorf("%s: %s", c.name, raw)
		case c.want != "" && (err == nil || err.Error() != c.want):
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

func mustRequest(t *testing.T, method, path string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, "http://console.shop.test"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

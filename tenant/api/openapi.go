package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"sigs.k8s.io/yaml"
)

// The OpenAPI 3.1 document of the API is built from fragments, one YAML
// file per resource in openapi/: openapi.yaml is the skeleton (info,
// security, the shared components: the error, the page, the parameters),
// and every other file adds its paths and components. A path may be in
// two files when they add different methods to it; a component name only
// once. The conformance test (openapi_test.go) keeps the document true:
// every route Mount registers is in it, and every response a test gets
// is valid against it.
//
// What every operation shares is added here rather than written in each
// fragment: the path parameter slug, the answers 400 (text refused at the
// edge, a bad query parameter), 401, 403 and 503 (and
// 404 on a path with an event), and on a POST the Idempotency-Key header
// with its 409 and 422. x-scope names the scope an operation needs;
// x-platform: true marks what only a platform token may do.

//go:embed openapi/*.yaml
var fragments embed.FS

// skeleton is the fragment every other is merged into.
const skeleton = "openapi.yaml"

var openAPI = sync.OnceValues(func() ([]byte, error) { return buildOpenAPI(fragments) })

// OpenAPI is the API's OpenAPI document as JSON.
func OpenAPI() ([]byte, error) { return openAPI() }

// buildOpenAPI merges the fragments of files into one document.
func buildOpenAPI(files fs.FS) ([]byte, error) {
	doc, err := readFragment(files, skeleton)
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(files, "openapi/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.HasSuffix(name, "/"+skeleton) {
			continue
		}
		frag, err := readFragment(files, strings.TrimPrefix(name, "openapi/"))
		if err != nil {
			return nil, err
		}
		if err := mergeFragment(doc, frag, name); err != nil {
			return nil, err
		}
	}
	addShared(doc)
	return json.MarshalIndent(doc, "", "  ")
}

// addShared adds to every operation of doc what they all share.
func addShared(doc map[string]any) {
	for path, item := range section(doc, "paths") {
		for method, op := range item.(map[string]any) {
			op, ok := op.(map[string]any)
			if !ok || method == "parameters" {
				continue
			}
			if security, ok := op["security"].([]any); ok && len(security) == 0 {
				continue // public: no token, no database
			}
			responses := section(op, "responses")
			shared := map[string]string{"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "503": "Unavailable"}
			if strings.Contains(path, "{slug}") {
				shared["404"] = "NotFound"
				addParameter(op, "Slug")
			}
			if method == "post" {
				shared["409"], shared["422"] = "Conflict", "Invalid"
				addParameter(op, "IdempotencyKey")
			}
			for status, name := range shared {
				if _, ok := responses[status]; !ok {
					responses[status] = map[string]any{"$ref": "#/components/responses/" + name}
				}
			}
		}
	}
}

// addParameter adds the shared parameter name to op's.
func addParameter(op map[string]any, name string) {
	params, _ := op["parameters"].([]any)
	op["parameters"] = append(params, map[string]any{"$ref": "#/components/parameters/" + name})
}

func readFragment(files fs.FS, name string) (map[string]any, error) {
	raw, err := fs.ReadFile(files, "openapi/"+name)
	if err != nil {
		return nil, err
	}
	var frag map[string]any
	if err := yaml.Unmarshal(raw, &frag); err != nil {
		return nil, fmt.Errorf("openapi/%s: %w", name, err)
	}
	return frag, nil
}

// mergeFragment adds frag's paths and components to doc; anything else in
// a fragment, a method of a path or a component doc has already, is an
// error naming the fragment.
func mergeFragment(doc, frag map[string]any, name string) error {
	for key := range frag {
		if key != "paths" && key != "components" {
			return fmt.Errorf("%s: a fragment holds paths and components only, not %q", name, key)
		}
	}
	if err := mergeLevel(section(doc, "paths"), section(frag, "paths"), name, "paths"); err != nil {
		return err
	}
	docComponents, fragComponents := section(doc, "components"), section(frag, "components")
	for kind := range fragComponents {
		if err := mergeUnique(section(docComponents, kind), section(fragComponents, kind), name, "components."+kind); err != nil {
			return err
		}
	}
	return nil
}

// mergeLevel adds every path of from to into, merging the methods of a
// path both have.
func mergeLevel(into, from map[string]any, name, where string) error {
	for path, item := range from {
		ops, _ := item.(map[string]any)
		if ops == nil {
			return fmt.Errorf("%s: %s.%s is not an object", name, where, path)
		}
		existing, _ := into[path].(map[string]any)
		if existing == nil {
			into[path] = ops
			continue
		}
		if err := mergeUnique(existing, ops, name, where+"."+path); err != nil {
			return err
		}
	}
	return nil
}

// mergeUnique adds every entry of from to into; one into has is an error.
func mergeUnique(into, from map[string]any, name, where string) error {
	for k, v := range from {
		if _, dup := into[k]; dup {
			return fmt.Errorf("%s: %s.%s is in another fragment too", name, where, k)
		}
		into[k] = v
	}
	return nil
}

// section is m[key] as an object, made when m has none.
func section(m map[string]any, key string) map[string]any {
	s, _ := m[key].(map[string]any)
	if s == nil {
		s = map[string]any{}
		m[key] = s
	}
	return s
}

// serveOpenAPI answers GET /api/v1/openapi.json, without a token: the
// document is public, as the reference on the console is.
func (h *Handler) serveOpenAPI(c *fiber.Ctx) error {
	doc, err := OpenAPI()
	if err != nil {
		return h.fail(c, err, 0)
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(doc)
}

package api

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Reference is the OpenAPI document as the console's reference page
// (/docs/api) shows it: operations grouped by tag, and the schemas.
type Reference struct {
	Title, Description string
	Tags               []RefTag
	Schemas            []RefSchema
}

// RefTag is one resource's operations.
type RefTag struct {
	Name       string
	Operations []RefOperation
}

// RefOperation is one route.
type RefOperation struct {
	ID, Method, Path, Summary, Scope string
	Platform                         bool
	Params                           []RefParam
	Body                             string // the request body's schema name ("" for none, "object" inline)
	BodyFields                       []RefField
	Responses                        []RefResponse
}

// RefParam is a path, query or header parameter.
type RefParam struct {
	Name, In, Description string
	Required              bool
}

// RefResponse is one documented answer.
type RefResponse struct{ Status, Description, Schema string }

// RefSchema is a named schema with its fields.
type RefSchema struct {
	Name, Description string
	Fields            []RefField
}

// RefField is a property of a schema.
type RefField struct {
	Name, Type, Description string
	Required                bool
}

var reference = sync.OnceValues(buildReference)

// APIReference is the reference of the API's OpenAPI document, built
// once.
func APIReference() (Reference, error) { return reference() }

func buildReference() (Reference, error) {
	raw, err := OpenAPI()
	if err != nil {
		return Reference{}, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return Reference{}, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return Reference{}, err
	}
	ref := Reference{Title: doc.Info.Title, Description: doc.Info.Description}
	byTag := map[string][]RefOperation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			tag := "other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			byTag[tag] = append(byTag[tag], refOperation(path, method, item.Parameters, op))
		}
	}
	for tag, ops := range byTag {
		sort.Slice(ops, func(i, j int) bool {
			if ops[i].Path != ops[j].Path {
				return ops[i].Path < ops[j].Path
			}
			return methodRank(ops[i].Method) < methodRank(ops[j].Method)
		})
		ref.Tags = append(ref.Tags, RefTag{Name: tag, Operations: ops})
	}
	sort.Slice(ref.Tags, func(i, j int) bool { return ref.Tags[i].Name < ref.Tags[j].Name })
	for name, s := range doc.Components.Schemas {
		ref.Schemas = append(ref.Schemas, RefSchema{Name: name, Description: s.Value.Description, Fields: refFields(s)})
	}
	sort.Slice(ref.Schemas, func(i, j int) bool { return ref.Schemas[i].Name < ref.Schemas[j].Name })
	return ref, nil
}

func methodRank(m string) int {
	return slices.Index([]string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}, m)
}

func refOperation(path, method string, shared openapi3.Parameters, op *openapi3.Operation) RefOperation {
	out := RefOperation{ID: op.OperationID, Method: method, Path: "/api/v1" + path, Summary: op.Summary}
	out.Scope, _ = op.Extensions["x-scope"].(string)
	out.Platform, _ = op.Extensions["x-platform"].(bool)
	for _, p := range append(slices.Clone(shared), op.Parameters...) {
		out.Params = append(out.Params, RefParam{Name: p.Value.Name, In: p.Value.In, Description: p.Value.Description, Required: p.Value.Required})
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			out.Body = schemaName(mt.Schema)
			if out.Body == "object" {
				out.BodyFields = refFields(mt.Schema)
			}
		}
	}
	statuses := make([]string, 0, op.Responses.Len())
	for status := range op.Responses.Map() {
		statuses = append(statuses, status)
	}
	sort.Strings(statuses)
	for _, status := range statuses {
		r := op.Responses.Value(status).Value
		res := RefResponse{Status: status}
		if r.Description != nil {
			res.Description = *r.Description
		}
		if mt := r.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			res.Schema = schemaName(mt.Schema)
		}
		out.Responses = append(out.Responses, res)
	}
	return out
}

// schemaName names a schema: its component's name, or its type.
func schemaName(s *openapi3.SchemaRef) string {
	if s.Ref != "" {
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	}
	if s.Value == nil {
		return ""
	}
	if s.Value.Type.Is("array") && s.Value.Items != nil {
		return "[" + schemaName(s.Value.Items) + "]"
	}
	if len(s.Value.AllOf) > 0 {
		return schemaName(s.Value.AllOf[0])
	}
	if s.Value.Type != nil && len(*s.Value.Type) > 0 {
		return strings.Join(*s.Value.Type, " | ")
	}
	return "object"
}

// refFields lists an object schema's properties.
func refFields(s *openapi3.SchemaRef) []RefField {
	if s.Value == nil {
		return nil
	}
	names := make([]string, 0, len(s.Value.Properties))
	for name := range s.Value.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []RefField
	for _, name := range names {
		p := s.Value.Properties[name]
		out = append(out, RefField{Name: name, Type: schemaName(p), Description: p.Value.Description, Required: slices.Contains(s.Value.Required, name)})
	}
	return out
}

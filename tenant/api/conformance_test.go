package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// The conformance helper: every answer a test of this package gets
// through testServer.api or testServer.call is checked against the
// OpenAPI document (checkResponse): its status must be documented for the
// operation, and its body valid against the status's schema. A route the
// document does not know may only answer 404.

// openAPIDoc is the document, loaded and validated once.
var openAPIDoc = sync.OnceValues(func() (*openapi3.T, error) {
	raw, err := OpenAPI()
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	return doc, nil
})

// openAPIRouter finds a request's operation in the document.
var openAPIRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openAPIDoc()
	if err != nil {
		return nil, err
	}
	return gorillamux.NewRouter(doc)
})

// loadOpenAPI is the document, failing the test when it does not load or
// is not a valid OpenAPI 3.1 document.
func loadOpenAPI(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := openAPIDoc()
	if err != nil {
		t.Fatalf("the OpenAPI document: %v", err)
	}
	return doc
}

// checkResponse fails the test when an answer to method path (under
// /api/v1, with its query) is not what the document says the operation
// answers.
func checkResponse(t testing.TB, method, path string, status int, header http.Header, body []byte) {
	t.Helper()
	router, err := openAPIRouter()
	if err != nil {
		t.Fatalf("the OpenAPI document: %v", err)
	}
	req, err := http.NewRequest(method, "http://console.shop.test"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		if status != http.StatusNotFound {
			t.Errorf("%s %s answered %d but is not in the OpenAPI document (%v)", method, path, status, err)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status, Header: header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: the answer %d is not what the OpenAPI document says: %v\nbody: %s", method, path, status, err, body)
	}
}

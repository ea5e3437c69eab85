package console

import (
	"testing"
)

// TestAPIReferencePage: signed-in staff read the REST API's reference on
// the console, rendered from the OpenAPI document: each operation with
// its scope, parameters and answers, each schema with its fields.
func TestAPIReferencePage(t *testing.T) {
	s, _, _ := consoleServer(t)
	r := consolePage(t, signedInMember(t, s), "/docs/api")
	if got := r.doc.Find("h1").Text(); got != "REST API reference" {
		t.Errorf("h1 %q", got)
	}
	op := r.doc.Find("#op-createProduct")
	if op.Find("h3").Text() != "POST /api/v1/events/{slug}/products" || op.Find(".scope code").Text() != "catalogue:write" {
		t.Errorf("createProduct: %q, scope %q", op.Find("h3").Text(), op.Find(".scope code").Text())
	}
	if op.Find(".apiref-params code").First().Text() != "slug" || op.Find(".apiref-responses td").First().Text() != "201" {
		t.Errorf("createProduct's parameters or answers: %q", op.Text())
	}
	if r.doc.Find("#op-suspendEvent .scope").Text() != "Scope: events:write · platform tokens only" {
		t.Errorf("suspendEvent: %q", r.doc.Find("#op-suspendEvent .scope").Text())
	}
	if r.doc.Find("#schema-Product .apiref-fields li").Length() < 10 || r.doc.Find(`a[href="/api/v1/openapi.json"]`).Length() != 1 {
		t.Error("the schemas or the link to the document are missing")
	}
	if r.doc.Find("script[src^=http], link[href^=http]").Length() != 0 {
		t.Error("the page loads something from elsewhere")
	}
}

package api

import (
	"context"
	"io"
	"net/http"
	"testing"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/web/webtest"

	"github.com/google/uuid"
)

// deskFixture is two events, each with a sized product, and a platform
// token with every scope of the desk's routes.
type deskFixture struct {
	*testServer
	ev, other         *tenant.Tenant
	shirt, otherShirt storefront.Product
	token             string
}

// deskScopes are the scopes of the routes of orders, suppliers, codes and
// waiting lists.
var deskScopes = []string{ScopeOrdersRead, ScopeOrdersWrite, ScopeSuppliersRead, ScopeSuppliersWrite,
	ScopeVouchersRead, ScopeVouchersWrite, ScopeWaitlistsRead, ScopeWaitlistsWrite}

func newDeskFixture(t *testing.T) deskFixture {
	t.Helper()
	s := startServer(t)
	f := deskFixture{testServer: s, ev: s.event("berlin"), other: s.event("munich")}
	f.shirt = dbtest.SizedProduct(t, s.db, f.ev.ID, "Shirt")
	f.otherShirt = dbtest.SizedProduct(t, s.db, f.other.ID, "Shirt")
	f.token = f.tokenWith(deskScopes...)
	return f
}

// tokenWith makes a platform token with scopes.
func (f deskFixture) tokenWith(scopes ...string) string {
	f.t.Helper()
	secret, _, err := f.db.CreateAPIToken(context.Background(), "desk", scopes)
	if err != nil {
		f.t.Fatal(err)
	}
	return secret
}

// rawAnswer is an answer that is not a JSON object (an export).
type rawAnswer struct {
	status int
	header http.Header
	body   string
}

// raw sends a GET with token and reads the answer as it is (checked
// against the OpenAPI document as every answer is).
func (s *testServer) raw(path, token string) rawAnswer {
	s.t.Helper()
	res := webtest.Client{T: s.t, URL: s.url, Host: "console." + testBase}.Send(http.MethodGet, path, "", "", "Authorization", "Bearer "+token)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	checkResponse(s.t, http.MethodGet, path, res.StatusCode, res.Header, b)
	return rawAnswer{status: res.StatusCode, header: res.Header, body: string(b)}
}

// data is a list answer's items.
func (r apiResponse) data() []map[string]any {
	var out []map[string]any
	items, _ := r.body["data"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		out = append(out, m)
	}
	return out
}

// nextCursor is a list answer's next_cursor ("" for null).
func (r apiResponse) nextCursor() string {
	s, _ := r.body["next_cursor"].(string)
	return s
}

// object is the answer's field name as an object.
func (r apiResponse) object(name string) map[string]any {
	m, _ := r.body[name].(map[string]any)
	return m
}

func mustID(t *testing.T, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustCatalogue(t *testing.T, f deskFixture) storefront.Catalogue {
	t.Helper()
	cat, err := f.db.Catalogue(t.Context(), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

package api

import (
	"net/http"
	"testing"
)

// TestFormFieldsAPI: the order form's fields are added, read, replaced,
// moved and removed with the form builder's rules; another event's
// fields are not found.
func TestFormFieldsAPI(t *testing.T) {
	s := startServer(t)
	ev, other := s.event("berlin"), s.event("lisbon")
	token := s.token(ScopeCatalogueRead, ScopeCatalogueWrite)
	base := "/api/v1/events/berlin/form-fields"
	fields := func(id any) int {
		return countRows(t, s.adminURL, "SELECT count(*) FROM form_fields WHERE tenant_id = $1", id)
	}
	before := fields(ev.ID)
	add := func(body string) apiResponse { return s.api(http.MethodPost, base, token, body) }
	if r := add(`{"key":"company","scope":"customer","type":"text","label":{"en":"Company","de":"Firma"},"max_length":80}`); r.status != 201 ||
		r.header.Get("Location") != base+"/company" || r.body["form_field"].(map[string]any)["max_length"] != 80.0 {
		t.Fatalf("add: %d %s", r.status, r.raw)
	}
	if r := add(`{"key":"diet","scope":"customer","type":"single_choice","label":{"en":"Diet"},"options":[{"value":"veg","label":{"en":"Vegetarian"}},{"value":"any","label":{"en":"Anything"}}]}`); r.status != 201 {
		t.Fatalf("add choice: %d %s", r.status, r.raw)
	}
	if r := s.api(http.MethodGet, base+"?limit=1", token, ""); r.status != 200 || r.body["next_cursor"] == nil {
		t.Errorf("list: %d %s", r.status, r.raw)
	}
	t.Run("refusals name the setting and store nothing", func(t *testing.T) {
		for body, want := range map[string]struct {
			status int
			field  string
		}{
			`{"key":"company","scope":"customer","type":"text","label":{"en":"Again"}}`:                                   {409, "key"},
			`{"key":"size","scope":"customer","type":"colour","label":{"en":"Size"}}`:                                     {422, "type"},
			`{"key":"size","scope":"customer","type":"text","label":{"de":"Größe"}}`:                                      {422, "label"},
			`{"key":"Bad Key","scope":"customer","type":"text","label":{"en":"X"}}`:                                       {422, "key"},
			`{"key":"size","scope":"customer","type":"single_choice","label":{"en":"Size"}}`:                              {422, "options"},
			`{"key":"size","scope":"customer","type":"text","label":{"en":"S"},"show_if":{"key":"diet","equals":"fish"}}`: {422, "show_if"},
		} {
			if r := add(body); r.status != want.status || r.errorField() != want.field {
				t.Errorf("%s: %d %q (field %q), want %d on %s", body, r.status, r.errorMessage(), r.errorField(), want.status, want.field)
			}
		}
		if n := fields(ev.ID); n != before+2 {
			t.Errorf("%d fields, want %d", n, before+2)
		}
	})
	t.Run("replace keeps the key, move reorders, delete removes", func(t *testing.T) {
		r := s.api(http.MethodPut, base+"/company", token, `{"scope":"customer","type":"text","label":{"en":"Organisation"},"required":true}`)
		if f := r.body["form_field"].(map[string]any); r.status != 200 || f["required"] != true || f["label"].(map[string]any)["en"] != "Organisation" {
			t.Errorf("put: %d %s", r.status, r.raw)
		}
		if r := s.api(http.MethodPut, base+"/company", token, `{"key":"org","scope":"customer","type":"text","label":{"en":"Org"}}`); r.status != 422 || r.errorField() != "key" {
			t.Errorf("renaming the key: %d %q", r.status, r.errorField())
		}
		pos := func(key string) float64 {
			return s.api(http.MethodGet, base+"/"+key, token, "").body["form_field"].(map[string]any)["position"].(float64)
		}
		was := pos("diet")
		if r := s.api(http.MethodPost, base+"/diet/move", token, `{"direction":"up"}`); r.status != 200 || pos("diet") >= was {
			t.Errorf("move up: %d %s (position %v, was %v)", r.status, r.raw, pos("diet"), was)
		}
		if r := s.api(http.MethodPost, base+"/diet/move", token, `{"direction":"sideways"}`); r.status != 422 || r.errorField() != "direction" {
			t.Errorf("sideways: %d %q", r.status, r.errorField())
		}
		if r := s.api(http.MethodDelete, base+"/company", token, ""); r.status != 204 || fields(ev.ID) != before+1 {
			t.Errorf("delete: %d, %d fields", r.status, fields(ev.ID))
		}
	})
	t.Run("another event's fields are not found", func(t *testing.T) {
		if r := s.api(http.MethodPost, "/api/v1/events/lisbon/form-fields", token, `{"key":"badge","scope":"customer","type":"text","label":{"en":"Badge"}}`); r.status != 201 {
			t.Fatalf("%d %s", r.status, r.raw)
		}
		for _, c := range []struct{ method, path, body string }{
			{http.MethodGet, base + "/badge", ""},
			{http.MethodPut, base + "/badge", `{"scope":"customer","type":"text","label":{"en":"Mine"}}`},
			{http.MethodPost, base + "/badge/move", `{"direction":"up"}`},
			{http.MethodDelete, base + "/badge", ""},
		} {
			if r := s.api(c.method, c.path, token, c.body); r.status != 404 {
				t.Errorf("%s %s: %d", c.method, c.path, r.status)
			}
		}
		if n := countRows(t, s.adminURL, "SELECT count(*) FROM form_fields WHERE tenant_id = $1 AND key = 'badge'", other.ID); n != 1 {
			t.Error("another event's field was touched")
		}
	})
}

package console

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestFormBuilder(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	b := signedInMember(t, s)
	csrf := csrfOf(b.do(http.MethodGet, "/events/devcon/form", "", ""))
	add := func(v url.Values) *response {
		v.Set("csrf", csrf)
		return b.post("/events/devcon/form/fields", v)
	}
	if r := add(url.Values{"key": {"is_company"}, "scope": {"customer"}, "type": {"checkbox"}, "label.en": {"For a company"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add checkbox: %d %s", r.status, r.text(".problems"))
	}
	if r := add(url.Values{"key": {"vat_id"}, "scope": {"customer"}, "type": {"text"}, "label.en": {"VAT ID"}, "required": {"on"},
		"show_if": {"is_company"}, "show_value": {"true"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add conditional: %d %s", r.status, r.text(".problems"))
	}
	t.Run("bad definitions are refused with the message and the values kept", func(t *testing.T) {
		for name, v := range map[string]url.Values{
			"a bad key":                {"key": {"Bad Key"}, "scope": {"customer"}, "type": {"text"}, "label.en": {"X"}},
			"a taken key":              {"key": {"vat_id"}, "scope": {"customer"}, "type": {"text"}, "label.en": {"X"}},
			"a broken condition":       {"key": {"other"}, "scope": {"customer"}, "type": {"text"}, "label.en": {"X"}, "show_if": {"nope"}, "show_value": {"x"}},
			"a choice without options": {"key": {"size"}, "scope": {"item"}, "type": {"single_choice"}, "label.en": {"Size"}},
		} {
			r := add(v)
			if r.status != 422 || r.text(".problems") == "" {
				t.Errorf("%s: status %d", name, r.status)
			}
			if got, _ := r.doc.Find(`input[name="key"]`).Attr("value"); got != v.Get("key") {
				t.Errorf("%s: key not kept (%q)", name, got)
			}
		}
		if fields, _ := s.db.FormFields(ctx, ev.ID); len(fields) != 2 {
			t.Fatalf("%d fields after refused additions, want 2", len(fields))
		}
	})
	t.Run("the storefront asks exactly the built form", func(t *testing.T) {
		waitFor(t, time.Second, func() bool {
			return s.get("devcon.shop.test", "/order").doc.Find(`[data-show-if="is_company"] input[name="vat_id"]`).Length() == 1
		})
	})
	t.Run("a field another one depends on cannot be removed", func(t *testing.T) {
		if r := b.post("/events/devcon/form/fields/is_company/remove", url.Values{"csrf": {csrf}}); r.status != 409 {
			t.Fatalf("status %d", r.status)
		}
	})
	t.Run("fields move and go; the storefront follows", func(t *testing.T) {
		if r := b.post("/events/devcon/form/fields/vat_id/move", url.Values{"csrf": {csrf}, "direction": {"up"}}); r.status != http.StatusSeeOther {
			t.Fatalf("move: %d", r.status)
		}
		page := b.do(http.MethodGet, "/events/devcon/form", "", "")
		if first, _ := page.doc.Find(`[data-scope="customer"] li`).First().Attr("data-key"); first != "vat_id" {
			t.Fatalf("first field %q after moving vat_id up", first)
		}
		if r := b.post("/events/devcon/form/fields/vat_id/remove", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
			t.Fatalf("remove: %d", r.status)
		}
		waitFor(t, time.Second, func() bool {
			return s.get("devcon.shop.test", "/order").doc.Find(`input[name="vat_id"]`).Length() == 0
		})
	})
	t.Run("fulfilment cannot edit the form", func(t *testing.T) {
		if r := fulfilmentMember(t, s, ev).do(http.MethodGet, "/events/devcon/form", "", ""); r.status != 404 {
			t.Fatalf("status %d", r.status)
		}
	})
}

package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestFormFieldEditAndPreview changes a saved field in place (its key
// stays), refuses changes that break the form, and shows the order form as
// attendees see it beside the builder, with a field previewed before it is
// saved.
func TestFormFieldEditAndPreview(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	b := signedInMember(t, s)
	csrf := csrfOf(b.do(http.MethodGet, "/events/devcon/form", "", ""))
	post := func(path string, v url.Values) *response {
		v.Set("csrf", csrf)
		return b.post(path, v)
	}
	if r := post("/events/devcon/form/fields", url.Values{"key": {"is_company"}, "scope": {"customer"}, "type": {"checkbox"}, "label.en": {"For a company"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add checkbox: %d %s", r.status, r.text(".problems"))
	}
	if r := post("/events/devcon/form/fields", url.Values{"key": {"vat_id"}, "scope": {"customer"}, "type": {"text"}, "label.en": {"VAT ID"}, "required": {"on"},
		"show_if": {"is_company"}, "show_value": {"true"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add conditional: %d %s", r.status, r.text(".problems"))
	}
	fieldCount := func() int {
		fields, err := s.db.FormFields(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(fields)
	}

	t.Run("the builder shows the attendee's form beside it, conditions included", func(t *testing.T) {
		page := b.do(http.MethodGet, "/events/devcon/form", "", "")
		preview := page.doc.Find("aside.form-preview")
		if preview.Find(`[data-show-if="is_company"][data-show-value="true"] input[name="vat_id"][required]`).Length() != 1 ||
			preview.Find(`input[type="checkbox"][name="is_company"]`).Length() != 1 {
			t.Fatalf("preview: %q", preview.Text())
		}
		if page.doc.Find(`script[src="/static/conditional.js"]`).Length() != 1 {
			t.Error("the preview does not load the script that applies conditions")
		}
	})
	t.Run("Preview shows a new field without saving it", func(t *testing.T) {
		r := post("/events/devcon/form/fields", url.Values{"key": {"po_number"}, "scope": {"customer"}, "type": {"text"}, "label.en": {"PO number"},
			"help.en": {"From your purchasing team"}, "preview": {"1"}})
		if r.status != 200 {
			t.Fatalf("preview: %d %s", r.status, r.text(".problems"))
		}
		if got := r.doc.Find(`aside.form-preview input[name="po_number"]`).Length(); got != 1 {
			t.Fatal("the previewed field is not in the preview")
		}
		if !strings.Contains(r.text("aside.form-preview"), "From your purchasing team") || !strings.Contains(r.text("aside.form-preview"), "not saved yet") {
			t.Errorf("preview text %q", r.text("aside.form-preview"))
		}
		if v, _ := r.doc.Find(`form#field-form input[name="key"]`).Attr("value"); v != "po_number" {
			t.Errorf("the form lost its values: key %q", v)
		}
		if fieldCount() != 2 {
			t.Fatal("a preview saved the field")
		}
	})
	t.Run("the edit page is filled in from the field, its key fixed", func(t *testing.T) {
		page := b.do(http.MethodGet, "/events/devcon/form/fields/vat_id", "", "")
		if page.status != 200 {
			t.Fatalf("edit page: %d", page.status)
		}
		f := page.doc.Find("form#field-form")
		if action, _ := f.Attr("action"); action != "/events/devcon/form/fields/vat_id" {
			t.Errorf("action %q", action)
		}
		key := f.Find(`input[name="key"]`)
		if v, _ := key.Attr("value"); v != "vat_id" || key.AttrOr("readonly", "no") == "no" {
			t.Errorf("key input %q, readonly %v", v, key.AttrOr("readonly", "no"))
		}
		if v, _ := f.Find(`input[name="label.en"]`).Attr("value"); v != "VAT ID" {
			t.Errorf("label %q", v)
		}
		if v, _ := f.Find(`select[name="show_when"] option[selected]`).Attr("value"); v != "is_company=true" {
			t.Errorf("condition %q", v)
		}
		if f.Find(`input[name="required"][checked]`).Length() != 1 {
			t.Error("required is not ticked")
		}
		if r := b.do(http.MethodGet, "/events/devcon/form/fields/nope", "", ""); r.status != 404 {
			t.Errorf("an unknown field: %d", r.status)
		}
	})
	t.Run("a change that breaks the form is refused with the message and nothing changes", func(t *testing.T) {
		// vat_id is asked only when is_company is ticked: is_company cannot
		// move to another part of the form.
		r := post("/events/devcon/form/fields/is_company", url.Values{"scope": {"shipping"}, "type": {"checkbox"}, "label.en": {"For a company"}})
		if r.status != 422 || r.text(".problems") == "" {
			t.Fatalf("breaking a condition: %d %q", r.status, r.text(".problems"))
		}
		r = post("/events/devcon/form/fields/vat_id", url.Values{"scope": {"customer"}, "type": {"text"}, "label.en": {"VAT"}, "max_length": {"many"}})
		if r.status != 422 || !strings.Contains(r.text(".problems"), "Enter the constraints as numbers") {
			t.Fatalf("bad constraint: %d %q", r.status, r.text(".problems"))
		}
		if v, _ := r.doc.Find(`input[name="max_length"]`).Attr("value"); v != "many" {
			t.Errorf("the typed value is not kept: %q", v)
		}
		fields, _ := s.db.FormFields(ctx, ev.ID)
		for _, f := range fields {
			if f.Key == "vat_id" && (f.Label["en"] != "VAT ID" || f.MaxLength != 0) || f.Key == "is_company" && f.Scope != "customer" {
				t.Fatalf("a refused change was stored: %+v", f)
			}
		}
	})
	t.Run("a saved change reaches the storefront under the same key", func(t *testing.T) {
		r := post("/events/devcon/form/fields/vat_id", url.Values{"key": {"sneaky"}, "scope": {"customer"}, "type": {"text"}, "label.en": {"VAT number"},
			"help.en": {"As on your invoices"}, "required": {"on"}, "max_length": {"20"}, "show_if": {"is_company"}, "show_value": {"true"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		fields, _ := s.db.FormFields(ctx, ev.ID)
		if len(fields) != 2 || fields[1].Key != "vat_id" || fields[1].Label["en"] != "VAT number" || fields[1].MaxLength != 20 || fields[1].Help["en"] != "As on your invoices" {
			t.Fatalf("after saving: %+v", fields)
		}
		waitFor(t, time.Second, func() bool {
			order := s.get("devcon.shop.test", "/order")
			return strings.Contains(order.text(`[data-show-if="is_company"]`), "VAT number") && strings.Contains(order.text(`[data-show-if="is_company"]`), "As on your invoices")
		})
	})
	t.Run("fulfilment cannot open or change a field", func(t *testing.T) {
		f := fulfilmentMember(t, s, ev)
		if r := f.do(http.MethodGet, "/events/devcon/form/fields/vat_id", "", ""); r.status != 404 {
			t.Fatalf("edit page as fulfilment: %d", r.status)
		}
	})
}

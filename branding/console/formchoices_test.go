package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestKeyFromLabel(t *testing.T) {
	taken := map[string]bool{"size": true, "size_2": true}
	for label, want := range map[string]string{
		"T-shirt size":          "t_shirt_size",
		"  Company name ":       "company_name",
		"Größe":                 "grosse",
		"Numéro de TVA":         "numero_de_tva",
		"Size":                  "size_3",
		"2nd line":              "field_2nd_line",
		"¿?":                    "field",
		"":                      "field",
		"Ünïcödé & ŒUVRE":       "unicode_oeuvre",
		strings.Repeat("a", 60): strings.Repeat("a", 36),
	} {
		if got := keyFromLabel(label, taken); got != want {
			t.Errorf("key of %q: %q, want %q", label, got, want)
		}
	}
}

func TestFormBuilderInPlainWords(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	b := signedInMember(t, s)
	page := b.get("/events/devcon/form")
	csrf := csrfOf(page)
	add := func(v url.Values) *response {
		v.Set("csrf", csrf)
		return b.post("/events/devcon/form/fields", v)
	}

	t.Run("types are offered by their names", func(t *testing.T) {
		if got := page.text(`select[name="type"] option[value="long_text"]`); got != "Long text" {
			t.Errorf("long_text is offered as %q", got)
		}
		if got := page.text(`select[name="type"] option[value="single_choice"]`); got != "Single choice" {
			t.Errorf("single_choice is offered as %q", got)
		}
	})
	t.Run("a field without a key gets one made from its label, unique in the form", func(t *testing.T) {
		for _, label := range []string{"For a company", "T-shirt size", "T-shirt size"} {
			typ, options := "checkbox", ""
			if strings.HasPrefix(label, "T-shirt") {
				typ, options = "single_choice", "s: Small\nm: Medium"
			}
			if r := add(url.Values{"scope": {"customer"}, "type": {typ}, "label.en": {label}, "options": {options}}); r.status != http.StatusSeeOther {
				t.Fatalf("add %q: %d %s", label, r.status, r.text(".problems"))
			}
		}
		fields, err := s.db.FormFields(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, f := range fields {
			keys = append(keys, f.Key)
		}
		if strings.Join(keys, ",") != "for_a_company,t_shirt_size,t_shirt_size_2" {
			t.Fatalf("keys %v", keys)
		}
		page := b.get("/events/devcon/form")
		if got := page.text(`li[data-key="t_shirt_size"] .field-type`); got != "Single choice" {
			t.Errorf("the list names the type %q", got)
		}
	})
	t.Run("a key of one's own is still checked, and the refusal names the input", func(t *testing.T) {
		r := add(url.Values{"key": {"Bad Key"}, "scope": {"customer"}, "type": {"text"}, "label.en": {"X"}})
		if r.status != 422 || !strings.HasPrefix(r.text(".problems"), "Key: ") || r.doc.Find(`.problems a[href="#key"]`).Length() != 1 {
			t.Fatalf("status %d, %q", r.status, r.text(".problems"))
		}
		if r.doc.Find(`details.advanced[open] input#key[aria-invalid="true"]`).Length() != 1 {
			t.Error("the key's input is not open and marked")
		}
	})
	t.Run("conditions are chosen from the other fields' answers", func(t *testing.T) {
		page := b.get("/events/devcon/form")
		var choices []string
		page.doc.Find(`select[name="show_when"] option`).Each(func(_ int, o *goquery.Selection) {
			choices = append(choices, o.AttrOr("value", "")+"|"+o.Text())
		})
		want := []string{"|Always", "for_a_company=true|Only when “For a company” is ticked", "for_a_company=false|Only when “For a company” is not ticked",
			"t_shirt_size=s|Only when “T-shirt size” is “Small”", "t_shirt_size=m|Only when “T-shirt size” is “Medium”",
			"t_shirt_size_2=s|Only when “T-shirt size” is “Small”", "t_shirt_size_2=m|Only when “T-shirt size” is “Medium”"}
		if strings.Join(choices, "\n") != strings.Join(want, "\n") {
			t.Fatalf("choices:\n%s\nwant:\n%s", strings.Join(choices, "\n"), strings.Join(want, "\n"))
		}
		if r := add(url.Values{"scope": {"customer"}, "type": {"text"}, "label.en": {"VAT ID"}, "show_when": {"for_a_company=true"}}); r.status != http.StatusSeeOther {
			t.Fatalf("add with a condition: %d %s", r.status, r.text(".problems"))
		}
		fields, _ := s.db.FormFields(ctx, ev.ID)
		vat := fields[len(fields)-1]
		if vat.Key != "vat_id" || vat.ShowIf == nil || vat.ShowIf.Key != "for_a_company" || vat.ShowIf.Equals != "true" {
			t.Fatalf("stored %+v", vat)
		}
		page = b.get("/events/devcon/form")
		if got := page.text(`li[data-key="vat_id"] .condition`); got != "Only when “For a company” is ticked" {
			t.Errorf("the list says the condition as %q", got)
		}
		edit := b.get("/events/devcon/form/fields/vat_id")
		if v := edit.doc.Find(`select[name="show_when"] option[selected]`).AttrOr("value", ""); v != "for_a_company=true" {
			t.Errorf("the edit form shows the condition %q", v)
		}
		if got := edit.text("form#field-form legend"); got != "Change the field “VAT ID”" {
			t.Errorf("the edit form is headed %q", got)
		}
		if edit.doc.Find(`select[name="show_when"] option[value^="vat_id="]`).Length() != 0 {
			t.Error("a field is offered a condition on itself")
		}
		if page.doc.Find(`select[name="show_when"] option[value^="vat_id="]`).Length() != 0 {
			t.Error("a conditional field is offered as a condition (no chains)")
		}
	})
	t.Run("a condition that is not one of the choices is refused, naming the input, and nothing is written", func(t *testing.T) {
		before, _ := s.db.FormFields(ctx, ev.ID)
		for _, when := range []string{"for_a_company=maybe", "nope=1", "vat_id=x", "=", "t_shirt_size=xl"} {
			r := add(url.Values{"scope": {"customer"}, "type": {"text"}, "label.en": {"Other"}, "show_when": {when}})
			if r.status != 422 || r.doc.Find(`.problems a[href="#show_when"]`).Length() != 1 || r.doc.Find(`select#show_when[aria-invalid="true"]`).Length() != 1 {
				t.Errorf("show_when %q: status %d, %q", when, r.status, r.text(".problems"))
			}
		}
		if after, _ := s.db.FormFields(ctx, ev.ID); len(after) != len(before) {
			t.Fatalf("%d fields after refusals, want %d", len(after), len(before))
		}
	})
}

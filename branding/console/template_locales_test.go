package console

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"marquee/branding"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/tenant"
	"marquee/tenant/provision"
	"marquee/tenant/staff"
)

// frenchOnly are texts of the template that only its French offers.
var frenchOnly = []string{"Sweat à capuche", "Taille unique", "Nom à imprimer", "Bienvenue"}

// trilingualTemplate is a template event in English (its default), German
// and French, with a product, a form field and copy in all three.
func trilingualTemplate(t *testing.T, s *testServer, slug string) *tenant.Tenant {
	t.Helper()
	ctx := context.Background()
	tpl, err := s.db.CreateTenant(ctx, tenant.Tenant{Slug: slug, Name: "Template", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en", "de", "fr"}},
		branding.Branding{Theme: "classic", Colours: blue, Copy: map[string]branding.Copy{
			"en": {Title: "Template", Tagline: "Welcome"}, "de": {Title: "Vorlage", Tagline: "Willkommen"}, "fr": {Title: "Modèle", Tagline: "Bienvenue"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.AddProduct(ctx, tpl.ID, storefront.Product{Visible: true,
		Name:        storefront.Text{"en": "Hoodie", "de": "Kapuzenpullover", "fr": "Sweat à capuche"},
		Description: storefront.Text{"en": "Warm", "de": "Warm und weich", "fr": "Chaud"},
		Variants:    []storefront.Variant{{Label: storefront.Text{"en": "One size", "fr": "Taille unique"}}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.db.AddFormField(ctx, tpl.ID, form.Field{Key: "print_name", Scope: form.ScopeItem, Type: form.TypeText, Position: 1,
		Label: map[string]string{"en": "Name to print", "de": "Aufdruck", "fr": "Nom à imprimer"}}); err != nil {
		t.Fatal(err)
	}
	return tpl
}

// onlyLocales fails unless texts has exactly the locales want.
func onlyLocales(t *testing.T, what string, texts map[string]string, want ...string) {
	t.Helper()
	if got := slices.Sorted(maps.Keys(texts)); !slices.Equal(got, want) {
		t.Errorf("%s in %q (%v), want only %q", what, got, texts, want)
	}
}

func TestTemplateTextsStayInTheEventsLanguages(t *testing.T) {
	s, devcon, st := consoleServer(t)
	ctx := context.Background()
	tpl := trilingualTemplate(t, s, "template")

	t.Run("an event created from a template keeps only its own languages, its default from the template's default", func(t *testing.T) {
		created, err := s.provision.Create(ctx, provision.Spec{Slug: "madrid", Name: "Madrid", DefaultLocale: "es", Locales: []string{"de", "es"}, Template: tpl.Slug})
		if err != nil {
			t.Fatal(err)
		}
		ev := created.Tenant
		cat, err := s.db.Catalogue(ctx, ev.ID)
		if err != nil || len(cat.Products) != 1 {
			t.Fatalf("catalogue %+v, %v", cat, err)
		}
		p := cat.Products[0]
		onlyLocales(t, "product name", p.Name, "de", "es")
		onlyLocales(t, "description", p.Description, "de", "es")
		onlyLocales(t, "variant label", p.Variants[0].Label, "es")
		if p.Name["es"] != "Hoodie" || p.Name["de"] != "Kapuzenpullover" {
			t.Errorf("names %v: want the German kept and the English default standing in for Spanish", p.Name)
		}
		fields, err := s.db.FormFields(ctx, ev.ID)
		if err != nil || len(fields) != 1 {
			t.Fatalf("fields %+v, %v", fields, err)
		}
		onlyLocales(t, "field label", fields[0].Label, "de", "es")
		b, err := s.db.PublishedBranding(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Sorted(maps.Keys(b.Copy)); !slices.Equal(got, []string{"de", "es"}) || b.Copy["es"].Tagline != "Welcome" || b.Copy["de"].Tagline != "Willkommen" {
			t.Errorf("copy in %q: %+v", got, b.Copy)
		}
	})
	t.Run("its pages show no language it does not offer", func(t *testing.T) {
		for _, lang := range []string{"es", "de", "fr", "en"} {
			for _, path := range []string{"/", "/order"} {
				r := s.get("madrid.shop.test", path+"?lang="+lang, "Accept-Language", lang)
				if r.status != 200 {
					t.Fatalf("%s %s: status %d", lang, path, r.status)
				}
				for _, french := range frenchOnly {
					if strings.Contains(r.body, french) {
						t.Errorf("%s in %s shows the template's French %q", path, lang, french)
					}
				}
			}
		}
		if got := s.get("madrid.shop.test", "/?lang=es").text("ul.products .name"); got != "Hoodie" {
			t.Errorf("Spanish product name %q", got)
		}
		if got := s.get("madrid.shop.test", "/?lang=de").text("ul.products .name"); got != "Kapuzenpullover" {
			t.Errorf("German product name %q", got)
		}
	})
	t.Run("copying a catalogue in the console keeps only the event's languages", func(t *testing.T) {
		if err := s.staff.SetRole(ctx, st.ID, tpl.ID, st.ID, staff.RoleMarketing); err != nil {
			t.Fatal(err)
		}
		b := signedInMember(t, s)
		csrf := csrfOf(b.do(http.MethodGet, "/events/devcon/catalogue", "", ""))
		if r := b.post("/events/devcon/catalogue/duplicate", url.Values{"csrf": {csrf}, "from": {tpl.Slug}}); r.status != http.StatusSeeOther {
			t.Fatalf("copy: %d %s", r.status, r.text(".problems"))
		}
		cat, _ := s.db.Catalogue(ctx, devcon.ID)
		if len(cat.Products) != 1 {
			t.Fatalf("catalogue %+v", cat)
		}
		onlyLocales(t, "product name", cat.Products[0].Name, "de", "en")
		onlyLocales(t, "variant label", cat.Products[0].Variants[0].Label, "en")
		fields, _ := s.db.FormFields(ctx, devcon.ID)
		if len(fields) != 1 {
			t.Fatalf("fields %+v", fields)
		}
		onlyLocales(t, "field label", fields[0].Label, "de", "en")
	})
}

package db_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/google/uuid"

	"marquee"
	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/tenant"
)

func TestPublishBrandingRefusesUnreadableColours(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "contrast")
	b, _, err := database.BrandingDraft(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	b.Colours = branding.Colours{Primary: "#ffff66", Accent: "#f59e0b", Background: "#ffffff", Text: "#111827"}
	if _, err := database.SaveBrandingDraft(ctx, ev.ID, b); err != nil {
		t.Fatalf("an unreadable draft may be saved, to try colours out: %v", err)
	}
	_, err = database.PublishBranding(ctx, ev.ID, uuid.Nil)
	if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorField(err) != "color_primary" || marquee.ErrorMessage(err) != "branding.contrast_too_low" {
		t.Fatalf("publishing #ffff66 on white: %v, want EINVALID on color_primary", err)
	}
	live, err := database.PublishedBranding(ctx, ev.ID)
	if err != nil || live.Version != 1 || live.Colours.Primary != branding.DefaultColours.Primary {
		t.Fatalf("live branding after the refusal: version %d, primary %s, %v", live.Version, live.Colours.Primary, err)
	}
	if _, hasDraft, _ := database.BrandingDraft(ctx, ev.ID); !hasDraft {
		t.Fatal("the refused draft was lost")
	}
}

func TestCreateTenantFromTemplateKeepsTheEventsLanguages(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	tpl, err := database.CreateTenant(ctx, tenant.Tenant{Slug: "template", Name: "Template", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en", "de", "fr"}},
		branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{"en": {Title: "Template"}}})
	if err != nil {
		t.Fatal(err)
	}
	stock := 7
	if _, err := database.AddProduct(ctx, tpl.ID, storefront.Product{Visible: true, PriceMinor: 900, MaxPerAttendee: 2,
		Name:        storefront.Text{"en": "Hoodie", "de": "Kapuzenpullover", "fr": "Sweat à capuche"},
		Description: storefront.Text{"fr": "Chaud"},
		Variants:    []storefront.Variant{{Label: storefront.Text{"en": "One size", "fr": "Taille unique"}, SKU: "HOOD-1", Stock: &stock}}}); err != nil {
		t.Fatal(err)
	}
	if err := database.AddFormField(ctx, tpl.ID, form.Field{Key: "size", Scope: form.ScopeItem, Type: form.TypeSingleChoice, Position: 1,
		Label:   map[string]string{"en": "Size", "de": "Größe", "fr": "Taille"},
		Help:    map[string]string{"fr": "Choisissez"},
		Options: []form.Option{{Value: "m", Label: map[string]string{"en": "Medium", "fr": "Moyen"}}}}); err != nil {
		t.Fatal(err)
	}
	ev, err := database.CreateTenantFrom(ctx, tenant.Tenant{Slug: "madrid", Name: "Madrid", Status: tenant.StatusActive, DefaultLocale: "es", Locales: []string{"de", "es"}},
		branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{"es": {Title: "Madrid"}}}, tpl.ID)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := database.Catalogue(ctx, ev.ID)
	if err != nil || len(cat.Products) != 1 {
		t.Fatalf("catalogue %+v, %v", cat, err)
	}
	p := cat.Products[0]
	for _, tc := range []struct {
		what string
		got  map[string]string
		want map[string]string
	}{
		{"product name: German kept, the template's default standing in for Spanish", p.Name, map[string]string{"de": "Kapuzenpullover", "es": "Hoodie"}},
		{"description without text in the template's default: nothing", p.Description, map[string]string{}},
		{"variant label", p.Variants[0].Label, map[string]string{"es": "One size"}},
	} {
		if !maps.Equal(tc.got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.what, tc.got, tc.want)
		}
	}
	if p.PriceMinor != 900 || p.MaxPerAttendee != 2 || p.Variants[0].SKU != "HOOD-1" || *p.Variants[0].Stock != 7 {
		t.Errorf("the copy lost price, limit, SKU or stock: %+v", p)
	}
	fields, err := database.FormFields(ctx, ev.ID)
	if err != nil || len(fields) != 1 {
		t.Fatalf("fields %+v, %v", fields, err)
	}
	f := fields[0]
	if !maps.Equal(f.Label, map[string]string{"de": "Größe", "es": "Size"}) || len(f.Help) != 0 ||
		!maps.Equal(f.Options[0].Label, map[string]string{"es": "Medium"}) || f.Type != form.TypeSingleChoice {
		t.Errorf("field %+v", f)
	}
	if err := form.ValidateForm(fields, ev.DefaultLocale); err != nil {
		t.Errorf("the copied form is not valid in the event's default language: %v", err)
	}
	src, _ := database.Catalogue(ctx, tpl.ID)
	if got := slices.Sorted(maps.Keys(src.Products[0].Name)); !slices.Equal(got, []string{"de", "en", "fr"}) {
		t.Errorf("the template itself changed: %v", got)
	}
}

package db_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant"
)

// TestRenameRetitles checks that an event's name is its title until the
// branding is edited: marquee tenant rename promises it.
func TestRenameRetitles(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev, err := database.CreateTenant(ctx,
		tenant.Tenant{Slug: "summit", Name: "Summit 2027", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en", "de", "fr"}},
		branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{
			"en": {Title: "Summit 2027", Tagline: "Three days"},
			"de": {Title: "Summit 2027", Tagline: "Drei Tage"},
			"fr": {Title: "Le Sommet", Tagline: "Trois jours"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	live := func() map[string]branding.Copy {
		t.Helper()
		c, err := database.SiteContent(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return c.Branding.Copy
	}
	if _, err := database.RenameTenant(ctx, ev.ID, "Summit Berlin"); err != nil {
		t.Fatal(err)
	}
	t.Run("the published title follows the name in every language where it was the name", func(t *testing.T) {
		c := live()
		if c["en"].Title != "Summit Berlin" || c["de"].Title != "Summit Berlin" {
			t.Fatalf("titles after the rename: en %q, de %q, want Summit Berlin", c["en"].Title, c["de"].Title)
		}
		if c["en"].Tagline != "Three days" || c["de"].Tagline != "Drei Tage" {
			t.Fatalf("the rest of the copy changed: %+v", c)
		}
	})
	t.Run("an edited title stays", func(t *testing.T) {
		if got := live()["fr"].Title; got != "Le Sommet" {
			t.Fatalf("fr title %q, want Le Sommet", got)
		}
	})

	t.Run("a draft follows the name too, but not where it was edited", func(t *testing.T) {
		draft, _, err := database.BrandingDraft(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		draft.Copy["de"] = withTitle(draft.Copy["de"], "Gipfel Berlin")
		if _, err := database.SaveBrandingDraft(ctx, ev.ID, draft); err != nil {
			t.Fatal(err)
		}
		if _, err := database.RenameTenant(ctx, ev.ID, "Summit Europe"); err != nil {
			t.Fatal(err)
		}
		d, hasDraft, err := database.BrandingDraft(ctx, ev.ID)
		if err != nil || !hasDraft {
			t.Fatalf("draft: %v, %v", hasDraft, err)
		}
		if d.Copy["en"].Title != "Summit Europe" || d.Copy["de"].Title != "Gipfel Berlin" {
			t.Fatalf("draft titles: en %q, de %q; want Summit Europe and Gipfel Berlin", d.Copy["en"].Title, d.Copy["de"].Title)
		}
		// Publishing the draft does not bring the old name back.
		if _, err := database.PublishBranding(ctx, ev.ID, uuid.Nil); err != nil {
			t.Fatal(err)
		}
		if c := live(); c["en"].Title != "Summit Europe" {
			t.Fatalf("after publishing the draft the en title is %q", c["en"].Title)
		}
	})

	t.Run("older published versions keep their titles", func(t *testing.T) {
		if _, err := database.RenameTenant(ctx, ev.ID, "Summit World"); err != nil {
			t.Fatal(err)
		}
		history, err := database.BrandingHistory(ctx, ev.ID, 10)
		if err != nil || len(history) != 2 {
			t.Fatalf("history: %d versions, %v", len(history), err)
		}
		if now, before := history[0].Branding.Copy["en"].Title, history[1].Branding.Copy["en"].Title; now != "Summit World" || before != "Summit Europe" {
			t.Fatalf("en titles of versions 2 and 1: %q and %q, want Summit World and Summit Europe", now, before)
		}
	})
}

package db_test

import (
	"context"
	"slices"
	"testing"
	"unsafe"

	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant"
)

// An event read from the database keeps its languages as the platform's
// shared copies (tenant.Locale), which a page view compares with its
// cached page's without reading memory of that event.
func TestAnEventsLanguagesAreTheSharedCopies(t *testing.T) {
	database := dbtest.New(t).Open(t, db.Options{})
	dbtest.Event(t, database, "locales", tenant.StatusActive, branding.DefaultColours)
	ev, err := database.TenantBySlug(context.Background(), "locales")
	if err != nil {
		t.Fatal(err)
	}
	shared := func(code string) bool {
		i := slices.Index(tenant.SupportedLocales, code)
		return i >= 0 && unsafe.StringData(code) == unsafe.StringData(tenant.SupportedLocales[i])
	}
	if !shared(ev.DefaultLocale) {
		t.Errorf("default language %q is a copy of its own", ev.DefaultLocale)
	}
	for _, l := range ev.Locales {
		if !shared(l) {
			t.Errorf("language %q of %v is a copy of its own", l, ev.Locales)
		}
	}
}

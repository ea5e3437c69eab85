package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"marquee/branding"
	"marquee/storefront"
	"marquee/tenant"
)

// fourLanguageEvent is an event that speaks every language Marquee has,
// with one product on offer.
func fourLanguageEvent(t *testing.T, s *testServer, slug string) (*tenant.Tenant, storefront.Product) {
	t.Helper()
	ctx := context.Background()
	copies := map[string]branding.Copy{}
	for _, l := range []string{"en", "de", "fr", "es"} {
		copies[l] = branding.Copy{Title: slug + " " + l}
	}
	ev, err := s.db.CreateTenant(ctx, tenant.Tenant{Slug: slug, Name: slug, Status: tenant.StatusActive, DefaultLocale: "en",
		Locales: []string{"en", "de", "fr", "es"}}, branding.Branding{Theme: "classic", Colours: blue, Copy: copies})
	if err != nil {
		t.Fatal(err)
	}
	shirt, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "T-shirt"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "M"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return ev, shirt
}

// message is a message of themes/locales in lang.
func message(t *testing.T, lang, id string) string {
	t.Helper()
	set, err := loadThemes()
	if err != nil {
		t.Fatal(err)
	}
	msg := set.Translations().T(lang, id)
	if msg == id || msg == "" {
		t.Fatalf("%s has no %s translation", id, lang)
	}
	return msg
}

func TestClosedShopLooksClosed(t *testing.T) {
	s := startServer(t, defaultConfig())
	ctx := context.Background()
	ev, shirt := fourLanguageEvent(t, s, "closing")
	host := "closing.shop.test"
	product := "/products/" + shirt.ID.String()

	t.Run("an open shop offers to order", func(t *testing.T) {
		r := s.get(host, "/")
		if r.status != 200 || r.doc.Find(`a[href="/order"]`).Length() != 1 || r.doc.Find("#orders-closed").Length() != 0 {
			t.Fatalf("status %d, order links %d, closed notice %d", r.status, r.doc.Find(`a[href="/order"]`).Length(), r.doc.Find("#orders-closed").Length())
		}
		if r := s.get(host, "/order"); r.status != 200 || r.doc.Find("form.order-form").Length() != 1 {
			t.Fatalf("order form of an open shop: %d", r.status)
		}
	})

	past := time.Now().Add(-time.Minute)
	if _, err := s.db.SetTenantClosesAt(ctx, ev.ID, &past); err != nil {
		t.Fatal(err)
	}
	s.settle()

	for _, lang := range []string{"en", "de", "fr", "es"} {
		t.Run("after its closing time the landing page says orders closed, without Order now, in "+lang, func(t *testing.T) {
			r := s.get(host, "/?lang="+lang)
			if r.status != 200 {
				t.Fatalf("status %d", r.status)
			}
			if n := r.doc.Find(`a[href="/order"]`).Length(); n != 0 {
				t.Errorf("%d links to the order form on a closed shop", n)
			}
			if got, want := r.text("#orders-closed"), message(t, lang, "landing.orders_closed"); got != want {
				t.Errorf("closed notice %q, want %q", got, want)
			}
		})
		t.Run("after its closing time GET /order is a themed page saying orders closed, without the form, in "+lang, func(t *testing.T) {
			r := s.get(host, "/order?lang="+lang)
			if r.status != http.StatusOK {
				t.Fatalf("status %d, want 200", r.status)
			}
			if r.doc.Find("form.order-form").Length() != 0 || r.doc.Find(`input[name="csrf"]`).Length() != 0 {
				t.Error("the order form is still shown")
			}
			if got, want := r.text("h1"), message(t, lang, "closed.orders_heading"); got != want {
				t.Errorf("heading %q, want %q", got, want)
			}
			if got, want := r.text("section.notice p"), message(t, lang, "closed.orders_body"); got != want {
				t.Errorf("text %q, want %q", got, want)
			}
			if got := r.text("p.event-name"); got != "closing "+lang {
				t.Errorf("event name %q: the page is not the event's", got)
			}
		})
	}
	t.Run("after its closing time a product page offers nothing to choose", func(t *testing.T) {
		r := s.get(host, product)
		if r.status != 200 || r.doc.Find("form.variant-picker").Length() != 0 || r.text("#orders-closed") != message(t, "en", "landing.orders_closed") {
			t.Fatalf("status %d, picker %d, notice %q", r.status, r.doc.Find("form.variant-picker").Length(), r.text("#orders-closed"))
		}
	})
	t.Run("moving the closing time into the future opens the shop again", func(t *testing.T) {
		future := time.Now().Add(time.Hour)
		if _, err := s.db.SetTenantClosesAt(ctx, ev.ID, &future); err != nil {
			t.Fatal(err)
		}
		s.settle()
		if r := s.get(host, "/"); r.doc.Find(`a[href="/order"]`).Length() != 1 {
			t.Fatal("no Order now after reopening")
		}
		if r := s.get(host, "/order"); r.doc.Find("form.order-form").Length() != 1 {
			t.Fatal("no order form after reopening")
		}
	})
	t.Run("an archived event shows its ended page, without Order now", func(t *testing.T) {
		if _, err := s.db.SetTenantStatus(ctx, ev.ID, tenant.StatusArchived); err != nil {
			t.Fatal(err)
		}
		s.settle()
		for _, path := range []string{"/", "/order", product} {
			r := s.get(host, path)
			if r.status != http.StatusGone || r.doc.Find(`a[href="/order"]`).Length() != 0 || r.doc.Find("form").Length() != 0 ||
				r.text("h1") != message(t, "en", "closed.archived_heading") {
				t.Errorf("%s: status %d, heading %q", path, r.status, r.text("h1"))
			}
		}
	})
}

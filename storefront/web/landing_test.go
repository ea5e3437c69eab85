package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"marquee/storefront"
	"marquee/tenant"
)

// setFacts stores an event's zone, pick-up facts and closing time, and
// drops what the storefront kept of it.
func (s *storefrontApp) setFacts(ev *tenant.Tenant, st storefront.Settings, closesAt *time.Time) {
	s.t.Helper()
	ctx := context.Background()
	if err := s.db.SaveSettings(ctx, ev.ID, st); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.db.SetTenantClosesAt(ctx, ev.ID, closesAt); err != nil {
		s.t.Fatal(err)
	}
	s.changed(ev.ID)
}

func TestLandingStatesTheEventsFacts(t *testing.T) {
	s := newStorefrontApp(t)
	ev := s.welcomeEvent("facts")
	s.product(ev, storefront.Product{Name: storefront.Text{"en": "T-shirt"}})
	v := s.visitor("facts." + testBase)
	closes := time.Date(2030, 4, 5, 22, 0, 0, 0, time.UTC) // a Friday, 18:00 in New York (summer time)

	t.Run("the closing time in the event's zone, the zone named, and where to pick up", func(t *testing.T) {
		s.setFacts(ev, storefront.Settings{AttendeeCanCancel: true, TimeZone: "America/New_York",
			PickupPlace: "Registration desk, Hall A", PickupDetails: "Friday 9:00 to 17:00.\n\nBring your order number."}, &closes)
		p := v.get("/")
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		if got := p.text("#closes-at"); got != "Friday 5 April 2030, 18:00 EDT" {
			t.Errorf("closes at %q", got)
		}
		if got, _ := p.doc.Find("#closes-at").Attr("datetime"); got != "2030-04-05T22:00:00Z" {
			t.Errorf("datetime %q", got)
		}
		if got := p.text(".zone-note"); !strings.Contains(got, "America/New York") {
			t.Errorf("zone note %q", got)
		}
		if got := p.text("#pickup .pickup-place"); got != "Registration desk, Hall A" {
			t.Errorf("pick-up place %q", got)
		}
		if got := p.doc.Find("#pickup p").Length(); got != 3 {
			t.Errorf("pick-up shows %d paragraphs, want place and two of details", got)
		}
		if p.doc.Find("#countdown").Length() != 0 {
			t.Errorf("a countdown years before the end: %q", p.text("#countdown"))
		}
		if p.doc.Find("#delivery").Length() != 0 {
			t.Error("an event picked up on site says it ships")
		}
	})
	t.Run("in German, German words and the same instant", func(t *testing.T) {
		p := v.get("/?lang=de")
		if got := p.text("#closes-at"); got != "Freitag, 5. April 2030, 18:00 Uhr EDT" {
			t.Errorf("closes at %q", got)
		}
		if got, want := p.text(".fact-deadline dt"), message(t, "de", "landing.order_by"); got != want {
			t.Errorf("label %q, want %q", got, want)
		}
	})
	t.Run("an event that ships says so instead of a pick-up place", func(t *testing.T) {
		s.setFacts(ev, storefront.Settings{Ships: true, TimeZone: "Europe/Berlin", PickupPlace: "Not shown"}, &closes)
		p := v.get("/")
		if got, want := p.text("#delivery"), message(t, "en", "landing.ships"); got != want {
			t.Errorf("delivery %q, want %q", got, want)
		}
		if p.doc.Find("#pickup").Length() != 0 {
			t.Error("a shipping event shows a pick-up place")
		}
		if got := p.text("#closes-at"); got != "Saturday 6 April 2030, 00:00 CEST" {
			t.Errorf("closes at %q in Berlin", got)
		}
	})
	t.Run("an event that never closes and gave no pick-up place states no facts", func(t *testing.T) {
		s.setFacts(ev, storefront.Settings{TimeZone: "Europe/Berlin"}, nil)
		if p := v.get("/"); p.doc.Find("section.facts").Length() != 0 {
			t.Errorf("facts shown: %q", p.text("section.facts"))
		}
	})
}

func TestLandingCountsDownNearTheEnd(t *testing.T) {
	s := newStorefrontApp(t)
	ev := s.welcomeEvent("countdown")
	s.product(ev, storefront.Product{Name: storefront.Text{"en": "T-shirt"}})
	v := s.visitor("countdown." + testBase)
	for _, c := range []struct {
		left       time.Duration
		lang, want string
	}{
		{10 * 24 * time.Hour, "en", ""},
		{2*24*time.Hour + 5*time.Hour, "en", "Orders close in 2 days"},
		{30 * time.Hour, "en", "Orders close in 1 day"},
		{3*time.Hour + 10*time.Minute, "en", "Orders close in 3 hours"},
		{3*time.Hour + 10*time.Minute, "de", "Bestellschluss in 3 Stunden"},
		{20 * time.Minute, "en", "Orders close in 20 minutes"},
	} {
		name := c.want
		if name == "" {
			name = "no countdown ten days before"
		}
		t.Run(name, func(t *testing.T) {
			at := time.Now().Add(c.left)
			s.setFacts(ev, storefront.Settings{TimeZone: "Europe/Berlin"}, &at)
			p := v.get("/?lang=" + c.lang)
			if got := p.text("#countdown"); got != c.want {
				t.Errorf("countdown %q, want %q", got, c.want)
			}
			if c.want != "" && p.doc.Find(`.hero a[href="/order"]`).Length() != 1 {
				t.Error("the countdown stands without the call to order in the hero")
			}
		})
	}
	t.Run("once closed, no countdown and no call to order, but when it closed", func(t *testing.T) {
		at := time.Now().Add(-time.Minute)
		s.setFacts(ev, storefront.Settings{TimeZone: "Europe/Berlin"}, &at)
		p := v.get("/")
		if p.doc.Find("#countdown").Length() != 0 || p.doc.Find(`a[href="/order"]`).Length() != 0 {
			t.Errorf("countdown %q, order links %d", p.text("#countdown"), p.doc.Find(`a[href="/order"]`).Length())
		}
		if got, want := p.text(".fact-deadline dt"), message(t, "en", "landing.closed_at"); got != want {
			t.Errorf("label %q, want %q", got, want)
		}
		if got := v.get("/order").text("#closed-at"); !strings.HasPrefix(got, "Orders closed on ") || !strings.Contains(got, "CE") {
			t.Errorf("the order page's closed notice %q", got)
		}
	})
}

func TestMetaDescription(t *testing.T) {
	s := newStorefrontApp(t)
	ev := s.welcomeEvent("meta")
	s.event("bare", "en") // no tagline
	shirt := s.product(ev, storefront.Product{Name: storefront.Text{"en": "T-shirt"},
		Description: storefront.Text{"en": "Organic cotton, printed in Berlin.\n\nOne per attendee."}})
	plain := s.product(ev, storefront.Product{Name: storefront.Text{"en": "Socks"}})
	meta := func(p *page) string {
		t.Helper()
		if n := p.doc.Find(`head meta[name="description"]`).Length(); n != 1 {
			t.Fatalf("%d meta descriptions", n)
		}
		d, _ := p.doc.Find(`head meta[name="description"]`).Attr("content")
		return d
	}
	for _, c := range []struct{ name, path, host, want string }{
		{"the landing page has the tagline", "/", "meta", "English tagline"},
		{"in the page's language", "/?lang=de", "meta", "Deutscher Untertitel"},
		{"a product has its description's first paragraph", "/products/" + shirt.ID.String(), "meta", "Organic cotton, printed in Berlin."},
		{"a product without one has the event's", "/products/" + plain.ID.String(), "meta", "English tagline"},
		{"an event without a tagline names the event", "/", "bare", "Order your merchandise for bare en."},
		{"the order form has one", "/order", "meta", "English tagline"},
		{"an unknown host has the platform's", "/", "nowhere", message(t, "en", "meta.platform")},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := meta(s.visitor(c.host + "." + testBase).get(c.path)); got != c.want {
				t.Errorf("description %q, want %q", got, c.want)
			}
		})
	}
}

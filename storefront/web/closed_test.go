package web

import (
	"context"
	"net/http"
	"testing"
	"time"

	"marquee/storefront"
	"marquee/tenant"
)

func TestClosedShopLooksClosed(t *testing.T) {
	s := newStorefrontApp(t)
	ctx := context.Background()
	ev := s.event("closing", "en", "de", "fr", "es")
	shirt := s.product(ev, storefront.Product{Name: storefront.Text{"en": "T-shirt"}})
	v := s.visitor("closing." + testBase)
	product := "/products/" + shirt.ID.String()
	// Closing in a moment: the pages viewed before must not outlive it.
	closesAt := time.Now().Add(2 * time.Second)
	if _, err := s.db.SetTenantClosesAt(ctx, ev.ID, &closesAt); err != nil {
		t.Fatal(err)
	}
	s.changed(ev.ID)

	t.Run("before its closing time the shop offers to order", func(t *testing.T) {
		if p := v.get("/"); p.status != 200 || p.doc.Find(`a[href="/order"]`).Length() != 1 || p.doc.Find("#orders-closed").Length() != 0 {
			t.Fatalf("landing: status %d, order links %d", p.status, p.doc.Find(`a[href="/order"]`).Length())
		}
		if p := v.get("/order"); p.status != 200 || p.doc.Find("form.order-form").Length() != 1 {
			t.Fatalf("order form: status %d", p.status)
		}
		if p := v.get(product); p.doc.Find("form.variant-picker").Length() != 1 {
			t.Fatal("no variant picker")
		}
	})

	// The closing time passes; nothing about the event changes, so the
	// pages cached while it was open must not be served any more.
	time.Sleep(time.Until(closesAt) + 10*time.Millisecond)

	for _, lang := range []string{"en", "de", "fr", "es"} {
		t.Run("after its closing time the landing page says orders closed, without Order now, in "+lang, func(t *testing.T) {
			p := v.get("/?lang=" + lang)
			if p.status != http.StatusOK {
				t.Fatalf("status %d", p.status)
			}
			if n := p.doc.Find(`a[href="/order"]`).Length(); n != 0 {
				t.Errorf("%d links to the order form", n)
			}
			if got, want := p.text("#orders-closed"), message(t, lang, "landing.orders_closed"); got != want {
				t.Errorf("notice %q, want %q", got, want)
			}
		})
		t.Run("after its closing time GET /order is a themed 200 page saying orders closed, without the form, in "+lang, func(t *testing.T) {
			p := v.get("/order?lang=" + lang)
			if p.status != http.StatusOK {
				t.Fatalf("status %d, want 200", p.status)
			}
			if p.doc.Find("form").Length() != 0 {
				t.Error("the order form is still shown")
			}
			if got, want := p.text("h1"), message(t, lang, "closed.orders_heading"); got != want {
				t.Errorf("heading %q, want %q", got, want)
			}
			if got, want := p.text("section.notice p"), message(t, lang, "closed.orders_body"); got != want {
				t.Errorf("text %q, want %q", got, want)
			}
			if got := p.text("p.event-name"); got != "closing "+lang {
				t.Errorf("event %q: not the event's own page", got)
			}
		})
	}
	t.Run("after its closing time a product page offers nothing to choose", func(t *testing.T) {
		p := v.get(product)
		if p.status != 200 || p.doc.Find("form.variant-picker").Length() != 0 || p.text("#orders-closed") != message(t, "en", "landing.orders_closed") {
			t.Fatalf("status %d, pickers %d, notice %q", p.status, p.doc.Find("form.variant-picker").Length(), p.text("#orders-closed"))
		}
	})
	t.Run("an archived event shows its ended page everywhere, without Order now", func(t *testing.T) {
		if _, err := s.db.SetTenantStatus(ctx, ev.ID, tenant.StatusArchived); err != nil {
			t.Fatal(err)
		}
		s.changed(ev.ID)
		for _, path := range []string{"/", "/order", product} {
			p := v.get(path)
			if p.status != http.StatusGone || p.doc.Find(`a[href="/order"]`).Length() != 0 || p.doc.Find("form").Length() != 0 ||
				p.text("h1") != message(t, "en", "closed.archived_heading") {
				t.Errorf("%s: status %d, heading %q", path, p.status, p.text("h1"))
			}
		}
	})
}

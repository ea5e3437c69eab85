package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"marquee/storefront"
)

func TestPerAttendeeLimitIsStated(t *testing.T) {
	s := newStorefrontApp(t)
	ev := s.event("limits", "en", "de")
	shirt := s.product(ev, storefront.Product{Name: storefront.Text{"en": "T-shirt"}, Position: 1, MaxPerAttendee: 1})
	s.product(ev, storefront.Product{Name: storefront.Text{"en": "Hoodie"}, Position: 2})
	v := s.visitor("limits." + testBase)
	order := func(quantity string) url.Values {
		values := v.orderForm()
		values.Set("line.0.variant", shirt.Variants[0].ID.String())
		values.Set("line.0.quantity", quantity)
		values.Set("name", "Ada Lovelace")
		values.Set("email", "ada@example.com")
		values.Set("action", "place")
		return values
	}

	t.Run("the product page states the per-attendee limit", func(t *testing.T) {
		for lang, want := range map[string]string{"en": "At most 1 per attendee.", "de": message(t, "de", "catalogue.max_per_attendee", "Count", 1)} {
			p := v.get("/products/" + shirt.ID.String() + "?lang=" + lang)
			if p.status != 200 || p.text("#max-per-attendee") != want {
				t.Errorf("%s: status %d, limit %q, want %q", lang, p.status, p.text("#max-per-attendee"), want)
			}
		}
	})
	t.Run("the quantity input's max is the per-attendee limit", func(t *testing.T) {
		p := v.get("/order")
		if max, _ := p.doc.Find(`input[name="line.0.quantity"]`).Attr("max"); max != "1" {
			t.Errorf("T-shirt max %q, want 1", max)
		}
		if max, _ := p.doc.Find(`input[name="line.1.quantity"]`).Attr("max"); max != "20" {
			t.Errorf("hoodie (no limit) max %q, want the form's 20", max)
		}
	})
	t.Run("a first order over the limit is told the limit, not that it already ordered", func(t *testing.T) {
		p := v.post("/order", order("2"))
		if p.status != http.StatusConflict {
			t.Fatalf("status %d, want 409", p.status)
		}
		got := p.text("#line-0 p.error")
		if got != "At most 1 of this item per attendee." {
			t.Errorf("line error %q", got)
		}
		if summary := p.text("#problems li"); summary != "T-shirt: "+got {
			t.Errorf("summary %q, want the line's %q naming the product", summary, got)
		}
		if strings.Contains(p.body, "already ordered") {
			t.Error("says already ordered")
		}
	})
	t.Run("an order within the limit after an earlier one is told it already ordered", func(t *testing.T) {
		if p := v.post("/order", order("1")); p.status != http.StatusSeeOther {
			t.Fatalf("first order: %d %s", p.status, p.text("#problems"))
		}
		p := v.post("/order", order("1"))
		if p.status != http.StatusConflict || p.text("#line-0 p.error") != "You have already ordered as many of this item as one person may." {
			t.Fatalf("second order: %d %q", p.status, p.text("#line-0 p.error"))
		}
	})
}

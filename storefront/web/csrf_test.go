package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"marquee/storefront"
	"marquee/tenant"
)

// orderOf is a complete order of one unit of p on the form v opened.
func orderOf(v *visitor, p storefront.Product) url.Values {
	form := v.orderForm()
	form.Set("line.0.variant", p.Variants[0].ID.String())
	form.Set("line.0.quantity", "1")
	form.Set("name", "Ada Lovelace")
	form.Set("email", "ada@example.com")
	form.Set("action", "place")
	return form
}

// postOrder posts form to /order as v, with headers (name, value pairs).
func postOrder(v *visitor, form url.Values, headers ...string) *page {
	req := httptest.NewRequest(http.MethodPost, "/order", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req, headers...)
}

// orders counts an event's orders.
func (s *storefrontApp) orders(ev *tenant.Tenant) int {
	s.t.Helper()
	var n int
	err := s.db.InTenant(context.Background(), ev.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT count(*) FROM orders").Scan(&n)
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return n
}

func TestCSRFIsBoundToTheEventsHost(t *testing.T) {
	s := newStorefrontApp(t)
	north, south := s.event("north", "en"), s.event("south", "en")
	northShirt := s.product(north, storefront.Product{Name: storefront.Text{"en": "T-shirt"}})
	southShirt := s.product(south, storefront.Product{Name: storefront.Text{"en": "T-shirt"}})
	taken := s.visitor("north." + testBase)
	northOrder := orderOf(taken, northShirt)

	t.Run("a token and cookie pair taken from one event places no order on another", func(t *testing.T) {
		forger := s.visitor("south." + testBase)
		order := orderOf(forger, southShirt) // south's products and key
		order.Set("csrf", northOrder.Get("csrf"))
		forger.cookies = map[string]string{"csrf": taken.cookies["csrf"]}
		if p := postOrder(forger, order); p.status != http.StatusForbidden {
			t.Errorf("status %d, want 403", p.status)
		}
		if n := s.orders(south); n != 0 {
			t.Fatalf("%d orders placed with another event's token", n)
		}
	})
	t.Run("Origin: null is refused even with a valid token", func(t *testing.T) {
		if p := postOrder(taken, northOrder, "Origin", "null"); p.status != http.StatusForbidden {
			t.Errorf("status %d, want 403", p.status)
		}
		if n := s.orders(north); n != 0 {
			t.Fatalf("%d orders placed from Origin: null", n)
		}
	})
	t.Run("the event's own pair, from its own origin, places the order", func(t *testing.T) {
		if p := postOrder(taken, northOrder, "Origin", "http://north."+testBase); p.status != http.StatusSeeOther {
			t.Errorf("status %d, want 303: %s", p.status, p.text("p.message, .problem"))
		}
		if n := s.orders(north); n != 1 {
			t.Fatalf("%d orders, want 1", n)
		}
	})
}

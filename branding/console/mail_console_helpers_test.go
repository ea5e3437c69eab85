package console

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/tenant"
)

// wantEmailFrameCSP is the policy of an email's HTML part in the console.
const wantEmailFrameCSP = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'"

// enMessage is a message of en.toml, as the console shows it.
func enMessage(s *testServer, id string, kv ...any) string {
	return s.themes.Translations().T("en", id, kv...)
}

// addSizedProduct adds a product in S, M and L to ev.
func addSizedProduct(t *testing.T, s *testServer, ev *tenant.Tenant, name string) storefront.Product {
	t.Helper()
	p, err := s.db.AddProduct(context.Background(), ev.ID, storefront.Product{Name: storefront.Text{"en": name}, Visible: true, PriceMinor: 3000,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "S"}, Position: 1}, {Label: storefront.Text{"en": "M"}, Position: 2},
			{Label: storefront.Text{"en": "L"}, Position: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// placeOrderOf places an order of one variant of p for ev.
func placeOrderOf(t *testing.T, s *testServer, ev *tenant.Tenant, p storefront.Product, variant int, name string) *storefront.Order {
	t.Helper()
	o, err := s.db.PlaceOrder(context.Background(), ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "buyer@example.com",
		Name: name, Locale: "en", Lines: []storefront.Line{{ProductID: p.ID, VariantID: p.Variants[variant].ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

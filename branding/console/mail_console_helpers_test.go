package console

import (
	"testing"

	"marquee/db/dbtest"
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
	return dbtest.SizedProduct(t, s.db, ev.ID, name)
}

// placeOrderOf places an order of one variant of p for ev.
func placeOrderOf(t *testing.T, s *testServer, ev *tenant.Tenant, p storefront.Product, variant int, name string) *storefront.Order {
	t.Helper()
	return dbtest.PlaceOrder(t, s.db, ev.ID, p, variant, name)
}

package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/pickupqr"
)

func TestStatusPageShowsThePickupCode(t *testing.T) {
	ctx := context.Background()
	s := newStorefrontApp(t)
	sh := newShop(t, s, "pickups")
	u := placedOrder(t, sh)
	number := strings.TrimPrefix(u.Path, "/orders/")
	tokens := s.handler.Links.PickupTokens()

	t.Run("an order to collect shows the QR code of its pick-up token, its number under it", func(t *testing.T) {
		page := sh.do(http.MethodGet, u.String(), "", "")
		svg := page.doc.Find(`.pickup-code figure svg#pickup-qr[role="img"]`)
		if page.status != http.StatusOK || svg.Length() != 1 {
			t.Fatalf("%d, no QR code on the status page", page.status)
		}
		if alt, _ := svg.Attr("aria-label"); alt != "QR code to pick up order "+number {
			t.Errorf("the code's text alternative is %q", alt)
		}
		want, err := pickupqr.Encode(tokens.Token(sh.ev.ID, number))
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := svg.Find("path").Attr("d"); d != want.Path() {
			t.Errorf("the code drawn is not the order's pick-up token's")
		}
		if got := page.text(".pickup-code figcaption"); got != number {
			t.Errorf("under the code: %q, want the number %s", got, number)
		}
		if page.text("#pickup-code-title") != "Your pick-up code" {
			t.Errorf("heading %q", page.text("#pickup-code-title"))
		}
	})
	t.Run("in the attendee's language", func(t *testing.T) {
		page := sh.do(http.MethodGet, u.String()+"&lang=de", "", "")
		if alt, _ := page.doc.Find("svg#pickup-qr").Attr("aria-label"); alt != "QR-Code zur Abholung der Bestellung "+number {
			t.Errorf("German text alternative %q", alt)
		}
	})
	t.Run("a cancelled order shows no code", func(t *testing.T) {
		if _, err := s.db.CancelOrder(ctx, sh.ev.ID, number, "attendee"); err != nil {
			t.Fatal(err)
		}
		page := sh.do(http.MethodGet, u.String(), "", "")
		if page.status != http.StatusOK || page.doc.Find("#pickup-qr, .pickup-code").Length() != 0 {
			t.Fatalf("%d, a cancelled order still shows its pick-up code", page.status)
		}
	})
	t.Run("a shipped order shows no code", func(t *testing.T) {
		shipping := newShop(t, s, "shipping-codes")
		settings := storefront.DefaultSettings()
		settings.Ships, settings.CommonCountries = true, []string{"DE"}
		if err := s.db.SaveSettings(ctx, shipping.ev.ID, settings); err != nil {
			t.Fatal(err)
		}
		s.changed(shipping.ev.ID)
		o, err := s.db.PlaceOrder(ctx, shipping.ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "ship@example.com", Name: "Ada", Locale: "en",
			Address: &address.Address{Name: "Ada", Line1: "Old Street 1", Locality: "Berlin", PostalCode: "10115", CountryCode: "DE"},
			Lines:   []storefront.Line{{ProductID: shipping.hoodie.ID, VariantID: shipping.hoodie.Variants[0].ID, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		page := shipping.do(http.MethodGet, s.handler.Links.Path(shipping.ev.ID, o.Number), "", "")
		if page.status != http.StatusOK || page.doc.Find("#pickup-qr").Length() != 0 {
			t.Fatalf("%d, a shipped order shows a pick-up code", page.status)
		}
	})
}

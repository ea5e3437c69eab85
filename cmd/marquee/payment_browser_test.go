package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"marquee/storefront"
	"marquee/storefront/payments"
	"marquee/storefront/payments/stripetest"
	"marquee/tenant/web/browsertest"
)

// TestBrowserPayOnline: an attendee orders a priced hoodie, chooses to pay
// online, pays on the checkout page (stripetest's, which sends Stripe's
// signed webhook to the console's /webhooks/stripe before it returns the
// browser to the shop) and lands on the order's status page saying it is
// paid. The order form with its payment choice and the status page have
// no axe violations.
func TestBrowserPayOnline(t *testing.T) {
	exe := chromiumPath(t)
	stripe := stripetest.Start(t, stripetest.Options{})
	cfg := defaultConfig()
	cfg.Stripe = payments.Config{SecretKey: stripetest.SecretKey, WebhookSecret: stripetest.WebhookSecret, APIBase: stripe.URL}
	s := startServer(t, cfg)
	stripe.SetWebhook(s.url+"/webhooks/stripe", consoleHost)
	sh := newShop(t, s, "devcon")
	ctx := context.Background()
	settings, err := s.db.Settings(ctx, sh.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	settings.PayAtPickup = true
	if err := s.db.SaveSettings(ctx, sh.ev.ID, settings); err != nil {
		t.Fatal(err)
	}
	s.settle()
	b := newBrowser(t, exe, s, sh.host)

	b.open("/order")
	if !b.checked("#payment-online") || b.checked("#payment-at-pickup") {
		t.Fatal("paying online is not the form's choice")
	}
	browsertest.CheckAxe(t, b.ctx, "the order form with its payment choice")
	b.click("#line-1 .stepper button:last-child") // a hoodie, €35
	b.typeInto(`input[name="name"]`, "Ada Lovelace")
	b.typeInto(`input[name="email"]`, "ada@example.com")
	b.click(`input[name="consent"]`)
	res := b.follow("#place-order")
	if res.Status != http.StatusOK || !strings.HasPrefix(res.URL, stripe.URL+"/pay/") {
		t.Fatalf("after placing: %d at %s, want the checkout page", res.Status, res.URL)
	}
	if got := b.text("#amount"); got != "Total: 35.00 EUR" {
		t.Errorf("the checkout asks for %q", got)
	}
	if n := sh.orders(); n != 1 {
		t.Fatalf("%d orders while paying, want 1", n)
	}
	var pending storefront.PaymentState
	if err := s.db.Pool.QueryRow(ctx, "SELECT payment_state FROM orders WHERE tenant_id = $1", sh.ev.ID).Scan(&pending); err != nil {
		t.Fatal(err)
	}

	res = b.follow("#pay")
	loc := b.location()
	if res.Status != http.StatusOK || !strings.HasPrefix(loc.Path, "/orders/") {
		t.Fatalf("after paying: %d at %s, want the status page", res.Status, res.URL)
	}
	b.inGerman(res)
	if got, want := b.text("#payment-state"), german(t, "payment.state.paid"); got != want {
		t.Errorf("the status page says %q, want %q", got, want)
	}
	if got, want := b.text("#current-status"), german(t, "status.placed"); got != want {
		t.Errorf("status %q, want %q", got, want)
	}
	browsertest.CheckAxe(t, b.ctx, "the status page of a paid order")
	if d := stripe.Deliveries(); len(d) != 1 || d[0].Status != http.StatusOK || d[0].Type != "checkout.session.completed" {
		t.Errorf("webhooks %+v", d)
	}
	o, err := s.db.OrderByNumber(ctx, sh.ev.ID, strings.TrimPrefix(loc.Path, "/orders/"))
	if err != nil {
		t.Fatal(err)
	}
	if pending != storefront.PaymentPending || o.PaymentState != storefront.PaymentPaid || o.Status != storefront.StatusPlaced ||
		o.TotalMinor != 3500 || o.PaymentIntentID == "" {
		t.Errorf("while paying %q; after: %q %q %d %q", pending, o.PaymentState, o.Status, o.TotalMinor, o.PaymentIntentID)
	}
}

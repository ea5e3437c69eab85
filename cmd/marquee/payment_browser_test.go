package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/payments"
	"marquee/storefront/payments/stripetest"
	"marquee/tenant/staff"
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

// TestBrowserPayAtPickup: with Stripe on and paying at pick-up allowed,
// an attendee orders a priced hoodie choosing "Pay at pick-up": no
// checkout, the status page says it is to be paid at pick-up. A
// fulfilment member opens the order in the console, marks it paid, and
// the console and the attendee's status page say paid. No page has axe
// violations.
func TestBrowserPayAtPickup(t *testing.T) {
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
	dbtest.Member(t, s.platform.staff, "desk@example.com", "Dee", false, sh.ev, staff.RoleFulfilment)
	s.settle()
	console, attendee := newEnglishBrowser(t, exe, s, sh.host, 3*time.Minute)

	attendee.inEnglish(attendee.open("/order"))
	attendee.click("#payment-at-pickup")
	attendee.click("#line-1 .stepper button:last-child") // a hoodie, €35
	attendee.typeInto(`input[name="name"]`, "Grace Hopper")
	attendee.typeInto(`input[name="email"]`, "grace@example.com")
	// In the middle of the window: at its foot, the summary bar kept in view covers it.
	eval[bool](attendee, `(document.querySelector('input[name="consent"]').scrollIntoView({block: "center"}), true)`)
	attendee.click(`input[name="consent"]`)
	if !attendee.checked(`input[name="consent"]`) || !attendee.checked("#payment-at-pickup") {
		t.Fatalf("consent ticked %v, pay at pick-up chosen %v", attendee.checked(`input[name="consent"]`), attendee.checked("#payment-at-pickup"))
	}
	res := attendee.follow("#place-order")
	status := attendee.location()
	if res.Status != http.StatusOK || !strings.HasPrefix(status.Path, "/orders/") {
		t.Fatalf("after placing: %d at %s, want the status page: %q", res.Status, res.URL, attendee.text("main"))
	}
	number := strings.TrimPrefix(status.Path, "/orders/")
	if got, want := attendee.text("#payment-state"), enMessage(s, "payment.state.at_pickup"); got != want {
		t.Errorf("the status page says %q, want %q", got, want)
	}
	if got, want := attendee.text("#current-status"), enMessage(s, "status.placed"); got != want {
		t.Errorf("status %q, want %q", got, want)
	}
	if attendee.count("#pay-now") != 0 {
		t.Error("the status page offers to pay online")
	}
	browsertest.CheckAxe(t, attendee.ctx, "the status page of an order to pay at pick-up")
	if d := stripe.Deliveries(); len(d) != 0 {
		t.Errorf("Stripe was involved: %+v", d)
	}

	console.open("/login")
	console.typeInto(`form.console-login input[name="email"]`, "desk@example.com")
	console.typeInto(`form.console-login input[name="password"]`, dbtest.Password)
	console.at(console.follow(`form.console-login button[type="submit"]`), "/")
	orderPage := "/events/devcon/orders/" + number
	console.at(console.open(orderPage), orderPage)
	if got, want := console.text("#payment-state"), enMessage(s, "payment.state.at_pickup"); got != want {
		t.Errorf("the console says %q, want %q", got, want)
	}
	browsertest.CheckAxe(t, console.ctx, "the console's order to pay at pick-up")
	console.at(console.follow("#mark-paid"), orderPage)
	if got, want := console.text("#flash"), enMessage(s, "console.orders.marked_paid"); got != want {
		t.Errorf("the console's notice %q, want %q", got, want)
	}
	if got, want := console.text("#payment-state"), enMessage(s, "payment.state.paid"); got != want || console.count("#mark-paid") != 0 {
		t.Errorf("after marking: %q (want %q), %d Mark paid buttons", got, want, console.count("#mark-paid"))
	}

	attendee.open(status.RequestURI())
	if got, want := attendee.text("#payment-state"), enMessage(s, "payment.state.paid"); got != want {
		t.Errorf("the status page says %q after the desk, want %q", got, want)
	}
	o, err := s.db.OrderByNumber(ctx, sh.ev.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	if o.PaymentState != storefront.PaymentPaid || o.TotalMinor != 3500 || o.PaymentIntentID != "" {
		t.Errorf("the order: %q, %d, intent %q", o.PaymentState, o.TotalMinor, o.PaymentIntentID)
	}
}

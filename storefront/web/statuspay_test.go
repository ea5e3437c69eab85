package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/payments"
	"marquee/storefront/payments/stripetest"
)

// TestAPricedOrderGoesToItsCheckout: with online payments a priced order
// is redirected to its checkout (stripetest's hosted page); its status
// page says the payment is waiting, until when the items are held, and
// offers "Pay now", which reopens the same checkout; once paid it says so
// without the button. A checkout that cannot be opened lands on the status
// page saying so. Another event's order cannot be paid through this one.
func TestAPricedOrderGoesToItsCheckout(t *testing.T) {
	s := newStorefrontApp(t)
	ctx := context.Background()
	sh := newShop(t, s, "devcon")
	srv := stripetest.Start(t, stripetest.Options{})
	client := payments.New(payments.Config{SecretKey: stripetest.SecretKey, WebhookSecret: stripetest.WebhookSecret, APIBase: srv.URL})
	s.db.OnlinePayments, s.handler.OnlinePayments = true, true
	s.handler.Payments = payments.Checkouts{Client: client, Store: s.db}

	r := sh.post("/order", sh.validOrder())
	checkout := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(checkout, srv.URL+"/pay/cs_") {
		t.Fatalf("placing a priced order: %d to %q, want 303 to the checkout", r.status, checkout)
	}
	ses := srv.Sessions()
	if len(ses) != 1 || ses[0].AmountTotal != 3500 || ses[0].Currency != "eur" || !strings.HasPrefix(ses[0].CancelURL, "http") {
		t.Fatalf("sessions %+v", ses)
	}
	back, err := url.Parse(ses[0].CancelURL)
	if err != nil {
		t.Fatal(err)
	}
	number := strings.TrimPrefix(back.Path, "/orders/")
	status := back.Path + "?" + back.RawQuery
	p := sh.visitor.get(status)
	if p.status != http.StatusOK || p.text("#current-status") != message(t, "en", "status.pending_payment") ||
		p.text("#payment-state") != message(t, "en", "payment.state.pending") || p.doc.Find("#payment-held").Length() != 1 ||
		p.doc.Find("form.pay button#pay-now").Length() != 1 {
		t.Fatalf("the status page while pending: %d, status %q, payment %q, held %q", p.status, p.text("#current-status"), p.text("#payment-state"), p.text("#payment-held"))
	}
	action, _ := p.doc.Find("form.pay").Attr("action")
	csrf, _ := p.doc.Find(`form.pay input[name="csrf"]`).Attr("value")
	r = sh.post(action, url.Values{"csrf": {csrf}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != checkout || len(srv.Sessions()) != 1 {
		t.Fatalf("pay now: %d to %q, %d sessions; want the same checkout", r.status, r.header.Get("Location"), len(srv.Sessions()))
	}

	other := newShop(t, s, "othercon")
	o, err := s.db.OrderByNumber(ctx, sh.ev.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := s.db.PlaceOrder(ctx, other.ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "bob@example.com", Name: "Bob", Locale: "en",
		Lines: []storefront.Line{{ProductID: other.hoodie.ID, VariantID: other.hoodie.Variants[0].ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	foreign := "/orders/" + theirs.Number + "/pay?sig=" + s.handler.Links.Sign(other.ev.ID, theirs.Number)
	if r := sh.post(foreign, url.Values{"csrf": {csrf}}); r.status != http.StatusNotFound || len(srv.Sessions()) != 1 {
		t.Fatalf("paying another event's order here: %d, %d sessions; want 404 and none opened", r.status, len(srv.Sessions()))
	}

	if _, err := s.db.PaymentSucceeded(ctx, storefront.PaymentEvent{ID: "evt_1", Type: payments.EventCompleted, TenantID: sh.ev.ID,
		OrderID: o.ID, SessionID: ses[0].ID, PaymentIntentID: "pi_1", AmountMinor: 3500}); err != nil {
		t.Fatal(err)
	}
	p = sh.visitor.get(status + "&paid=1")
	if p.text("#current-status") != message(t, "en", "status.placed") || p.text("#payment-state") != message(t, "en", "payment.state.paid") ||
		p.doc.Find("#pay-now, #payment-held").Length() != 0 {
		t.Fatalf("the status page once paid: status %q, payment %q", p.text("#current-status"), p.text("#payment-state"))
	}

	down := payments.New(payments.Config{SecretKey: stripetest.SecretKey, WebhookSecret: stripetest.WebhookSecret, APIBase: "http://127.0.0.1:1"})
	s.handler.Payments = payments.Checkouts{Client: down, Store: s.db}
	again := sh.validOrder()
	again.Set("email", "grace@example.com") // the shirt is one per attendee
	r = sh.post("/order", again)
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.Contains(loc, "pay=failed") {
		t.Fatalf("Stripe down: %d to %q, want the status page", r.status, loc)
	}
	p = sh.visitor.get(loc)
	if p.text("#payment-failed") != message(t, "en", "status.payment_failed") || p.doc.Find("#pay-now").Length() != 1 {
		t.Fatalf("the status page after a failed checkout: %q", p.text("#payment-failed"))
	}
}

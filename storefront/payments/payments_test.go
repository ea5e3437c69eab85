package payments_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/payments"
	"marquee/storefront/payments/stripetest"
)

// TestCheckoutPaymentAndRefundAgainstStripetest: the client opens a
// checkout session with the order's lines and metadata, the hosted page's
// Pay delivers a signed webhook that ParseWebhook reads back (a forged one
// is refused), a refund asked twice with one key refunds once, and a paid
// session cannot expire.
func TestCheckoutPaymentAndRefundAgainstStripetest(t *testing.T) {
	ctx := context.Background()
	c := payments.New(payments.Config{SecretKey: stripetest.SecretKey, WebhookSecret: stripetest.WebhookSecret})
	var mu sync.Mutex
	var got []storefront.PaymentEvent
	var refused int
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e, ok, err := c.ParseWebhook(body, r.Header.Get("Stripe-Signature"))
		mu.Lock()
		defer mu.Unlock()
		if errors.Is(err, payments.ErrBadSignature) {
			refused++
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if err != nil || !ok {
			t.Errorf("webhook: %v %v", ok, err)
		}
		got = append(got, e)
	}))
	defer hook.Close()
	srv := stripetest.Start(t, stripetest.Options{WebhookURL: hook.URL})
	c = payments.New(payments.Config{SecretKey: stripetest.SecretKey, WebhookSecret: stripetest.WebhookSecret, APIBase: srv.URL})

	hold := time.Now().Add(15 * time.Minute)
	o := &storefront.Order{ID: uuid.New(), TenantID: uuid.New(), Number: "K7M3-Q9XZ", Email: "ada@example.com", Locale: "de",
		Currency: "EUR", TotalMinor: 8200, HoldExpiresAt: &hold, Items: []storefront.Item{
			{ProductName: storefront.Text{"en": "Hoodie"}, VariantLabel: storefront.Text{"en": "M"}, Quantity: 2, UnitPriceMinor: 3500},
			{ProductName: storefront.Text{"en": "Cap"}, VariantLabel: storefront.Text{"en": "One size"}, Quantity: 1, UnitPriceMinor: 1200},
			{ProductName: storefront.Text{"en": "Sticker"}, VariantLabel: storefront.Text{"en": "One"}, Quantity: 1}}}
	co, err := c.CreateCheckout(ctx, o, "DevCon", "https://devcon.shop.test/orders/K7M3-Q9XZ?sig=abc", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ses := srv.Sessions()
	if len(ses) != 1 || ses[0].AmountTotal != 8200 || ses[0].Currency != "eur" || len(ses[0].Lines) != 2 ||
		ses[0].Metadata["order_id"] != o.ID.String() || ses[0].Metadata["tenant_id"] != o.TenantID.String() ||
		ses[0].SuccessURL != "https://devcon.shop.test/orders/K7M3-Q9XZ?sig=abc&paid=1" || co.URL != srv.URL+"/pay/"+co.SessionID {
		t.Fatalf("session %+v, checkout %+v", ses, co)
	}
	if _, open, err := c.OpenCheckout(ctx, co.SessionID); err != nil || !open {
		t.Fatalf("a new session: open %v, %v", open, err)
	}

	if d, err := srv.SendSigned("checkout.session.completed", co.SessionID, "", "whsec_someone_else"); err != nil || d.Status != http.StatusBadRequest {
		t.Fatalf("a forged webhook: %+v %v, want 400", d, err)
	}
	if _, err := srv.Pay(co.SessionID); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if refused != 1 || len(got) != 1 || got[0].Type != payments.EventCompleted || got[0].OrderID != o.ID ||
		got[0].TenantID != o.TenantID || got[0].AmountMinor != 8200 || got[0].PaymentIntentID == "" {
		t.Fatalf("webhooks read %+v, refused %d", got, refused)
	}
	pi := got[0].PaymentIntentID
	mu.Unlock()
	if err := c.ExpireSession(ctx, co.SessionID); !errors.Is(err, payments.ErrSessionComplete) {
		t.Fatalf("expiring a paid session: %v, want ErrSessionComplete", err)
	}

	key := uuid.New()
	r1, err := c.Refund(ctx, pi, 3500, key)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := c.Refund(ctx, pi, 3500, key)
	if err != nil || r2 != r1 || len(srv.Refunds()) != 1 {
		t.Fatalf("the same refund asked twice: %s %s %v, %d refunds; want one", r1, r2, err, len(srv.Refunds()))
	}
	if _, err := c.Refund(ctx, pi, 5000, uuid.New()); err == nil {
		t.Fatal("refunding more than was paid was accepted")
	}
}

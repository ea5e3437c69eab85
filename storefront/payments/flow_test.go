package payments_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/payments"
)

// TestAPaidOrderIsPlaced: the hosted checkout's Pay sends the signed
// webhook across HTTP; the order becomes placed and paid with a history
// row, and its confirmation reaches the attendee. The same event delivered
// again is answered 200 and changes nothing.
func TestAPaidOrderIsPlaced(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	o, session := h.order(t, "ada@example.com", 2)
	if h.stock(t) != 0 {
		t.Fatalf("stock while the payment is pending: %d, want 0 (held)", h.stock(t))
	}
	d, err := h.stripe.Pay(session)
	if err != nil || d.Status != http.StatusOK {
		t.Fatalf("the payment's webhook: %+v %v, want 200", d, err)
	}
	got := h.reload(t, o)
	if got.Status != storefront.StatusPlaced || got.PaymentState != storefront.PaymentPaid || got.PaymentIntentID == "" ||
		got.HoldExpiresAt != nil || got.PaymentSessionID != session {
		t.Fatalf("after the payment: %s, %s, intent %q, hold %v, session %q", got.Status, got.PaymentState, got.PaymentIntentID, got.HoldExpiresAt, got.PaymentSessionID)
	}
	if n := len(got.History); n != 2 || got.History[1].Status != storefront.StatusPlaced || got.History[1].Note != "paid online" {
		t.Fatalf("history %+v, want pending_payment then placed (paid online)", got.History)
	}
	confirmation := func() int {
		n := 0
		for _, m := range h.smtp.To(t, "ada@example.com") {
			if m.Header.Get("X-Marquee-Kind") == "order_confirmation" {
				n++
			}
		}
		return n
	}
	eventually(t, "the confirmation email", func() bool { return confirmation() == 1 })

	again, err := h.stripe.Send("checkout.session.completed", session, d.EventID)
	if err != nil || again.Status != http.StatusOK {
		t.Fatalf("the same webhook again: %+v %v, want 200", again, err)
	}
	if n := len(h.reload(t, o).History); n != 2 {
		t.Fatalf("%d history rows after the second delivery, want 2", n)
	}
	if n := h.count(t, "SELECT count(*) FROM river_job WHERE kind = 'order_email' AND args->>'order_number' = $1", o.Number); n != 1 {
		t.Fatalf("%d confirmation jobs, want 1", n)
	}
	if n := h.count(t, "SELECT count(*) FROM payment_events WHERE event_id = $1", d.EventID); n != 1 {
		t.Fatalf("the event recorded %d times, want 1", n)
	}
	time.Sleep(300 * time.Millisecond)
	if n := confirmation(); n != 1 {
		t.Fatalf("%d confirmations received, want 1", n)
	}
}

// TestAWebhookWithABadSignatureIsRefused: 400, and nothing is written.
func TestAWebhookWithABadSignatureIsRefused(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	o, session := h.order(t, "ada@example.com", 1)
	d, err := h.stripe.SendSigned("checkout.session.completed", session, "", "whsec_not_ours")
	if err != nil || d.Status != http.StatusBadRequest {
		t.Fatalf("a forged webhook: %+v %v, want 400", d, err)
	}
	if got := h.reload(t, o); got.Status != storefront.StatusPendingPayment || got.PaymentState != storefront.PaymentPending {
		t.Fatalf("after a forged webhook the order is %s, %s", got.Status, got.PaymentState)
	}
	if n := h.count(t, "SELECT count(*) FROM payment_events"); n != 0 {
		t.Fatalf("%d events recorded, want 0", n)
	}
}

// TestAnotherEventsOrderInTheMetadataIsRefused: a session whose metadata
// names one event and another event's order is answered 404 and writes
// nothing in either.
func TestAnotherEventsOrderInTheMetadataIsRefused(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	o, _ := h.order(t, "ada@example.com", 1)
	forged := *o
	forged.TenantID = h.other.ID
	co, err := h.client.CreateCheckout(context.Background(), &forged, "x", "https://othercon.shop.test/", time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	d, err := h.stripe.Pay(co.SessionID)
	if err != nil || d.Status != http.StatusNotFound {
		t.Fatalf("a webhook naming another event's order: %+v %v, want 404", d, err)
	}
	if got := h.reload(t, o); got.Status != storefront.StatusPendingPayment || len(got.History) != 1 {
		t.Fatalf("the order is %s with %d history rows, want untouched", got.Status, len(got.History))
	}
	if n := h.count(t, "SELECT count(*) FROM payment_events"); n != 0 {
		t.Fatalf("%d events recorded, want 0", n)
	}
}

// TestAnAbandonedPaymentGivesTheStockBack: the database's clock is 20
// minutes behind when the order is placed, so its hold has ended by real
// time and its expiry job runs at once, racing the checkout being opened
// (as a "Pay now" at the hold's last second would); it releases the stock
// and cancels the order with payment_state expired, and whichever won the
// race, no checkout is left open at Stripe: the job closes a session it
// finds, Begin closes one it opened for an order no longer waiting
// (ErrNotWaiting). The session can no longer be paid.
func TestAnAbandonedPaymentGivesTheStockBack(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.offset.Store(int64(-20 * time.Minute))
	o, err := h.db.PlaceOrder(context.Background(), h.event.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "ada@example.com",
		Name: "Ada", Locale: "en", Answers: map[string]any{"consent": true},
		Lines: []storefront.Line{{ProductID: h.cap.ID, VariantID: h.cap.Variants[0].ID, Quantity: 2}}})
	h.offset.Store(0)
	if err != nil || o.Status != storefront.StatusPendingPayment {
		t.Fatalf("the order: %v, %+v", err, o)
	}
	if _, err := h.client.Begin(context.Background(), h.db, o, h.event.Name, "https://devcon.shop.test/orders/"+o.Number+"?sig=x", time.Now()); err != nil && !errors.Is(err, payments.ErrNotWaiting) {
		t.Fatal(err)
	}
	eventually(t, "the expiry", func() bool { return h.reload(t, o).Status == storefront.StatusCancelled })
	got := h.reload(t, o)
	if got.PaymentState != storefront.PaymentExpired || got.History[len(got.History)-1].Note != "payment not completed in time" {
		t.Fatalf("after the hold: %s, history %+v", got.PaymentState, got.History)
	}
	if s := h.stock(t); s != 2 {
		t.Fatalf("stock after the expiry: %d, want 2", s)
	}
	sessions := h.stripe.Sessions()
	if len(sessions) != 1 {
		t.Fatalf("%d checkout sessions, want 1", len(sessions))
	}
	eventually(t, "the session closed at Stripe", func() bool { return h.stripe.Sessions()[0].Status == "expired" })
	if _, err := h.stripe.Pay(sessions[0].ID); err == nil {
		t.Fatal("the expired session could still be paid")
	}
}

// TestStripesExpiryWebhookEndsTheWait: Stripe's own expiry webhook ends
// the wait at once: stock back, order cancelled, payment expired.
func TestStripesExpiryWebhookEndsTheWait(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	o, session := h.order(t, "ada@example.com", 1)
	d, err := h.stripe.Expire(session)
	if err != nil || d.Status != http.StatusOK {
		t.Fatalf("the expiry webhook: %+v %v", d, err)
	}
	if got := h.reload(t, o); got.Status != storefront.StatusCancelled || got.PaymentState != storefront.PaymentExpired || h.stock(t) != 2 {
		t.Fatalf("after Stripe's expiry: %s, %s, stock %d", got.Status, got.PaymentState, h.stock(t))
	}
}

// TestCancellingAPaidOrderRefundsIt: the attendee cancels a paid order;
// the refund job refunds the total at Stripe and records it: payment_state
// refunded, a payment_refunds row and a history row.
func TestCancellingAPaidOrderRefundsIt(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	o, session := h.order(t, "ada@example.com", 2)
	if _, err := h.stripe.Pay(session); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.CancelOrder(context.Background(), h.event.ID, o.Number, "attendee"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the refund", func() bool { return h.reload(t, o).PaymentState == storefront.PaymentRefunded })
	refunds := h.stripe.Refunds()
	got := h.reload(t, o)
	if len(refunds) != 1 || refunds[0].Amount != 2400 || refunds[0].PaymentIntent != got.PaymentIntentID {
		t.Fatalf("refunds at Stripe %+v, want one of 2400 on %s", refunds, got.PaymentIntentID)
	}
	if n := h.count(t, "SELECT count(*) FROM payment_refunds WHERE order_id = $1 AND amount_minor = 2400 AND refund_id = $2", o.ID, refunds[0].ID); n != 1 {
		t.Fatalf("%d refund rows, want 1", n)
	}
	if h.stock(t) != 2 {
		t.Fatalf("stock after the cancellation: %d, want 2", h.stock(t))
	}
}

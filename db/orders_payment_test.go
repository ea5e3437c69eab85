package db_test

import (
	"context"
	"testing"
	"time"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
)

// TestHowAnOrderIsPaid: with online payments a priced order waits for its
// payment (pending_payment, its stock held until now plus the hold); a
// free order has nothing to pay; without online payments, or when the
// attendee chose it, a priced order is paid at pick-up (refused when the
// event does not allow it).
func TestHowAnOrderIsPaid(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	database.Now = func() time.Time { return now }
	ev := newTenant(t, database, "paying")
	hoodie := addProduct(t, database, ev.ID, storefront.Product{PriceMinor: 3500}, intp(5))
	sticker := addProduct(t, database, ev.ID, storefront.Product{Name: storefront.Text{"en": "Sticker"}}, nil)

	database.OnlinePayments = true
	o, err := database.PlaceOrder(ctx, ev.ID, orderFor("ada@example.com", hoodie, 2))
	if err != nil {
		t.Fatal(err)
	}
	read, err := database.OrderByNumber(ctx, ev.ID, o.Number)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []*storefront.Order{o, read} {
		if got.Status != storefront.StatusPendingPayment || got.PaymentState != storefront.PaymentPending ||
			got.HoldExpiresAt == nil || !got.HoldExpiresAt.Equal(now.Add(15*time.Minute)) || got.TotalMinor != 7000 {
			t.Fatalf("online order: status %s, payment %s, hold %v, total %d; want pending_payment, pending, %v, 7000",
				got.Status, got.PaymentState, got.HoldExpiresAt, got.TotalMinor, now.Add(15*time.Minute))
		}
	}
	if len(read.History) != 1 || read.History[0].Status != storefront.StatusPendingPayment {
		t.Fatalf("history %+v, want one pending_payment row", read.History)
	}
	if stock, err := database.VariantStock(ctx, ev.ID, hoodie.Variants[0].ID); err != nil || *stock != 3 {
		t.Fatalf("stock while the payment is pending: %v %v, want 3 (held)", stock, err)
	}
	if got := read.HoldLeft(now.Add(5 * time.Minute)); got != 10*time.Minute {
		t.Fatalf("hold left after 5 minutes: %v, want 10m", got)
	}

	free, err := database.PlaceOrder(ctx, ev.ID, orderFor("ada@example.com", sticker, 1))
	if err != nil {
		t.Fatal(err)
	}
	if free.Status != storefront.StatusPlaced || free.PaymentState != storefront.PaymentNone || free.HoldExpiresAt != nil {
		t.Fatalf("free order: %s, %s, %v; want placed, none, no hold", free.Status, free.PaymentState, free.HoldExpiresAt)
	}

	req := orderFor("bob@example.com", hoodie, 1)
	req.Payment = storefront.PaymentChoiceAtPickup
	_, err = database.PlaceOrder(ctx, ev.ID, req)
	if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorField(err) != "payment" {
		t.Fatalf("pay at pick-up where the event does not allow it: %v, want invalid on field payment", err)
	}

	database.OnlinePayments = false
	desk, err := database.PlaceOrder(ctx, ev.ID, orderFor("bob@example.com", hoodie, 1))
	if err != nil {
		t.Fatal(err)
	}
	if desk.Status != storefront.StatusPlaced || desk.PaymentState != storefront.PaymentAtPickup {
		t.Fatalf("without online payments: %s, %s; want placed, at_pickup", desk.Status, desk.PaymentState)
	}
	if n := countOrders(t, database, ev.ID); n != 3 {
		t.Fatalf("%d orders, want 3 (the refused one wrote nothing)", n)
	}
}

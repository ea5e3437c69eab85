package payments_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
)

// TestACancelledLineOfADiscountedOrderRefundsItsShare: an order of a
// hoodie (35.00) and a cap (12.00) paid online with a code; the attendee
// cancels the cap, then the order. Stripe refunds the cap less its share
// of the discount, then what is left, and the two refunds add up to what
// was paid: with an amount off and with a percentage off.
func TestACancelledLineOfADiscountedOrderRefundsItsShare(t *testing.T) {
	cases := []struct {
		name    string
		voucher storefront.Voucher
		paid    int64
		refunds []int64 // the cap, then the rest
	}{
		{"10.00 off", storefront.Voucher{Code: "VOL-TEN", Kind: storefront.VoucherAmount, AmountMinor: 1000}, 3700, []int64{945, 2755}},
		{"10 % off", storefront.Voucher{Code: "VOL-PCT", Kind: storefront.VoucherPercent, Percent: 10}, 4230, []int64{1080, 3150}},
	}
	h := newHarness(t, harnessOptions{})
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := h.db.CreateVoucher(ctx, h.event.ID, tc.voucher); err != nil {
				t.Fatal(err)
			}
			o, err := h.db.PlaceOrder(ctx, h.event.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: strings.ToLower(tc.voucher.Code) + "@example.com",
				Name: "Ada", Locale: "en", Answers: map[string]any{"consent": true}, VoucherCode: tc.voucher.Code,
				Lines: []storefront.Line{{ProductID: h.shop.Hoodie.ID, VariantID: h.shop.Hoodie.Variants[0].ID, Quantity: 1},
					{ProductID: h.cap.ID, VariantID: h.cap.Variants[0].ID, Quantity: 1}}})
			if err != nil {
				t.Fatal(err)
			}
			if o.TotalMinor != tc.paid {
				t.Fatalf("the order's total %d, want %d", o.TotalMinor, tc.paid)
			}
			u, err := h.client.Begin(ctx, h.db, o, h.event.Name, "https://devcon.shop.test/orders/"+o.Number+"?sig=x", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := h.stripe.Pay(strings.TrimPrefix(u, h.stripe.URL+"/pay/")); err != nil {
				t.Fatal(err)
			}
			paid := h.reload(t, o)
			if paid.PaymentState != storefront.PaymentPaid {
				t.Fatalf("after paying: %s", paid.PaymentState)
			}
			capLine := slices.IndexFunc(paid.Items, func(it storefront.Item) bool { return it.ProductID == h.cap.ID })
			after, err := h.db.CancelOrderLine(ctx, h.event.ID, o.Number, paid.Items[capLine].Position)
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.paid - tc.refunds[0]; after.TotalMinor != want || after.TotalMinor != 3500-after.DiscountMinor {
				t.Fatalf("after the cap: total %d, discount %d; want %d, the hoodie less what is left of the discount", after.TotalMinor, after.DiscountMinor, want)
			}
			refunded := func(n int) func() bool {
				return func() bool { return len(h.refundsOf(t, paid.PaymentIntentID)) == n }
			}
			eventually(t, "the cap's refund", refunded(1))
			eventually(t, "the order partially refunded", func() bool { return h.reload(t, o).PaymentState == storefront.PaymentPartiallyRefunded })
			if _, err := h.db.CancelOrder(ctx, h.event.ID, o.Number, "attendee"); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the order's refund", refunded(2))
			if got := h.refundsOf(t, paid.PaymentIntentID); !slices.Equal(got, tc.refunds) {
				t.Fatalf("refunds at Stripe %v, want %v (paid %d)", got, tc.refunds, tc.paid)
			}
			eventually(t, "the order refunded", func() bool { return h.reload(t, o).PaymentState == storefront.PaymentRefunded })
			if n := h.count(t, "SELECT coalesce(sum(amount_minor), 0) FROM payment_refunds WHERE order_id = $1", o.ID); int64(n) != tc.paid {
				t.Errorf("the recorded refunds add up to %d, want %d", n, tc.paid)
			}
		})
	}
}

// refundsOf is what Stripe refunded of a payment, in the order made.
func (h *harness) refundsOf(t *testing.T, intent string) []int64 {
	t.Helper()
	var out []int64
	for _, r := range h.stripe.Refunds() {
		if r.PaymentIntent == intent {
			out = append(out, r.Amount)
		}
	}
	if len(out) > 2 {
		t.Fatalf("more refunds than lines: %v", out)
	}
	return out
}

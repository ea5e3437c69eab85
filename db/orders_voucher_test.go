package db_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
)

func newVoucher(t *testing.T, database *db.DB, tenantID uuid.UUID, v storefront.Voucher) *storefront.Voucher {
	t.Helper()
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
	out, err := database.CreateVoucher(context.Background(), tenantID, v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func withCode(req storefront.OrderRequest, code string) storefront.OrderRequest {
	req.VoucherCode = code
	return req
}

// voucherUses reads a code's uses and the orders that redeemed it.
func voucherUses(t *testing.T, database *db.DB, tenantID, id uuid.UUID) (uses, redemptions, ordersWithCode int) {
	t.Helper()
	err := database.InTenant(context.Background(), tenantID, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT (SELECT uses FROM vouchers WHERE id = $1),
			(SELECT count(*) FROM voucher_redemptions WHERE voucher_id = $1),
			(SELECT count(*) FROM orders WHERE voucher_code IS NOT NULL)`, id).Scan(&uses, &redemptions, &ordersWithCode)
	})
	if err != nil {
		t.Fatal(err)
	}
	return uses, redemptions, ordersWithCode
}

func TestTenUseCodeRedeemedByFiftyAttendeesMakesTenOrders(t *testing.T) {
	database := dbtest.New(t).Open(t, db.Options{MaxConns: 30})
	ev := newTenant(t, database, "codes-race")
	hoodie := addProduct(t, database, ev.ID, storefront.Product{PriceMinor: 3500}, nil)
	ten := 10
	v := newVoucher(t, database, ev.ID, storefront.Voucher{Code: "VOLUNTEER", Kind: storefront.VoucherPercent, Percent: 20, MaxUses: &ten})
	reqs := make([]storefront.OrderRequest, 50)
	for i := range reqs {
		reqs[i] = withCode(orderFor(fmt.Sprintf("a%d@example.com", i), hoodie, 1), "volunteer")
	}
	outcomes := placeConcurrently(t, database, ev.ID, reqs)
	if outcomes[""] != 10 || outcomes[storefront.MsgVoucherUsedUp] != 40 {
		t.Fatalf("outcomes %v, want 10 placed and 40 refused as %s", outcomes, storefront.MsgVoucherUsedUp)
	}
	uses, redemptions, withCode := voucherUses(t, database, ev.ID, v.ID)
	if uses != 10 || redemptions != 10 || withCode != 10 || countOrders(t, database, ev.ID) != 10 {
		t.Fatalf("uses %d, redemptions %d, orders with the code %d, orders %d; want 10 each", uses, redemptions, withCode, countOrders(t, database, ev.ID))
	}
}

func TestVoucherCodesInOrders(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	database.Now = func() time.Time { return now }
	ev := newTenant(t, database, "codes")
	other := newTenant(t, database, "codes-other")
	hoodie := addProduct(t, database, ev.ID, storefront.Product{Name: storefront.Text{"en": "Hoodie"}, PriceMinor: 3500}, nil)
	speaker := addProduct(t, database, ev.ID, storefront.Product{Name: storefront.Text{"en": "Speaker shirt"}, PriceMinor: 1000, CodeOnly: true}, nil)
	newVoucher(t, database, ev.ID, storefront.Voucher{Code: "SPEAKER", Kind: storefront.VoucherUnlock, ProductIDs: []uuid.UUID{speaker.ID}})
	newVoucher(t, database, ev.ID, storefront.Voucher{Code: "TENOFF", Kind: storefront.VoucherAmount, AmountMinor: 1000})
	newVoucher(t, database, ev.ID, storefront.Voucher{Code: "HUGE", Kind: storefront.VoucherAmount, AmountMinor: 1_000_000})
	newVoucher(t, database, ev.ID, storefront.Voucher{Code: "THIRD", Kind: storefront.VoucherPercent, Percent: 33, ProductIDs: []uuid.UUID{hoodie.ID}})
	until := now.Add(-time.Hour)
	newVoucher(t, database, ev.ID, storefront.Voucher{Code: "OLD", Kind: storefront.VoucherAmount, AmountMinor: 100, ValidUntil: &until})
	off := newVoucher(t, database, ev.ID, storefront.Voucher{Code: "OFF", Kind: storefront.VoucherAmount, AmountMinor: 100})
	if err := database.SetVoucherDisabled(ctx, ev.ID, off.ID, true); err != nil {
		t.Fatal(err)
	}
	newVoucher(t, database, other.ID, storefront.Voucher{Code: "ELSEWHERE", Kind: storefront.VoucherAmount, AmountMinor: 500})

	refused := []struct {
		name, field, message string
		req                  storefront.OrderRequest
	}{
		{"a product only with a code is refused without one", "item.0", "order.unknown_product", orderFor("a@example.com", speaker, 1)},
		{"a code that unlocks something else does not unlock it", "item.0", "order.unknown_product", withCode(orderFor("a@example.com", speaker, 1), "TENOFF")},
		{"an unknown code", storefront.VoucherField, storefront.MsgVoucherUnknown, withCode(orderFor("a@example.com", hoodie, 1), "NOPE")},
		{"another event's code", storefront.VoucherField, storefront.MsgVoucherUnknown, withCode(orderFor("a@example.com", hoodie, 1), "ELSEWHERE")},
		{"a disabled code", storefront.VoucherField, storefront.MsgVoucherUnknown, withCode(orderFor("a@example.com", hoodie, 1), "off")},
		{"an expired code", storefront.VoucherField, storefront.MsgVoucherExpired, withCode(orderFor("a@example.com", hoodie, 1), "OLD")},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, err := database.PlaceOrder(ctx, ev.ID, tc.req)
			if marquee.ErrorField(err) != tc.field || marquee.ErrorMessage(err) != tc.message || marquee.HTTPStatus(err)/100 != 4 {
				t.Fatalf("got %v (field %q, status %d), want %s on %s", err, marquee.ErrorField(err), marquee.HTTPStatus(err), tc.message, tc.field)
			}
		})
	}
	if n := countOrders(t, database, ev.ID); n != 0 {
		t.Fatalf("%d orders written by refused requests", n)
	}

	placed := []struct {
		name            string
		req             storefront.OrderRequest
		total, discount int64
	}{
		{"the code unlocks the speaker shirt", withCode(orderFor("s@example.com", speaker, 1), " speaker "), 1000, 0},
		{"an amount off", withCode(orderFor("b@example.com", hoodie, 1), "TENOFF"), 2500, 1000},
		{"an amount off never takes the total below 0", withCode(orderFor("c@example.com", hoodie, 2), "HUGE"), 0, 7000},
		// 33 % of 3 × 35.00 = 34.65; of a line it does not apply to, nothing.
		{"a percentage off its products only", withCode(storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "d@example.com", Name: "D", Locale: "en",
			Lines: []storefront.Line{{ProductID: hoodie.ID, VariantID: hoodie.Variants[0].ID, Quantity: 3}}}, "third"), 10500 - 3465, 3465},
	}
	for _, tc := range placed {
		t.Run(tc.name, func(t *testing.T) {
			o, err := database.PlaceOrder(ctx, ev.ID, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			read, err := database.OrderByNumber(ctx, ev.ID, o.Number)
			if err != nil {
				t.Fatal(err)
			}
			if read.TotalMinor != tc.total || read.DiscountMinor != tc.discount || read.VoucherCode == "" || o.TotalMinor != tc.total {
				t.Fatalf("total %d, discount %d, code %q; want %d and %d", read.TotalMinor, read.DiscountMinor, read.VoucherCode, tc.total, tc.discount)
			}
		})
	}
}

func TestVoucherByCodeSaysWhyACodeIsRefused(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	ev := newTenant(t, database, "codes-check")
	one := 1
	from := time.Now().Add(time.Hour)
	v := newVoucher(t, database, ev.ID, storefront.Voucher{Code: "ONCE", Kind: storefront.VoucherAmount, AmountMinor: 100, MaxUses: &one})
	newVoucher(t, database, ev.ID, storefront.Voucher{Code: "SOON", Kind: storefront.VoucherUnlock, ValidFrom: &from})
	if got, err := database.VoucherByCode(ctx, ev.ID, "once"); err != nil || got.ID != v.ID {
		t.Fatalf("VoucherByCode(once) = %v, %v", got, err)
	}
	shirt := addProduct(t, database, ev.ID, storefront.Product{PriceMinor: 500}, nil)
	if _, err := database.PlaceOrder(ctx, ev.ID, withCode(orderFor("a@example.com", shirt, 1), "ONCE")); err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]string{"once": storefront.MsgVoucherUsedUp, "SOON": storefront.MsgVoucherNotYet,
		"nope": storefront.MsgVoucherUnknown, "<script>": storefront.MsgVoucherUnknown} {
		if _, err := database.VoucherByCode(ctx, ev.ID, code); marquee.ErrorMessage(err) != want || marquee.ErrorField(err) != storefront.VoucherField {
			t.Errorf("VoucherByCode(%q) = %v, want %s", code, err, want)
		}
	}
	if err := database.DeleteVoucher(ctx, ev.ID, v.ID); marquee.ErrorCode(err) != marquee.ECONFLICT {
		t.Fatalf("deleting a used code: %v, want a conflict", err)
	}
}

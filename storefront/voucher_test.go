package storefront_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront"
)

func line(p storefront.Product, qty int) storefront.PricedLine {
	return storefront.PricedLine{Line: storefront.Line{ProductID: p.ID, VariantID: p.Variants[0].ID, Quantity: qty}, Product: p, Variant: p.Variants[0]}
}

func product(price int64) storefront.Product {
	id := uuid.New()
	return storefront.Product{ID: id, Visible: true, PriceMinor: price, Variants: []storefront.Variant{{ID: uuid.New(), ProductID: id}}}
}

func TestVoucherDiscount(t *testing.T) {
	hoodie, socks := product(3500), product(801)
	cases := []struct {
		name  string
		v     *storefront.Voucher
		lines []storefront.PricedLine
		want  int64
	}{
		{"no code, no discount", nil, []storefront.PricedLine{line(hoodie, 1)}, 0},
		{"an unlock code takes nothing off", &storefront.Voucher{Kind: storefront.VoucherUnlock}, []storefront.PricedLine{line(hoodie, 1)}, 0},
		{"an amount off", &storefront.Voucher{Kind: storefront.VoucherAmount, AmountMinor: 500}, []storefront.PricedLine{line(hoodie, 1)}, 500},
		{"an amount off is at most what the lines cost", &storefront.Voucher{Kind: storefront.VoucherAmount, AmountMinor: 9000}, []storefront.PricedLine{line(hoodie, 2)}, 7000},
		{"an amount off only what it applies to", &storefront.Voucher{Kind: storefront.VoucherAmount, AmountMinor: 9000, ProductIDs: []uuid.UUID{socks.ID}},
			[]storefront.PricedLine{line(hoodie, 1), line(socks, 1)}, 801},
		{"percent: 12 % of 8.01 is 96.12 cents, 96", &storefront.Voucher{Kind: storefront.VoucherPercent, Percent: 12},
			[]storefront.PricedLine{line(socks, 1)}, 96},
		{"percent: 50 % of 8.01 is 400.5 cents, rounded up", &storefront.Voucher{Kind: storefront.VoucherPercent, Percent: 50},
			[]storefront.PricedLine{line(socks, 1)}, 401},
		{"percent of the sum, not of each line", &storefront.Voucher{Kind: storefront.VoucherPercent, Percent: 50},
			[]storefront.PricedLine{line(socks, 1), line(product(1), 1)}, 401},
		{"100 % makes it free", &storefront.Voucher{Kind: storefront.VoucherPercent, Percent: 100}, []storefront.PricedLine{line(hoodie, 3)}, 10500},
		{"an option named applies to its lines only", &storefront.Voucher{Kind: storefront.VoucherPercent, Percent: 10, VariantIDs: []uuid.UUID{hoodie.Variants[0].ID}},
			[]storefront.PricedLine{line(hoodie, 1), line(socks, 1)}, 350},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.v.Discount(tc.lines); got != tc.want {
				t.Fatalf("Discount = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestCodeOnlyProductsAndOptions(t *testing.T) {
	shirt, hidden := product(0), product(0)
	hidden.CodeOnly = true
	xxl := storefront.Variant{ID: uuid.New(), ProductID: shirt.ID, CodeOnly: true}
	shirt.Variants = append(shirt.Variants, xxl)
	cat := storefront.Catalogue{Products: []storefront.Product{shirt, hidden}}
	if v := cat.Visible(); len(v) != 1 || v[0].ID != shirt.ID || len(v[0].Variants) != 1 {
		t.Fatalf("without a code: %d products, want the shirt without its hidden size", len(v))
	}
	code := &storefront.Voucher{Kind: storefront.VoucherUnlock, ProductIDs: []uuid.UUID{hidden.ID}, VariantIDs: []uuid.UUID{xxl.ID}}
	if v := cat.WithCode(code).Visible(); len(v) != 2 || len(v[0].Variants) != 2 {
		t.Fatalf("with the code: %d products, want both and the shirt's hidden size", len(v))
	}
	if !cat.Products[1].CodeOnly || !cat.Products[0].Variants[1].CodeOnly {
		t.Fatal("WithCode changed the catalogue it was given")
	}
	if err := (*storefront.Voucher)(nil).CheckLines([]storefront.PricedLine{{Line: storefront.Line{Quantity: 1}, Product: shirt, Variant: xxl}}); err == nil {
		t.Fatal("a hidden size ordered without a code was accepted")
	}
	if err := code.CheckLines([]storefront.PricedLine{line(hidden, 1)}); err != nil {
		t.Fatalf("the unlocked product was refused: %v", err)
	}
}

func TestGeneratedCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := storefront.GenerateCode("vol-", 8)
		if !strings.HasPrefix(c, "VOL-") || len(c) != 12 || !storefront.ValidCode(c) || strings.ContainsAny(c[4:], "0O1IL5S8B2Z") || seen[c] {
			t.Fatalf("code %q: wrong shape, ambiguous letters or repeated", c)
		}
		seen[c] = true
	}
}

// cancelAll cancels o's lines one by one in the order given, as the
// attendee's change does (the line's cost less its share of the discount
// back, the last line being the order's cancellation, which refunds what
// is left), and returns each refund.
func cancelAll(o storefront.Order, v *storefront.Voucher, order []int) []int64 {
	var refunds []int64
	items := o.Items
	for n, i := range order {
		it := items[i]
		if n == len(order)-1 {
			return append(refunds, o.TotalMinor)
		}
		share := o.CancelledLineDiscount(it, v)
		total := max(0, o.TotalMinor-(it.UnitPriceMinor*int64(it.Quantity)-share))
		refunds = append(refunds, o.TotalMinor-total)
		o.TotalMinor, o.DiscountMinor = total, o.DiscountMinor-share
		o.Items = slices.DeleteFunc(slices.Clone(o.Items), func(x storefront.Item) bool { return x.Position == it.Position })
	}
	return refunds
}

// paidOrder is an order of lines with v's discount taken off, as placed.
func paidOrder(v *storefront.Voucher, lines ...storefront.PricedLine) storefront.Order {
	o := storefront.Order{DiscountMinor: v.Discount(lines)}
	for i, l := range lines {
		o.Items = append(o.Items, storefront.Item{Position: i, ProductID: l.Product.ID, VariantID: l.Variant.ID, Quantity: l.Line.Quantity, UnitPriceMinor: l.UnitPrice()})
		o.TotalMinor += l.UnitPrice() * int64(l.Line.Quantity)
	}
	o.TotalMinor -= o.DiscountMinor
	return o
}

func TestACancelledLineIsRefundedLessItsShareOfTheDiscount(t *testing.T) {
	hoodie, cap := product(3500), product(1200)
	cases := []struct {
		name string
		v    *storefront.Voucher
		want []int64 // the cap cancelled, then the hoodie (the order)
	}{
		{"no code: the cap's price", nil, []int64{1200, 3500}},
		{"10 % off: the cap's 1200 less its 120", &storefront.Voucher{Kind: storefront.VoucherPercent, Percent: 10}, []int64{1080, 3150}},
		{"€10 off everything: the cap takes 1200/4700 of it, 255.3 rounded to 255", &storefront.Voucher{Kind: storefront.VoucherAmount, AmountMinor: 1000},
			[]int64{945, 2755}},
		{"€10 off the hoodie only: the cap's whole price", &storefront.Voucher{Kind: storefront.VoucherAmount, AmountMinor: 1000, ProductIDs: []uuid.UUID{hoodie.ID}},
			[]int64{1200, 2500}},
		{"50 % off the cap only: half the cap's price", &storefront.Voucher{Kind: storefront.VoucherPercent, Percent: 50, ProductIDs: []uuid.UUID{cap.ID}},
			[]int64{600, 3500}},
		{"100 % off: nothing", &storefront.Voucher{Kind: storefront.VoucherPercent, Percent: 100}, []int64{0, 0}},
		{"the code since deleted: shared over every line", nil, []int64{945, 2755}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := paidOrder(tc.v, line(hoodie, 1), line(cap, 1))
			if i == len(cases)-1 {
				o = paidOrder(&storefront.Voucher{Kind: storefront.VoucherAmount, AmountMinor: 1000}, line(hoodie, 1), line(cap, 1))
			}
			if got := cancelAll(o, tc.v, []int{1, 0}); !slices.Equal(got, tc.want) {
				t.Fatalf("refunds %v, want %v (paid %d)", got, tc.want, o.TotalMinor)
			}
		})
	}
}

// TestTheRefundsOfAllLinesAddUpToWhatWasPaid: random orders of up to five
// lines with random codes, their lines cancelled in random orders: no
// refund is negative or more than its line cost, and they add up to what
// was paid.
func TestTheRefundsOfAllLinesAddUpToWhatWasPaid(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 17))
	for range 2000 {
		var lines []storefront.PricedLine
		var named []uuid.UUID
		for range 1 + r.IntN(5) {
			p := product(int64(r.IntN(5000)))
			lines = append(lines, line(p, 1+r.IntN(3)))
			if r.IntN(3) == 0 {
				named = append(named, p.ID)
			}
		}
		v := &storefront.Voucher{Kind: storefront.VoucherPercent, Percent: 1 + r.IntN(100), ProductIDs: named}
		if r.IntN(2) == 0 {
			v = &storefront.Voucher{Kind: storefront.VoucherAmount, AmountMinor: int64(1 + r.IntN(8000)), ProductIDs: named}
		}
		o := paidOrder(v, lines...)
		perm := r.Perm(len(lines))
		refunds := cancelAll(o, v, perm)
		var sum int64
		for i, got := range refunds {
			sum += got
			if it := o.Items[perm[i]]; got < 0 || i < len(refunds)-1 && got > it.UnitPriceMinor*int64(it.Quantity) {
				t.Fatalf("order %+v with %+v: refunds %v", o, v, refunds)
			}
		}
		if sum != o.TotalMinor {
			t.Fatalf("order %+v with %+v: refunds %v add up to %d, paid %d", o, v, refunds, sum, o.TotalMinor)
		}
	}
}

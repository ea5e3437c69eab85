package storefront_test

import (
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

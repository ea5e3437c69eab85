package storefront

import (
	"strings"

	"github.com/bojanz/currency"

	"marquee"
)

// FormatMoney formats an amount in minor units of currencyCode the way
// locale writes money ("€15.00", "15,00 €"). Free is the caller's word:
// 0 is formatted like any amount.
func FormatMoney(minor int64, currencyCode, locale string) string {
	amount, err := currency.NewAmountFromInt64(minor, currencyCode)
	if err != nil {
		return currencyCode + " ?" // an unknown currency code: never stored (CHECK), never shown
	}
	return currency.NewFormatter(currency.NewLocale(locale)).Format(amount)
}

// ParsePrice reads a price typed by staff ("35", "35.50", "35,50") in
// currencyCode and returns it in minor units; a negative, malformed or
// over-precise price is an error on field.
func ParsePrice(field, s, currencyCode string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if s == "" {
		return 0, nil
	}
	amount, err := currency.NewAmount(s, currencyCode)
	if err != nil || amount.IsNegative() {
		return 0, marquee.Invalid(field, "catalogue.price_invalid")
	}
	if cmp, err := amount.Round().Cmp(amount); err != nil || cmp != 0 {
		return 0, marquee.Invalid(field, "catalogue.price_invalid")
	}
	minor, err := amount.Int64()
	if err != nil {
		return 0, marquee.Invalid(field, "catalogue.price_invalid")
	}
	return minor, nil
}

// PriceInput writes minor units as staff type prices ("35.50"), for the
// editor's price fields.
func PriceInput(minor int64, currencyCode string) string {
	amount, err := currency.NewAmountFromInt64(minor, currencyCode)
	if err != nil {
		return ""
	}
	return amount.Number()
}

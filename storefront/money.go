package storefront

import "github.com/bojanz/currency"

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

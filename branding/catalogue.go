package branding

import (
	"strings"

	"marquee"
)

// The rules of editing an event's catalogue in the console. The catalogue
// itself (products, options, prices, stock) is storefront's; db applies
// these rules in the transaction of each change.

// maxStockReason bounds the reason kept with a manual stock change.
const maxStockReason = 500

// CheckStockAdjustment returns the reason to keep with a manual change of
// delta units to an option's stock, trimmed, or why the change is
// refused: it changes nothing, or it has no reason (or one over 500
// bytes). Whether the stock can go that low is the database's to say.
func CheckStockAdjustment(delta int, reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case delta == 0:
		return "", marquee.Invalid("delta", "catalogue.delta_zero")
	case reason == "" || len(reason) > maxStockReason:
		return "", marquee.Invalid("reason", "catalogue.reason_required")
	}
	return reason, nil
}

// CheckOptionRemoval returns why an option of a product with options
// options in all may not be removed, or nil: a product without options
// cannot be ordered, so its last one stays (hide the product instead).
func CheckOptionRemoval(options int) error {
	if options <= 1 {
		return marquee.New(marquee.ECONFLICT, "catalogue.last_variant")
	}
	return nil
}

package storefront

import (
	"fmt"

	"github.com/google/uuid"

	"marquee"
)

// Change is what an attendee changed in their order without changing its
// status: a row of the order's history beside the status changes.
type Change string

// The changes an attendee may make while nothing has been dispatched.
const (
	ChangeOptionSwapped  Change = "option_swapped"  // a line's option (size) for another of the same product
	ChangeAddressChanged Change = "address_changed" // the shipping address
	ChangeLineCancelled  Change = "line_cancelled"  // one line left the order
)

// AttendeeMayChange reports whether an attendee may change an order in
// status s: only while it is placed or confirmed (not while its payment
// is open, and not once anything left the warehouse).
func AttendeeMayChange(s Status) bool {
	return s == StatusPlaced || s == StatusConfirmed
}

// CheckAttendeeChange returns why an attendee may not change their order
// in status s, or nil; allowed says whether the event lets attendees
// change orders at all.
func CheckAttendeeChange(allowed bool, s Status) error {
	switch {
	case !allowed:
		return marquee.New(marquee.EFORBIDDEN, "change.not_allowed")
	case !AttendeeMayChange(s):
		return marquee.New(marquee.ECONFLICT, "change.too_late")
	}
	return nil
}

// ItemAt returns the order's line at position, if it has one.
func (o *Order) ItemAt(position int) (Item, bool) {
	for _, it := range o.Items {
		if it.Position == position {
			return it, true
		}
	}
	return Item{}, false
}

// CheckSwap returns why line it may not become option v of product p, or
// nil: v must be another option of the same product, still visible, not
// "only with a code", and cost the same per unit (a swap moves no money:
// a different price is refused, and the attendee cancels the line and
// orders again). Whether v has the units is for the swap's conditional
// take to say (ErrSwapSoldOut).
func CheckSwap(it Item, p Product, v Variant) error {
	switch {
	case v.ID == uuid.Nil || v.ProductID != it.ProductID || p.ID != it.ProductID || !p.Visible || v.CodeOnly:
		// An option "only with a code" is not offered: the change pages
		// know no code.
		return &marquee.Error{Code: marquee.ENOTFOUND, Message: "order.unknown_variant", Field: "variant"}
	case v.ID == it.VariantID:
		return marquee.Invalid("variant", "change.same_option")
	case p.Price(v) != it.UnitPriceMinor:
		return &marquee.Error{Code: marquee.ECONFLICT, Message: "change.price_differs", Field: "variant"}
	}
	return nil
}

// ErrSwapSoldOut is the answer to a swap to an option with fewer units
// left than the line has.
func ErrSwapSoldOut() *marquee.Error {
	return &marquee.Error{Code: marquee.ECONFLICT, Message: "order.sold_out", Field: "variant"}
}

// SwapNote is the history's note on a swap, in the order's language:
// "Hoodie: M → L".
func SwapNote(o *Order, it Item, to Text, def string) string {
	return fmt.Sprintf("%s: %s → %s", it.ProductName.In(o.Locale, def), it.VariantLabel.In(o.Locale, def), to.In(o.Locale, def))
}

// LineNote is the history's note on a cancelled line, in the order's
// language: "2 × Hoodie (M)".
func LineNote(o *Order, it Item, def string) string {
	s := fmt.Sprintf("%d × %s", it.Quantity, it.ProductName.In(o.Locale, def))
	if v := it.VariantLabel.In(o.Locale, def); v != "" {
		s += " (" + v + ")"
	}
	return s
}

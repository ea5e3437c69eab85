package storefront

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"marquee"
)

// The ordering rules. An order's transaction reads the products and
// options it names and applies these rules to what it read; what only the
// database can decide (stock left, the attendee's earlier orders) it
// decides with guarded updates, and answers with ErrSoldOut and
// ErrOverAttendeeLimit.

// PricedLine is one requested line with the product and option it orders,
// as the order's transaction read them.
type PricedLine struct {
	Index   int // the line's place in the request
	Line    Line
	Product Product
	Variant Variant
}

// Field is the form field that errors about the line belong to.
func (l PricedLine) Field() string { return fmt.Sprintf("item.%d", l.Index) }

// UnitPrice is what one unit of the line costs.
func (l PricedLine) UnitPrice() int64 { return l.Product.Price(l.Variant) }

// PriceLines applies the ordering rules to an order's lines, given the
// products and options (by id) the order's transaction read, at now, for
// an event that stops taking orders at closesAt (nil: open-ended). An
// order has at least one line; each line names a visible product that is
// on sale and one of that product's options, and asks for at least one
// unit; the units of one product over all lines keep within its per-order
// and per-attendee maximums. It returns the lines with what they order,
// or the first broken rule with the field of its line.
func PriceLines(lines []Line, products map[uuid.UUID]Product, variants map[uuid.UUID]Variant, now time.Time, closesAt *time.Time) ([]PricedLine, error) {
	if len(lines) == 0 {
		return nil, marquee.Invalid("items", "order.empty")
	}
	perProduct := map[uuid.UUID]int{}
	out := make([]PricedLine, 0, len(lines))
	for i, l := range lines {
		priced := PricedLine{Index: i, Line: l, Product: products[l.ProductID], Variant: variants[l.VariantID]}
		if err := checkLine(priced, now, closesAt); err != nil {
			return nil, onField(err, priced.Field())
		}
		perProduct[l.ProductID] += l.Quantity
		if err := priced.Product.CheckLimits(perProduct[l.ProductID]); err != nil {
			return nil, onField(err, priced.Field())
		}
		out = append(out, priced)
	}
	return out, nil
}

// checkLine checks one line on its own: a known, visible product on sale,
// one of its options, at least one unit.
func checkLine(l PricedLine, now time.Time, closesAt *time.Time) error {
	switch {
	case l.Product.ID == uuid.Nil || l.Product.ID != l.Line.ProductID || !l.Product.Visible:
		return marquee.New(marquee.ENOTFOUND, "order.unknown_product")
	case l.Variant.ID == uuid.Nil || l.Variant.ID != l.Line.VariantID || l.Variant.ProductID != l.Product.ID:
		return marquee.New(marquee.ENOTFOUND, "order.unknown_variant")
	case l.Line.Quantity < 1:
		return marquee.New(marquee.EINVALID, "order.quantity_invalid")
	}
	return l.Product.CheckOnSale(now, closesAt)
}

// onField returns err, an *marquee.Error, as belonging to field.
func onField(err error, field string) error {
	var e *marquee.Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Field = field
	return &c
}

// OrderTotal is what the priced lines cost together.
func OrderTotal(lines []PricedLine) int64 {
	var total int64
	for _, l := range lines {
		total += l.UnitPrice() * int64(l.Line.Quantity)
	}
	return total
}

// ErrSoldOut is the answer to a line whose option has fewer units left
// than it asks for.
func ErrSoldOut(l PricedLine) *marquee.Error {
	return &marquee.Error{Code: marquee.ECONFLICT, Message: "order.sold_out", Field: l.Field()}
}

// ErrOverAttendeeLimit is the answer to a line whose product the attendee
// would have more units of, with their earlier orders, than it allows.
func ErrOverAttendeeLimit(l PricedLine) *marquee.Error {
	return &marquee.Error{Code: marquee.ECONFLICT, Message: MsgOverAttendeeLimit, Field: l.Field()}
}

// CheckAttendeeCancel returns why an attendee may not cancel their order
// in status s, or nil; allowed says whether the event lets attendees
// cancel at all.
func CheckAttendeeCancel(allowed bool, s Status) error {
	switch {
	case !allowed:
		return marquee.New(marquee.EFORBIDDEN, "order.cancel_not_allowed")
	case !AttendeeMayCancel(s):
		return marquee.New(marquee.ECONFLICT, "order.cancel_too_late")
	}
	return nil
}

// CheckMove returns why staff may not move an order from status from to
// status to, or nil.
func CheckMove(from, to Status) error {
	if !CanMove(from, to) {
		return &marquee.Error{Code: marquee.ECONFLICT, Message: "order.status_not_allowed", Field: "status"}
	}
	return nil
}

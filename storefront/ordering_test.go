package storefront

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee"
)

func TestOrderingRules(t *testing.T) {
	now := time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)
	hour := time.Hour
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	shirt := Product{ID: uuid.New(), Visible: true, PriceMinor: 1500, MaxPerOrder: 3, MaxPerAttendee: 5}
	shirtM := Variant{ID: uuid.New(), ProductID: shirt.ID}
	shirtL := Variant{ID: uuid.New(), ProductID: shirt.ID, PriceMinor: new(int64(1800))}
	hidden := Product{ID: uuid.New(), PriceMinor: 100}
	hiddenOne := Variant{ID: uuid.New(), ProductID: hidden.ID}
	later := Product{ID: uuid.New(), Visible: true, SalesOpenAt: at(hour)}
	laterOne := Variant{ID: uuid.New(), ProductID: later.ID}
	over := Product{ID: uuid.New(), Visible: true, SalesCloseAt: at(-hour)}
	overOne := Variant{ID: uuid.New(), ProductID: over.ID}
	capped := Product{ID: uuid.New(), Visible: true, MaxPerAttendee: 2}
	cappedOne := Variant{ID: uuid.New(), ProductID: capped.ID}
	products := map[uuid.UUID]Product{shirt.ID: shirt, hidden.ID: hidden, later.ID: later, over.ID: over, capped.ID: capped}
	variants := map[uuid.UUID]Variant{shirtM.ID: shirtM, shirtL.ID: shirtL, hiddenOne.ID: hiddenOne,
		laterOne.ID: laterOne, overOne.ID: overOne, cappedOne.ID: cappedOne}
	line := func(p Product, v Variant, n int) Line { return Line{ProductID: p.ID, VariantID: v.ID, Quantity: n} }

	refused := []struct {
		name     string
		lines    []Line
		closesAt *time.Time
		code     string
		message  string
		field    string
	}{
		{"an order without lines is refused", nil, nil, marquee.EINVALID, "order.empty", "items"},
		{"an unknown product is not found on its line",
			[]Line{line(shirt, shirtM, 1), {ProductID: uuid.New(), VariantID: shirtM.ID, Quantity: 1}}, nil,
			marquee.ENOTFOUND, "order.unknown_product", "item.1"},
		{"a hidden product cannot be ordered", []Line{line(hidden, hiddenOne, 1)}, nil, marquee.ENOTFOUND, "order.unknown_product", "item.0"},
		{"an option of another product is not found", []Line{line(shirt, laterOne, 1)}, nil, marquee.ENOTFOUND, "order.unknown_variant", "item.0"},
		{"an unknown option is not found", []Line{{ProductID: shirt.ID, VariantID: uuid.New(), Quantity: 1}}, nil,
			marquee.ENOTFOUND, "order.unknown_variant", "item.0"},
		{"a line asks for at least one unit", []Line{line(shirt, shirtM, 0)}, nil, marquee.EINVALID, "order.quantity_invalid", "item.0"},
		{"no orders once the event has closed", []Line{line(shirt, shirtM, 1)}, at(-time.Minute), marquee.ECONFLICT, "order.event_closed", "item.0"},
		{"no orders before the product's sales open", []Line{line(later, laterOne, 1)}, nil, marquee.ECONFLICT, "order.sales_not_open", "item.0"},
		{"no orders after the product's sales close", []Line{line(over, overOne, 1)}, nil, marquee.ECONFLICT, "order.sales_closed", "item.0"},
		{"the per-order maximum counts a product's units over all its lines",
			[]Line{line(shirt, shirtM, 2), line(shirt, shirtL, 2)}, nil, marquee.ECONFLICT, MsgOverOrderMax, "item.1"},
		{"an order alone above the per-attendee maximum is refused", []Line{line(capped, cappedOne, 3)}, nil,
			marquee.ECONFLICT, MsgOverAttendeeMax, "item.0"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PriceLines(tc.lines, products, variants, now, tc.closesAt)
			if marquee.ErrorCode(err) != tc.code || marquee.ErrorMessage(err) != tc.message || marquee.ErrorField(err) != tc.field {
				t.Fatalf("PriceLines = %v; want %s %s on %q", err, tc.code, tc.message, tc.field)
			}
		})
	}

	t.Run("lines within every rule are priced, an option's own price first", func(t *testing.T) {
		priced, err := PriceLines([]Line{line(shirt, shirtM, 1), line(shirt, shirtL, 2)}, products, variants, now, at(hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(priced) != 2 || priced[0].UnitPrice() != 1500 || priced[1].UnitPrice() != 1800 || priced[1].Field() != "item.1" {
			t.Fatalf("priced = %+v", priced)
		}
		if got := OrderTotal(priced); got != 1500+2*1800 {
			t.Fatalf("total %d, want %d", got, 1500+2*1800)
		}
	})
	t.Run("the guards' answers name their line", func(t *testing.T) {
		l := PricedLine{Index: 2}
		if e := ErrSoldOut(l); e.Code != marquee.ECONFLICT || e.Message != "order.sold_out" || e.Field != "item.2" {
			t.Fatalf("ErrSoldOut = %v", e)
		}
		if e := ErrOverAttendeeLimit(l); e.Code != marquee.ECONFLICT || e.Message != MsgOverAttendeeLimit || e.Field != "item.2" {
			t.Fatalf("ErrOverAttendeeLimit = %v", e)
		}
	})
}

func TestCancelAndMoveRules(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		code    string
		message string
	}{
		{"an attendee may cancel a confirmed order when the event allows it", CheckAttendeeCancel(true, StatusConfirmed), "", ""},
		{"an attendee may not cancel when the event does not allow it", CheckAttendeeCancel(false, StatusPlaced),
			marquee.EFORBIDDEN, "order.cancel_not_allowed"},
		{"an attendee may not cancel once the order is dispatched", CheckAttendeeCancel(true, StatusDispatched),
			marquee.ECONFLICT, "order.cancel_too_late"},
		{"staff may move a placed order to confirmed", CheckMove(StatusPlaced, StatusConfirmed), "", ""},
		{"staff may not move a delivered order back", CheckMove(StatusDelivered, StatusPlaced),
			marquee.ECONFLICT, "order.status_not_allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if marquee.ErrorCode(tc.err) != tc.code || (tc.err != nil && marquee.ErrorMessage(tc.err) != tc.message) {
				t.Fatalf("got %v; want %q %q", tc.err, tc.code, tc.message)
			}
		})
	}
}

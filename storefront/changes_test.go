package storefront_test

import (
	"testing"

	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
)

func TestCheckSwap(t *testing.T) {
	p := storefront.Product{ID: uuid.New(), Visible: true, PriceMinor: 1500}
	option := func(mod func(*storefront.Variant)) storefront.Variant {
		v := storefront.Variant{ID: uuid.New(), ProductID: p.ID}
		if mod != nil {
			mod(&v)
		}
		return v
	}
	it := storefront.Item{ProductID: p.ID, VariantID: uuid.New(), UnitPriceMinor: 1500, Quantity: 2}
	dearer := int64(2000)
	for _, c := range []struct {
		rule, msg string
		v         storefront.Variant
	}{
		{"another option at the same price may be swapped to", "", option(nil)},
		{"another product's option is unknown", "order.unknown_variant", option(func(v *storefront.Variant) { v.ProductID = uuid.New() })},
		{"an option only with a code is unknown", "order.unknown_variant", option(func(v *storefront.Variant) { v.CodeOnly = true })},
		{"the line's own option is refused", "change.same_option", option(func(v *storefront.Variant) { v.ID = it.VariantID })},
		{"an option at another price is refused", "change.price_differs", option(func(v *storefront.Variant) { v.PriceMinor = &dearer })},
	} {
		t.Run(c.rule, func(t *testing.T) {
			err := storefront.CheckSwap(it, p, c.v)
			if c.msg == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if marquee.ErrorMessage(err) != c.msg || marquee.ErrorField(err) != "variant" {
				t.Fatalf("got %v, want %s on variant", err, c.msg)
			}
		})
	}
}

func TestAttendeesChangeOnlyBeforeDispatch(t *testing.T) {
	for s, want := range map[storefront.Status]string{
		storefront.StatusPlaced: "", storefront.StatusConfirmed: "", storefront.StatusDispatched: "change.too_late",
		storefront.StatusReadyForPickup: "change.too_late", storefront.StatusCancelled: "change.too_late",
		storefront.Status("pending_payment"): "change.too_late",
	} {
		err := storefront.CheckAttendeeChange(true, s)
		if got := msgOf(err); got != want {
			t.Errorf("%s: %q, want %q", s, got, want)
		}
	}
	if got := msgOf(storefront.CheckAttendeeChange(false, storefront.StatusPlaced)); got != "change.not_allowed" {
		t.Errorf("an event that does not allow changes: %q", got)
	}
}

func msgOf(err error) string {
	if err == nil {
		return ""
	}
	return marquee.ErrorMessage(err)
}

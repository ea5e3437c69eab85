package render

import (
	"testing"

	"marquee/storefront/notify"
)

// BenchmarkConfirmation renders one order confirmation with its pick-up
// code: the work of every order's email job before it sends.
func BenchmarkConfirmation(b *testing.B) {
	r := newRenderer(b)
	ev, o := testEvent(), testOrder("en")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.AttendeeWithPickupCode(notify.KindOrderConfirmation, ev, o, statusURL, "", "0123456789abcdef0123456789abcdef"); err != nil {
			b.Fatal(err)
		}
	}
}

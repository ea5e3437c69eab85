package storefront

import (
	"testing"

	"marquee"
	"marquee/storefront/address"
)

// TestWhatStandsBetweenAnOrderAndTheDesk: the card's problem for each
// kind of order, checked in order (a cancelled order is cancelled whatever
// its payment says).
func TestWhatStandsBetweenAnOrderAndTheDesk(t *testing.T) {
	shipTo := &address.Address{CountryCode: "DE"}
	for _, tc := range []struct {
		name string
		o    Order
		want Problem
	}{
		{"a free placed order", Order{Status: StatusPlaced, PaymentState: PaymentNone}, ProblemNone},
		{"a confirmed paid order", Order{Status: StatusConfirmed, PaymentState: PaymentPaid}, ProblemNone},
		{"ready, partly refunded", Order{Status: StatusReadyForPickup, PaymentState: PaymentPartiallyRefunded}, ProblemNone},
		{"cancelled and to pay at pick-up", Order{Status: StatusCancelled, PaymentState: PaymentAtPickup}, ProblemCancelled},
		{"collected", Order{Status: StatusCollected, PaymentState: PaymentPaid}, ProblemCollected},
		{"with an address", Order{Status: StatusPlaced, Address: shipTo}, ProblemShipped},
		{"dispatched", Order{Status: StatusDispatched}, ProblemShipped},
		{"delivered", Order{Status: StatusDelivered}, ProblemShipped},
		{"waiting for its online payment", Order{Status: StatusPendingPayment, PaymentState: PaymentPending}, ProblemPendingPayment},
		{"to pay at pick-up", Order{Status: StatusReadyForPickup, PaymentState: PaymentAtPickup}, ProblemNotPaid},
		{"refunded yet not cancelled", Order{Status: StatusPlaced, PaymentState: PaymentRefunded}, ProblemNotReady},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.o.DeskProblem(); got != tc.want {
				t.Fatalf("problem %q, want %q", got, tc.want)
			}
		})
	}
	err := error(&AlreadyCollected{Actor: "staff:x"})
	if marquee.ErrorCode(err) != marquee.ECONFLICT || marquee.ErrorMessage(err) != "desk.problem.collected" {
		t.Fatalf("already collected is %s %s, want a conflict desk.problem.collected", marquee.ErrorCode(err), marquee.ErrorMessage(err))
	}
}

package storefront

import (
	"time"

	"github.com/google/uuid"

	"marquee"
)

// Collecting an order at the pick-up desk (issue 18). The desk hands over
// an order that is placed, confirmed or ready for pick-up (staff need not
// have moved it to ready first: at the venue the attendee is the signal),
// that is not shipped and that is paid or free. Anything else is a
// problem the desk card shows, large.

// Problem is why the desk may not hand an order over now ("" when it may).
type Problem string

// The problems an order may have at the desk, in the order they are
// checked: a cancelled order is cancelled whatever else it is.
const (
	ProblemNone           Problem = ""
	ProblemCancelled      Problem = "cancelled"
	ProblemCollected      Problem = "collected"       // handed over already: when and by whom
	ProblemShipped        Problem = "shipped"         // it goes (or went) by post, not over the desk
	ProblemPendingPayment Problem = "pending_payment" // an online payment not completed
	ProblemNotPaid        Problem = "not_paid"        // to be paid at pick-up: "Mark paid and collect"
	ProblemNotReady       Problem = "not_collectable" // any other state (delivered, refunded …)
)

// Collectable lists the statuses the desk may collect an order from.
var Collectable = []Status{StatusPlaced, StatusConfirmed, StatusReadyForPickup}

// collectablePayments are the payment states of an order the desk may hand
// over without taking money: nothing to pay, or paid (a cancelled line's
// refund leaves the rest paid).
var collectablePayments = []PaymentState{PaymentNone, PaymentPaid, PaymentPartiallyRefunded}

// DeskProblem is what stands between o and the desk handing it over.
func (o *Order) DeskProblem() Problem {
	switch {
	case o.Status == StatusCancelled:
		return ProblemCancelled
	case o.Status == StatusCollected:
		return ProblemCollected
	case o.Address != nil || o.Status == StatusDispatched || o.Status == StatusDelivered:
		return ProblemShipped
	case o.Status == StatusPendingPayment || o.PaymentState == PaymentPending:
		return ProblemPendingPayment
	case !statusIn(o.Status, Collectable):
		return ProblemNotReady
	case o.PaymentState == PaymentAtPickup:
		return ProblemNotPaid
	case o.PaymentState != "" && !paymentIn(o.PaymentState, collectablePayments):
		return ProblemNotReady
	}
	return ProblemNone
}

// Message is the problem's message ID ("desk.problem.KIND").
func (p Problem) Message() string { return "desk.problem." + string(p) }

// Err is the problem as the error a refused collection answers with: a
// conflict with what the order is.
func (p Problem) Err() error {
	return marquee.New(marquee.ECONFLICT, p.Message())
}

// AlreadyCollected is the answer to collecting an order that was handed
// over already: who did (the history's actor, "staff:<id>") and when. It
// is a conflict (desk.problem.collected) for the error vocabulary.
type AlreadyCollected struct {
	Actor string
	At    time.Time
}

// Error describes the refusal for logs.
func (e *AlreadyCollected) Error() string {
	return "order already collected at " + e.At.UTC().Format(time.RFC3339) + " by " + e.Actor
}

// Unwrap makes it a conflict with its message for marquee.ErrorCode.
func (e *AlreadyCollected) Unwrap() error { return ProblemCollected.Err() }

func statusIn(s Status, list []Status) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func paymentIn(s PaymentState, list []PaymentState) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// DeskCount is what the desk handed over of one option and what it has
// still to hand over, in units.
type DeskCount struct {
	ProductID, VariantID uuid.UUID
	Collected, Remaining int
}

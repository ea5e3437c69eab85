package storefront

import (
	"time"

	"github.com/google/uuid"
)

// PaymentState says what the attendee owes or paid for an order.
type PaymentState string

// The payment states of an order.
const (
	// PaymentNone: nothing to pay (a free order, or one from before
	// payments).
	PaymentNone PaymentState = "none"
	// PaymentPending: an online checkout is open; the order is
	// pending_payment and holds its stock until HoldExpiresAt.
	PaymentPending PaymentState = "pending"
	// PaymentPaid: paid in full (online, or at the desk).
	PaymentPaid PaymentState = "paid"
	// PaymentAtPickup: to be paid at the desk when collected.
	PaymentAtPickup PaymentState = "at_pickup"
	// PaymentPartiallyRefunded: paid online, part of it given back.
	PaymentPartiallyRefunded PaymentState = "partially_refunded"
	// PaymentRefunded: paid online, all of it given back.
	PaymentRefunded PaymentState = "refunded"
	// PaymentExpired: the online checkout was not completed in time; the
	// order is cancelled and its stock released.
	PaymentExpired PaymentState = "expired"
)

// PaymentStates lists every payment state, in the order a list filter
// offers them.
var PaymentStates = []PaymentState{PaymentNone, PaymentPending, PaymentPaid, PaymentAtPickup,
	PaymentPartiallyRefunded, PaymentRefunded, PaymentExpired}

// Valid reports whether s is one of the payment states.
func (s PaymentState) Valid() bool {
	for _, p := range PaymentStates {
		if p == s {
			return true
		}
	}
	return false
}

// PaymentChoice is how an attendee chose to pay on the order form.
type PaymentChoice string

// The choices. The zero value lets the shop decide: online when online
// payments are on, else at pick-up.
const (
	PaymentChoiceDefault  PaymentChoice = ""
	PaymentChoiceOnline   PaymentChoice = "online"
	PaymentChoiceAtPickup PaymentChoice = "at_pickup"
)

// DefaultPaymentHold is how long an order with an online payment holds its
// stock when the event sets no hold of its own.
const DefaultPaymentHold = 15 * time.Minute

// PaidOnline reports whether o was paid through the online checkout (a
// refund goes back the same way); an order paid at the desk was not.
func (o *Order) PaidOnline() bool {
	return o.PaymentIntentID != "" && (o.PaymentState == PaymentPaid || o.PaymentState == PaymentPartiallyRefunded)
}

// HoldLeft is how long a pending payment still holds the order's stock at
// now (0 when it has run out or there is no hold).
func (o *Order) HoldLeft(now time.Time) time.Duration {
	if o.HoldExpiresAt == nil || o.PaymentState != PaymentPending {
		return 0
	}
	return max(o.HoldExpiresAt.Sub(now), 0)
}

// Refund is money given back on an order.
type Refund struct {
	AmountMinor int64
	Reason      string
	RefundID    string // the payment provider's
	At          time.Time
}

// ItemsTotal is the sum of the order's lines before any code's discount.
func (o *Order) ItemsTotal() int64 {
	var sum int64
	for _, it := range o.Items {
		sum += it.UnitPriceMinor * int64(it.Quantity)
	}
	return sum
}

// PaymentEvent is what the payment provider said of an order's payment
// (a verified webhook): its event id (each is acted on once), the order it
// names (tenant and order id, from the metadata the checkout was opened
// with), the session, and once paid the payment and its amount.
type PaymentEvent struct {
	ID              string
	Type            string
	TenantID        uuid.UUID
	OrderID         uuid.UUID
	SessionID       string
	PaymentIntentID string
	AmountMinor     int64
	Currency        string
}

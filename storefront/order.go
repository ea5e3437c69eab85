package storefront

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"marquee/storefront/address"
)

// Status is where an order is in its life.
type Status string

// The statuses of an order. placed → confirmed → dispatched or
// ready_for_pickup → delivered or collected; cancelled from any status
// before dispatch. An order paid online starts as pending_payment (its
// stock held, nothing sent) and becomes placed when paid, or cancelled
// when the payment expires; only the payment moves it, never staff.
const (
	StatusPendingPayment Status = "pending_payment"
	StatusPlaced         Status = "placed"
	StatusConfirmed      Status = "confirmed"
	StatusDispatched     Status = "dispatched"
	StatusReadyForPickup Status = "ready_for_pickup"
	StatusDelivered      Status = "delivered"
	StatusCollected      Status = "collected"
	StatusCancelled      Status = "cancelled"
)

// nextStatuses lists the statuses each status may move to.
var nextStatuses = map[Status][]Status{
	StatusPlaced:         {StatusConfirmed, StatusDispatched, StatusReadyForPickup, StatusCancelled},
	StatusConfirmed:      {StatusDispatched, StatusReadyForPickup, StatusCancelled},
	StatusDispatched:     {StatusDelivered},
	StatusReadyForPickup: {StatusCollected, StatusCancelled},
}

// CanMove reports whether an order in status from may move to status to.
func CanMove(from, to Status) bool {
	for _, s := range nextStatuses[from] {
		if s == to {
			return true
		}
	}
	return false
}

// AttendeeMayCancel reports whether an attendee may cancel an order in
// status s themselves: only before anything left the warehouse.
func AttendeeMayCancel(s Status) bool {
	return s == StatusPlaced || s == StatusConfirmed
}

// Line is one thing an attendee asks for.
type Line struct {
	ProductID uuid.UUID
	VariantID uuid.UUID
	Quantity  int
	Answers   map[string]any // item-scope answers
}

// OrderRequest is a validated order form: who orders what. Prices and
// limits are not in it: the order's transaction reads them.
type OrderRequest struct {
	IdempotencyKey uuid.UUID
	Email          string // normalised with NormalizeEmail
	Name           string
	Locale         string
	Answers        map[string]any   // customer and shipping-scope answers
	Address        *address.Address // nil when the event does not ship
	Lines          []Line
	// VoucherCode is the code the attendee entered ("" none), as typed:
	// the order's transaction reads, checks and redeems it
	// (db/orders_voucher.go).
	VoucherCode string
	// Payment is how the attendee chose to pay (the order form's choice;
	// PlaceOrder decides what applies: db/orders_payment.go).
	Payment PaymentChoice
	// OfferToken is the secret of the waiting-list offer the attendee
	// orders through ("" none): its held units become the order's
	// (db/orders_waitlist.go).
	OfferToken string
}

// NormalizeEmail is the form of an email address that identifies an
// attendee across orders.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// Item is one line of a placed order, as it was when ordered.
type Item struct {
	Position       int
	ProductID      uuid.UUID
	VariantID      uuid.UUID
	ProductName    Text
	VariantLabel   Text
	Quantity       int
	UnitPriceMinor int64
	Answers        map[string]any
	// DispatchedAt is when the line's supplier marked it dispatched (nil:
	// not yet), with their tracking note and who ("supplier:<id>").
	DispatchedAt *time.Time
	DispatchNote string
	DispatchedBy string
}

// StatusChange is one row of an order's history: a status change, or a
// change the attendee made (Change not empty) while the status stayed.
type StatusChange struct {
	Status Status
	Change Change
	Note   string
	Actor  string
	At     time.Time
}

// Order is a placed order.
type Order struct {
	ID         uuid.UUID
	TenantID   uuid.UUID
	Number     string
	Email      string
	Name       string
	Locale     string
	Status     Status
	Answers    map[string]any
	Address    *address.Address
	Currency   string
	TotalMinor int64 // what the attendee pays: the lines minus DiscountMinor
	CreatedAt  time.Time
	Items      []Item
	History    []StatusChange
	// ErasedAt is when the order's personal data was erased (by the
	// retention job or on request); nil while it is kept.
	ErasedAt *time.Time
	// DiscountMinor is what the order's voucher code took off (0: none);
	// VoucherCode is that code ("" without one).
	DiscountMinor int64
	VoucherCode   string
	// PaymentState is what the attendee owes or paid; HoldExpiresAt is
	// when a pending online payment stops holding the stock.
	PaymentState  PaymentState
	HoldExpiresAt *time.Time
	// PaymentSessionID and PaymentIntentID are Stripe's checkout session
	// and payment intent ("" when there is none).
	PaymentSessionID string
	PaymentIntentID  string
}

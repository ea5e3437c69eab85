// Package webhooks is what Marquee tells other systems (a CRM, a
// warehouse, a script) when something happens to an event: the message
// types and their data, the endpoints staff register per event or
// platform-wide, and the Standard Webhooks signature every delivery
// carries (https://www.standardwebhooks.com). Messages are emitted by db
// inside the transaction of the change (db's emitWebhook) and delivered by
// a River job (delivery.go), through a dialer that refuses private
// addresses (guard.go).
package webhooks

import (
	"slices"
	"time"

	"github.com/google/uuid"
)

// The message types an endpoint can subscribe to.
const (
	OrderPlaced    = "order.placed"    // an order is placed (a paid online checkout included, once paid)
	OrderPaid      = "order.paid"      // an order is paid (online, or at the desk)
	OrderChanged   = "order.changed"   // the attendee changed their order (an option, the address, a line)
	OrderCancelled = "order.cancelled" // an order is cancelled (by staff, the attendee, or an expired payment)
	OrderCollected = "order.collected" // an order was handed over at the pick-up desk
	SignupReceived = "signup.received" // a sign-up form was sent (web or kiosk)
	StockSoldOut   = "stock.sold_out"  // the last unit of an option went
	EventPublished = "event.published" // the event's branding was published
	EventClosed    = "event.closed"    // the event's closing time was reached
	EventArchived  = "event.archived"  // the event was archived
)

// Types lists every type an endpoint can subscribe to, in the order the
// console shows them.
var Types = []string{
	OrderPlaced, OrderPaid, OrderChanged, OrderCancelled, OrderCollected,
	SignupReceived, StockSoldOut, EventPublished, EventClosed, EventArchived,
}

// TestType is the type of the message "Send test" sends: to one endpoint,
// whatever its types.
const TestType = "webhook.test"

// KnownType reports whether typ is one of Types.
func KnownType(typ string) bool { return slices.Contains(Types, typ) }

// Envelope is the body of every delivery: the Standard Webhooks payload
// shape, with the message's type, when it happened and its data.
type Envelope struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}

// MessageID is a message's webhook-id header: "msg_" and its id.
func MessageID(id uuid.UUID) string { return "msg_" + id.String() }

// EventScoped is data about one event: emission refuses data whose event
// is not the transaction's, so another event's ids can never reach this
// event's endpoints.
type EventScoped interface {
	EventOf() uuid.UUID
}

// JobKind is the River kind of a delivery's job (its args: tenant_id and
// delivery_id).
const JobKind = "webhook_delivery"

// RetrySchedule is how long a delivery waits after each failed attempt:
// about a day in all (24 h 5 min 5 s), after which it has failed.
var RetrySchedule = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour,
	5 * time.Hour, 10 * time.Hour, 6*time.Hour + 30*time.Minute,
}

// MaxAttempts is how many attempts a delivery gets: the first and one per
// wait of RetrySchedule.
var MaxAttempts = len(RetrySchedule) + 1

// RotationOverlap is how long the previous secret keeps signing after a
// rotation.
const RotationOverlap = 24 * time.Hour

// FailingFor is how long an endpoint may fail every attempt before it is
// disabled (and its owner told).
const FailingFor = 24 * time.Hour

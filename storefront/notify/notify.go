// Package notify is what the platform tells people by email: attendees
// about their orders (a confirmation, then one email per status change)
// and suppliers about the lines they fulfil (each order as it is placed,
// or one list when the event closes). The messages are rendered by
// notify/render, sent by notify/mail (SMTP) or kept in the dev inbox, and
// queued as jobs in the same transaction as the change that causes them,
// so an accepted order never loses its emails and a rolled-back one sends
// nothing.
package notify

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Kind names a template: what happened, for whom.
type Kind string

// The emails the platform sends.
const (
	KindOrderConfirmation Kind = "order_confirmation" // attendee: the order was placed
	KindStatusConfirmed   Kind = "status_confirmed"   // attendee: staff confirmed it
	KindStatusDispatched  Kind = "status_dispatched"  // attendee: on its way (with an optional tracking note)
	KindStatusReady       Kind = "status_ready"       // attendee: ready for pick-up
	KindStatusDelivered   Kind = "status_delivered"   // attendee: delivered
	KindStatusCollected   Kind = "status_collected"   // attendee: collected at the venue
	KindStatusCancelled   Kind = "status_cancelled"   // attendee: cancelled
	KindOrderChanged      Kind = "order_changed"      // attendee: they changed their order (an option, the address, a line)
	KindSupplierOrder     Kind = "supplier_order"     // supplier: one order's lines they fulfil
	KindSupplierBatch     Kind = "supplier_batch"     // supplier: all their lines, CSV and XLSX attached
	KindSupplierCancelled Kind = "supplier_cancelled" // supplier: an order with their lines was cancelled
	KindWaitlistOffer     Kind = "waitlist_offer"     // someone waiting: a sold-out option is back, held for them
	KindSupplierChanged   Kind = "supplier_changed"   // supplier: the attendee changed an order with their lines
	KindAttendeeMessage   Kind = "attendee_message"   // attendee: a message staff wrote to the event's attendees
	KindWebhookDisabled   Kind = "webhook_disabled"   // staff: a webhook endpoint that kept failing was disabled
)

// AttendeeKinds are the attendee emails, in the order an order lives them.
var AttendeeKinds = []Kind{KindOrderConfirmation, KindStatusConfirmed, KindStatusDispatched, KindStatusReady,
	KindStatusDelivered, KindStatusCollected, KindStatusCancelled, KindOrderChanged}

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string // file name as the recipient sees it, e.g. "devcon-acme.xlsx"
	ContentType string
	Data        []byte
	// ContentID, when set, makes the file an inline part the HTML shows
	// as "cid:" + ContentID (an image in the message), not a file to open.
	ContentID string
}

// Message is one email, ready to send: every part rendered, every address
// checked.
type Message struct {
	FromName    string   // the event's name: "DevCon 2027"
	FromAddress string   // the platform's sending address (SMTP_FROM)
	ReplyTo     string   // the event's contact address, if any
	To          []string // one or more recipients
	Subject     string
	HTML        string // the HTML part
	Text        string // the plain-text part, always present
	Attachments []Attachment
	// Headers are extra headers, e.g. X-Marquee-Kind; never From, To or
	// Subject.
	Headers map[string]string
}

// Sender delivers a message and returns the Message-ID it was sent with.
// A nil error means the receiving server accepted it.
type Sender interface {
	Send(ctx context.Context, m Message) (messageID string, err error)
}

// SentEmail is the record of an email the mail server accepted.
type SentEmail struct {
	DedupKey   string // names the email, e.g. "order:K7M3-Q9XZ:order_confirmation:1"
	Kind       Kind
	Subject    string
	MessageID  string
	Recipients []string
	OrderID    *uuid.UUID
	SentAt     time.Time
}

// InboxMessage is a message kept in dev's inbox.
type InboxMessage struct {
	ID         int64
	MessageID  string
	ReceivedAt time.Time
	Message    Message
}

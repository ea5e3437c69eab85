// Package suppliers holds what an event's suppliers receive: who they are,
// which products or variants each one fulfils, the lines of an order that
// are theirs, and the files (CSV, XLSX) that carry those lines. A supplier
// is a print shop or a bakery, not a colleague: it sees what it has to make
// and where to send it, and nothing else about the attendee.
package suppliers

import (
	"maps"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/address"
)

// Mode is how a supplier receives its lines.
type Mode string

// The modes a supplier can have.
const (
	ModePerOrder Mode = "per_order" // one email per order, as it is placed
	ModeBatch    Mode = "batch"     // one list when the event closes (or at SendAt)
)

// Valid reports whether m is one of the known modes.
func (m Mode) Valid() bool { return m == ModePerOrder || m == ModeBatch }

// Limits on a supplier's definition. Ten addresses cover a shop's
// inboxes; more is a mailing list, which the shop should run itself.
const (
	MaxNameLength = 200
	MaxEmails     = 10
)

// Validation message IDs (go-i18n), one per rule Validate checks.
const (
	MsgNameRequired  = "supplier.name_required"
	MsgNameTooLong   = "supplier.name_too_long"
	MsgEmailRequired = "supplier.email_required"
	MsgEmailInvalid  = "supplier.email_invalid"
	MsgTooManyEmails = "supplier.too_many_emails"
	MsgModeInvalid   = "supplier.mode_invalid"
	MsgItemsRequired = "supplier.items_required"
)

// MessageIDs lists every message ID this package returns, so a test of
// the locales can check each one is translated.
func MessageIDs() []string {
	return []string{
		MsgNameRequired, MsgNameTooLong, MsgEmailRequired, MsgEmailInvalid,
		MsgTooManyEmails, MsgModeInvalid, MsgItemsRequired,
	}
}

// Field names of the errors Validate returns: the console form's inputs.
const (
	FieldName   = "name"
	FieldEmails = "emails"
	FieldMode   = "mode"
	FieldItems  = "items"
)

// Batch is one list sent to a supplier: how many lines it had and the
// mail server's id of the message.
type Batch struct {
	SupplierID uuid.UUID
	Lines      int
	MessageID  string
	SentAt     time.Time
}

// Supplier is a business that makes or delivers some of an event's
// products.
type Supplier struct {
	ID     uuid.UUID
	Name   string
	Emails []string
	Mode   Mode
	// SendAt is when a batch supplier gets its list; nil means when the
	// event closes. Per-order suppliers ignore it.
	SendAt *time.Time
	// ProductIDs are products fulfilled whole, every variant included,
	// even variants added later; VariantIDs are single variants, for when
	// one shop makes sizes S–L and another the XXL.
	ProductIDs []uuid.UUID
	VariantIDs []uuid.UUID
}

// Validate returns the first rule s breaks as a marquee.Invalid error
// naming the input, or nil.
func (s Supplier) Validate() error {
	name := strings.TrimSpace(s.Name)
	switch {
	case name == "":
		return marquee.Invalid(FieldName, MsgNameRequired)
	case utf8.RuneCountInString(name) > MaxNameLength:
		return marquee.Invalid(FieldName, MsgNameTooLong)
	}
	if err := validateEmails(s.Emails); err != nil {
		return err
	}
	if !s.Mode.Valid() {
		return marquee.Invalid(FieldMode, MsgModeInvalid)
	}
	if len(s.ProductIDs) == 0 && len(s.VariantIDs) == 0 {
		return marquee.Invalid(FieldItems, MsgItemsRequired)
	}
	return nil
}

// validateEmails checks the supplier's recipient list.
func validateEmails(emails []string) error {
	switch {
	case len(emails) == 0:
		return marquee.Invalid(FieldEmails, MsgEmailRequired)
	case len(emails) > MaxEmails:
		return marquee.Invalid(FieldEmails, MsgTooManyEmails)
	}
	for _, e := range emails {
		if !ValidEmail(e) {
			return marquee.Invalid(FieldEmails, MsgEmailInvalid)
		}
	}
	return nil
}

// ValidEmail reports whether e is one bare address ("orders@print.example").
// net/mail would also accept "Print Shop <orders@print.example>" or a
// group; those are refused because the address is stored as typed and
// later placed in a To header: only a parse that gives back exactly the
// input (after trimming) proves there is nothing else in it.
func ValidEmail(e string) bool {
	e = strings.TrimSpace(e)
	a, err := mail.ParseAddress(e)
	return err == nil && a.Name == "" && a.Address == e
}

// Fulfils reports whether s makes or delivers item: its product is one of
// s's products, or its variant one of s's variants.
func (s Supplier) Fulfils(item storefront.Item) bool {
	return slices.Contains(s.ProductIDs, item.ProductID) || slices.Contains(s.VariantIDs, item.VariantID)
}

// Line is one ordered item as a supplier sees it: what to make, how many,
// and where it goes. It carries the recipient's name and postal address
// but never the attendee's email, phone or customer answers: a supplier
// needs to make and ship the thing, not to contact the attendee.
type Line struct {
	OrderNumber string
	PlacedAt    time.Time
	// Status lets a per-order notice say "cancelled"; exports leave
	// cancelled lines to the caller (see WithoutCancelled).
	Status      storefront.Status
	Product     string // in the language the lines were built for
	Variant     string // in the language the lines were built for
	ProductID   uuid.UUID
	VariantID   uuid.UUID
	Quantity    int
	ItemAnswers map[string]any   // the item's own answers, e.g. the name to print
	ShipTo      *address.Address // nil when the event does not ship
	Recipient   string           // the attendee's name, or the address's recipient when shipped
}

// LinesFor returns the items of o that s fulfils, in the order's order,
// with product and variant names in lang (else fallback, else any).
func LinesFor(s Supplier, o storefront.Order, lang, fallback string) []Line {
	var lines []Line
	shipTo, recipient := shipping(o)
	for _, item := range o.Items {
		if !s.Fulfils(item) {
			continue
		}
		lines = append(lines, Line{
			OrderNumber: o.Number,
			PlacedAt:    o.CreatedAt,
			Status:      o.Status,
			Product:     item.ProductName.In(lang, fallback),
			Variant:     item.VariantLabel.In(lang, fallback),
			ProductID:   item.ProductID,
			VariantID:   item.VariantID,
			Quantity:    item.Quantity,
			ItemAnswers: maps.Clone(item.Answers),
			ShipTo:      shipTo,
			Recipient:   recipient,
		})
	}
	return lines
}

// shipping returns the shipping details of o a supplier may see: a copy of
// the address (so a line never aliases the order) and the name to pack
// for. The address's recipient wins over the orderer's name: a parcel
// ordered by an assistant still goes to the person on the label.
func shipping(o storefront.Order) (*address.Address, string) {
	if o.Address == nil {
		return nil, strings.TrimSpace(o.Name)
	}
	a := *o.Address
	if name := strings.TrimSpace(a.Name); name != "" {
		return &a, name
	}
	return &a, strings.TrimSpace(o.Name)
}

// WithoutCancelled returns the lines of orders that were not cancelled
// (nor are waiting for their payment): what a supplier still has to make. The batch and the console download
// pass their lines through it; a per-order cancellation notice does not.
func WithoutCancelled(lines []Line) []Line {
	out := make([]Line, 0, len(lines))
	for _, l := range lines {
		if l.Status != storefront.StatusCancelled && l.Status != storefront.StatusPendingPayment {
			out = append(out, l)
		}
	}
	return out
}

package storefront

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"marquee"
	"marquee/storefront/address"
)

// ChangeLinesDispatched is the history row of a supplier's dispatch that
// leaves lines of the order still to send (the last one moves the order
// to dispatched instead).
const ChangeLinesDispatched Change = "lines_dispatched"

// SupplierLine is one line of an order as its supplier's page shows it:
// what to make and where it goes, never the attendee's email or answers
// about themselves.
type SupplierLine struct {
	OrderNumber string
	OrderStatus Status
	PlacedAt    time.Time
	Address     *address.Address // nil when the event does not ship
	Item        Item
}

// LineRef names one line of an order: its number and position.
type LineRef struct {
	Order    string
	Position int
}

// MaxDispatchNote is the longest tracking note a supplier may give, in
// characters.
const MaxDispatchNote = 500

// ParseDispatchNote checks a supplier's tracking note: trimmed, at most
// MaxDispatchNote characters, on one or more lines.
func ParseDispatchNote(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) || utf8.RuneCountInString(s) > MaxDispatchNote {
		return "", marquee.Invalid("note", "dispatch.note_too_long")
	}
	return s, nil
}

// CheckSupplierDispatch returns why a supplier may not mark lines of an
// order in status s dispatched, or nil: only while it is placed or
// confirmed. A cancelled order or one waiting for its payment is not to be
// sent; one staff already moved on (dispatched, ready for pick-up, handed
// out) is past it.
func CheckSupplierDispatch(s Status) error {
	switch s {
	case StatusPlaced, StatusConfirmed:
		return nil
	case StatusCancelled:
		return marquee.New(marquee.ECONFLICT, "dispatch.cancelled")
	case StatusPendingPayment:
		return marquee.New(marquee.ECONFLICT, "dispatch.pending_payment")
	}
	return marquee.New(marquee.ECONFLICT, "dispatch.too_late")
}

// DispatchNotes is what the attendee reads when the last of their lines
// is dispatched: every line's tracking note, each once, in the lines'
// order.
func DispatchNotes(items []Item) string {
	var notes []string
	seen := map[string]bool{}
	for _, it := range items {
		if n := strings.TrimSpace(it.DispatchNote); n != "" && !seen[n] {
			seen[n] = true
			notes = append(notes, n)
		}
	}
	return strings.Join(notes, "\n")
}

// AllDispatched reports whether every line of items is dispatched.
func AllDispatched(items []Item) bool {
	for _, it := range items {
		if it.DispatchedAt == nil {
			return false
		}
	}
	return len(items) > 0
}

// Dispatch is a supplier marking lines of one order dispatched.
type Dispatch struct {
	SupplierID uuid.UUID
	Order      string
	Positions  []int
	Note       string // the tracking note, as ParseDispatchNote left it
	// Ships: the event sends orders to attendees. Without shipping the
	// supplier sends to the organisers, who hand out at the desk: the
	// lines are recorded, the order's status stays.
	Ships bool
}

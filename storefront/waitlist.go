package storefront

import (
	"time"

	"github.com/google/uuid"
)

// WaitlistOffer is units of a sold-out option held for someone of its
// waiting list until ExpiresAt (issue 17): the email that tells them
// carries a link to the order form with the units reserved (Token) and a
// link to leave the list (LeaveToken).
type WaitlistOffer struct {
	ID, VariantID             uuid.UUID
	Token, LeaveToken         string
	Email, Locale             string
	Quantity                  int
	State                     string // held, ordered, expired
	ExpiresAt                 time.Time
	ProductName, VariantLabel Text
}

// Offer states.
const (
	OfferHeld    = "held"
	OfferOrdered = "ordered"
	OfferExpired = "expired"
)

// WaitlistOrderPath is the path, on the event's host, of an offer's link:
// the order form with its units reserved.
func WaitlistOrderPath(token string) string { return "/order?offer=" + token }

// WaitlistLeavePath is the path of the link that leaves the waiting list.
func WaitlistLeavePath(token string) string { return "/waitlist/leave?token=" + token }

// WaitlistEntry is one person's place in an option's line.
type WaitlistEntry struct {
	ID, VariantID     uuid.UUID
	Email, Locale     string
	Quantity          int
	State, LeaveToken string
	Position          int // among those still waiting, when it joined (0: not known)
	CreatedAt         time.Time
}

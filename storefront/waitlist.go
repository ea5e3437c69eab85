package storefront

import (
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"marquee"
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
	// OfferExpiresAt is when the offer the entry holds ends (nil: it
	// holds none; filled on the staff's list).
	OfferExpiresAt *time.Time
}

// Entry states.
const (
	EntryWaiting = "waiting"
	EntryOffered = "offered"
)

// WaitlistDemand is how many people wait for an option, and for how many
// units: what a marketer orders more of.
type WaitlistDemand struct {
	VariantID     uuid.UUID
	People, Units int
}

// A waiting list's offer holds its units for the person it goes to; the
// event chooses how long (Settings.WaitlistHoldHours).
const (
	// DefaultWaitlistHoldHours is the hold of an event that never chose:
	// a day, so an offer sent at night is still there in the morning.
	DefaultWaitlistHoldHours = 24
	// MinWaitlistHoldHours leaves time to read an email; MaxWaitlistHoldHours
	// (a week) keeps returned units from sitting unsold behind one inbox.
	MinWaitlistHoldHours = 1
	MaxWaitlistHoldHours = 168
)

// ParseWaitlistHoldHours reads the settings form's waiting-list hold, in
// hours.
func ParseWaitlistHoldHours(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < MinWaitlistHoldHours || n > MaxWaitlistHoldHours {
		return 0, marquee.Invalid("waitlist_hold_hours", "settings.waitlist_hold_hours_range")
	}
	return n, nil
}

// WaitlistHold is the event's waiting-list hold in hours,
// DefaultWaitlistHoldHours when it never chose one.
func (s Settings) WaitlistHold() int {
	if s.WaitlistHoldHours <= 0 {
		return DefaultWaitlistHoldHours
	}
	return s.WaitlistHoldHours
}

// CheckWaitlistHold refuses a hold outside its bounds (0 is the default).
func (s Settings) CheckWaitlistHold() error {
	if s.WaitlistHoldHours != 0 && (s.WaitlistHoldHours < MinWaitlistHoldHours || s.WaitlistHoldHours > MaxWaitlistHoldHours) {
		return marquee.Invalid("waitlist_hold_hours", "settings.waitlist_hold_hours_range")
	}
	return nil
}

// WaitlistOfferDedupKey names an offer's email in the send log (one email
// per offer); erasing the offer finds the email by it.
func WaitlistOfferDedupKey(offerID uuid.UUID) string { return "waitlist:offer:" + offerID.String() }

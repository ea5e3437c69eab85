package storefront

import (
	"strconv"
	"strings"

	"marquee"
)

// An order paid online holds its stock while the attendee is on the
// payment page; the event chooses how long (Settings.HoldMinutes).
const (
	// DefaultHoldMinutes is the hold of an event that never chose one.
	DefaultHoldMinutes = 15
	// MinHoldMinutes leaves time to type a card number and pass a bank's
	// confirmation step.
	MinHoldMinutes = 5
	// MaxHoldMinutes keeps sizes from vanishing behind abandoned payments
	// for long on a busy shop.
	MaxHoldMinutes = 120
)

// ParseHoldMinutes reads the settings form's payment hold, in minutes.
func ParseHoldMinutes(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < MinHoldMinutes || n > MaxHoldMinutes {
		return 0, marquee.Invalid("hold_minutes", "settings.hold_minutes_range")
	}
	return n, nil
}

// Hold is the event's payment hold in minutes, DefaultHoldMinutes when
// it never chose one.
func (s Settings) Hold() int {
	if s.HoldMinutes <= 0 {
		return DefaultHoldMinutes
	}
	return s.HoldMinutes
}

// CheckPayment refuses settings that cannot work together: paying at the
// pick-up desk needs a pick-up, and an event that ships has none.
func (s Settings) CheckPayment() error {
	if s.PayAtPickup && s.Ships {
		return marquee.Invalid("pay_at_pickup", "settings.pay_at_pickup_ships")
	}
	if s.HoldMinutes != 0 && (s.HoldMinutes < MinHoldMinutes || s.HoldMinutes > MaxHoldMinutes) {
		return marquee.Invalid("hold_minutes", "settings.hold_minutes_range")
	}
	return nil
}

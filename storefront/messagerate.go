package storefront

import (
	"strconv"
	"strings"

	"marquee"
)

// A message to attendees goes out at the event's rate, so that a big
// send neither floods the mail server nor looks like spam to receivers;
// the event chooses it (Settings.MessageRate), within the bounds the
// database holds it to.
const (
	// DefaultMessageRate is the rate of an event that never chose: 1,000
	// attendees in under two minutes.
	DefaultMessageRate = 10
	MinMessageRate     = 1
	MaxMessageRate     = 100
)

// ParseMessageRate reads the settings form's message rate, emails per
// second.
func ParseMessageRate(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < MinMessageRate || n > MaxMessageRate {
		return 0, marquee.Invalid("message_rate", "settings.message_rate_range")
	}
	return n, nil
}

// Rate is the event's message rate, DefaultMessageRate when it never
// chose one.
func (s Settings) Rate() int {
	if s.MessageRate <= 0 {
		return DefaultMessageRate
	}
	return s.MessageRate
}

// CheckMessageRate refuses a rate outside its bounds (0 is the default).
func (s Settings) CheckMessageRate() error {
	if s.MessageRate != 0 && (s.MessageRate < MinMessageRate || s.MessageRate > MaxMessageRate) {
		return marquee.Invalid("message_rate", "settings.message_rate_range")
	}
	return nil
}

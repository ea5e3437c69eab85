package web

import (
	"time"

	"marquee/storefront"
	"marquee/themes"
)

// countdownFrom is how close the closing time must be for the event page
// to count down to it ("closes in 3 days"); before, it states the date.
const countdownFrom = 7 * 24 * time.Hour

// EventFacts are what an attendee needs to know before ordering: how the
// order reaches them (picked up where and when, or shipped) and until
// when they can order, in the event's time zone.
type EventFacts struct {
	Ships         bool
	PickupPlace   string
	PickupDetails []string // paragraphs
	ClosesAt      string   // "Friday 9 April 2027, 18:00 CEST"; "" when the shop never closes
	ClosesAtISO   string   // the same instant for <time datetime>
	Countdown     string   // "Closes in 3 hours" near the end; "" before
	Zone          string   // the zone's name, "Europe/Berlin"
}

// facts states site's facts at now in the language and zone of base.
func facts(base themes.Page, s storefront.Settings, now time.Time) EventFacts {
	f := EventFacts{Ships: s.Ships, PickupPlace: s.PickupPlace, PickupDetails: paragraphs(s.PickupDetails), Zone: base.ZoneName()}
	if s.ClosesAt != nil {
		f.ClosesAt = base.EventTime(*s.ClosesAt)
		f.ClosesAtISO = s.ClosesAt.UTC().Format(time.RFC3339)
		f.Countdown = countdown(base, s.ClosesAt.Sub(now))
	}
	return f
}

// countdown says how long is left before the shop closes, once that is
// less than countdownFrom ("Closes in 3 hours"); "" before, or after.
func countdown(p themes.Page, left time.Duration) string {
	unit, n := countdownIn(left)
	switch {
	case unit == "":
		return ""
	case n == 1: // every language of the platform says "1" apart and any other count alike
		return p.T("landing.closes_in_" + unit)
	default:
		return p.T("landing.closes_in_"+unit+"s", "Count", n)
	}
}

// countdownIn is the unit and count a countdown shows: whole days from a
// day on, then hours rounded, then minutes rounded up (never "0 minutes"
// while still open); no unit when the end is further than countdownFrom
// or has passed. Pages are cached by it: the text changes only with it.
func countdownIn(left time.Duration) (unit string, n int) {
	switch {
	case left <= 0 || left >= countdownFrom:
		return "", 0
	case left >= 24*time.Hour:
		return "day", int(left / (24 * time.Hour))
	case left >= time.Hour:
		return "hour", int(left.Round(time.Hour) / time.Hour)
	default:
		return "minute", int((left + time.Minute - 1) / time.Minute)
	}
}

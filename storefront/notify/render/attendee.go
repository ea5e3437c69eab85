package render

import (
	"cmp"
	"fmt"
	"strings"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/storefront/notify"
	"marquee/themes"
)

// Attendee renders an email to the attendee of order o: kind says what
// happened, statusURL is the signed link to the order on the event's own
// host, and note is staff's note on the status change (the tracking
// information when dispatched), shown when not empty.
func (r *Renderer) Attendee(kind notify.Kind, ev Event, o storefront.Order, statusURL, note string) (notify.Message, error) {
	return r.attendee(kind, ev, o, statusURL, note, "")
}

// AttendeeChange renders the email to the attendee of order o about a
// change they made (ch, a row of its history that is not a status change:
// what changed, and its note).
func (r *Renderer) AttendeeChange(ev Event, o storefront.Order, statusURL string, ch storefront.StatusChange) (notify.Message, error) {
	return r.attendee(notify.KindOrderChanged, ev, o, statusURL, ch.Note, ch.Change)
}

func (r *Renderer) attendee(kind notify.Kind, ev Event, o storefront.Order, statusURL, note string, change storefront.Change) (notify.Message, error) {
	if !isAttendeeKind(kind) {
		return notify.Message{}, fmt.Errorf("render: %q is not an attendee email", kind)
	}
	// The order's language was chosen among the event's when it was
	// placed; an event that dropped it since still speaks it to this
	// attendee, with the event's copy falling back to its default.
	lang := cmp.Or(o.Locale, ev.DefaultLocale, themes.DefaultLocale)
	l := r.labeller(ev, lang)
	currency := cmp.Or(o.Currency, ev.Currency)
	v := &attendeeMail{frame: r.newFrame(ev, lang), Number: o.Number, Name: inert(o.Name), Email: inert(o.Email),
		Placed: r.tr.EventTime(lang, ev.Zone, o.CreatedAt),
		Total:  r.price(lang, o.TotalMinor, currency), Note: strings.TrimSpace(note), StatusURL: statusURL,
		Items: r.lines(l, o.Items, currency), Answers: l.answers(o.Answers, form.ScopeCustomer, form.ScopeShipping),
		Ships: ev.Ships, Delivery: showsDelivery(kind)}
	if change != "" {
		v.Change = r.tr.T(lang, "change."+string(change))
	}
	if ev.Ships && o.Address != nil {
		v.Address = inertLines(address.Lines(*o.Address, lang))
	}
	return r.message(kind, ev, []string{o.Email}, v, nil)
}

type attendeeMail struct {
	frame
	Number, Name, Email, Placed, Total string
	Note, StatusURL                    string
	Change                             string // what the attendee changed (order_changed), in their language
	Items                              []line
	Answers                            []answer
	Address                            []string
	Ships, Delivery                    bool
}

// showsDelivery reports whether an attendee email of kind k says where the
// order goes: while it is on its way, not once it arrived or was cancelled.
func showsDelivery(k notify.Kind) bool {
	switch k {
	case notify.KindOrderConfirmation, notify.KindStatusConfirmed, notify.KindStatusDispatched, notify.KindStatusReady, notify.KindOrderChanged:
		return true
	}
	return false
}

package render

import (
	"cmp"
	"fmt"
	htmltemplate "html/template"
	"slices"
	"strings"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/storefront/notify"
	"marquee/storefront/pickupqr"
	"marquee/themes"
)

// Attendee renders an email to the attendee of order o: kind says what
// happened, statusURL is the signed link to the order on the event's own
// host, and note is staff's note on the status change (the tracking
// information when dispatched), shown when not empty.
func (r *Renderer) Attendee(kind notify.Kind, ev Event, o storefront.Order, statusURL, note string) (notify.Message, error) {
	return r.attendee(kind, ev, o, statusURL, note, "", "")
}

// AttendeeWithPickupCode is Attendee for an order collected at the event:
// the emails that lead to the pick-up desk (pickupCodeKinds) show the QR
// code of pickupToken (storefront.PickupTokens) as an inline PNG, with the
// order number to give when it cannot be scanned.
func (r *Renderer) AttendeeWithPickupCode(kind notify.Kind, ev Event, o storefront.Order, statusURL, note, pickupToken string) (notify.Message, error) {
	return r.attendee(kind, ev, o, statusURL, note, "", pickupToken)
}

// AttendeeChange renders the email to the attendee of order o about a
// change they made (ch, a row of its history that is not a status change:
// what changed, and its note).
func (r *Renderer) AttendeeChange(ev Event, o storefront.Order, statusURL string, ch storefront.StatusChange) (notify.Message, error) {
	return r.attendee(notify.KindOrderChanged, ev, o, statusURL, ch.Note, ch.Change, "")
}

func (r *Renderer) attendee(kind notify.Kind, ev Event, o storefront.Order, statusURL, note string, change storefront.Change, pickupToken string) (notify.Message, error) {
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
	var inline []notify.Attachment
	if pickupToken != "" && slices.Contains(pickupCodeKinds, kind) {
		img, err := pickupCodePNG(o.Number, pickupToken)
		if err != nil {
			return notify.Message{}, err
		}
		v.PickupCode, inline = htmltemplate.URL("cid:"+img.ContentID), []notify.Attachment{img}
	}
	return r.message(kind, ev, []string{o.Email}, v, inline)
}

// pickupCodeKinds are the attendee emails that show the pick-up code: the
// confirmation, and the news that the order is confirmed or ready.
var pickupCodeKinds = []notify.Kind{notify.KindOrderConfirmation, notify.KindStatusConfirmed, notify.KindStatusReady}

// pickupCodePNG is the QR code of an order's pick-up token as an inline
// image, 6 pixels a module (222 pixels a side for a token).
func pickupCodePNG(number, token string) (notify.Attachment, error) {
	c, err := pickupqr.Encode(token)
	if err != nil {
		return notify.Attachment{}, fmt.Errorf("render: pick-up code: %w", err)
	}
	data, err := c.PNG(pickupCodeScale)
	if err != nil {
		return notify.Attachment{}, fmt.Errorf("render: pick-up code: %w", err)
	}
	return notify.Attachment{Name: "pickup-" + number + ".png", ContentType: "image/png", Data: data,
		ContentID: "pickup-code-" + number}, nil
}

// pickupCodeScale is the pixels a module of the email's QR code.
const pickupCodeScale = 6

// pickupCodeSide is the side in pixels the email shows a token's QR code
// at: 37 modules with the quiet zone.
const pickupCodeSide = 37 * pickupCodeScale

type attendeeMail struct {
	frame
	Number, Name, Email, Placed, Total string
	Note, StatusURL                    string
	Change                             string // what the attendee changed (order_changed), in their language
	Items                              []line
	Answers                            []answer
	Address                            []string
	Ships, Delivery                    bool
	// PickupCode is the inline QR code image ("cid:…"), "" for none.
	PickupCode htmltemplate.URL
}

// PickupCodeSide is the side in pixels the QR code is shown at.
func (m *attendeeMail) PickupCodeSide() int { return pickupCodeSide }

// showsDelivery reports whether an attendee email of kind k says where the
// order goes: while it is on its way, not once it arrived or was cancelled.
func showsDelivery(k notify.Kind) bool {
	switch k {
	case notify.KindOrderConfirmation, notify.KindStatusConfirmed, notify.KindStatusDispatched, notify.KindStatusReady, notify.KindOrderChanged:
		return true
	}
	return false
}

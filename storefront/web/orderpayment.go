package web

import (
	"net/url"

	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/themes"
)

// inputPayment is the order form's payment choice.
const inputPayment = "payment"

// PaymentView is the order form's payment part: a choice between paying
// online now and at pick-up (Choice), or, without a choice, a note that
// priced items are paid online (OnlineOnly).
type PaymentView struct {
	Choice     bool
	OnlineOnly bool
	Chosen     storefront.PaymentChoice
	Error      string
}

// paymentView is what the order form says about paying: nothing when the
// shop has no priced item or takes no online payment (everything priced
// is then paid at pick-up, as the event page says), the choice when the
// event also lets attendees pay at pick-up, else the note.
func (h *Handler) paymentView(site *storefront.Site, base themes.Page, values url.Values, errs form.Errors) *PaymentView {
	if !h.OnlinePayments || !sellsPriced(site) {
		return nil
	}
	if !payAtPickupOffered(site) {
		return &PaymentView{OnlineOnly: true}
	}
	v := &PaymentView{Choice: true, Chosen: storefront.PaymentChoiceOnline, Error: tr(base, errs[inputPayment])}
	if storefront.PaymentChoice(values.Get(inputPayment)) == storefront.PaymentChoiceAtPickup {
		v.Chosen = storefront.PaymentChoiceAtPickup
	}
	return v
}

// sellsPriced reports whether a visible product or one of its options
// has a price.
func sellsPriced(site *storefront.Site) bool {
	for _, p := range site.Catalogue.Visible() {
		for _, v := range p.Variants {
			if p.Price(v) > 0 {
				return true
			}
		}
		if p.PriceMinor > 0 {
			return true
		}
	}
	return false
}

// payAtPickupOffered: the event lets attendees pay at the pick-up desk,
// and has one (it does not ship).
func payAtPickupOffered(site *storefront.Site) bool {
	return site.Settings.PayAtPickup && !site.Settings.Ships
}

// parsePayment reads the attendee's payment choice. Without online
// payments there is nothing to choose (priced orders are paid at pick-up)
// and the field is ignored; with them, "at_pickup" only where the event
// offers it, and no answer lets the shop decide (online).
func (po *parsedOrder) parsePayment(site *storefront.Site, values url.Values, online bool) {
	if !online {
		return
	}
	got, ok := values[inputPayment]
	if !ok {
		return
	}
	switch c := storefront.PaymentChoice(first(got)); {
	case len(got) != 1 || (c != storefront.PaymentChoiceOnline && c != storefront.PaymentChoiceAtPickup):
		po.errors.Add(inputPayment, "order.payment_invalid")
	case c == storefront.PaymentChoiceAtPickup && !payAtPickupOffered(site):
		po.errors.Add(inputPayment, "order.payment_pickup_not_allowed")
	default:
		po.req.Payment = c
	}
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// paymentChosen names the attendee's payment choice for the review page;
// "" when the form offered none.
func (h *Handler) paymentChosen(site *storefront.Site, base themes.Page, values url.Values) string {
	v := h.paymentView(site, base, values, form.Errors{})
	switch {
	case v == nil || !v.Choice:
		return ""
	case v.Chosen == storefront.PaymentChoiceAtPickup:
		return base.T("order.pay_at_pickup")
	}
	return base.T("order.pay_online")
}

package render

import (
	"cmp"
	"strings"
	"time"

	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/themes"
)

// WaitlistOffer renders the email to someone on an option's waiting list
// whose units are back and held for them: in the language they chose,
// with the link to order them (orderURL) and the time the hold ends, and
// the link to leave the list (leaveURL).
func (r *Renderer) WaitlistOffer(ev Event, o storefront.WaitlistOffer, orderURL, leaveURL string) (notify.Message, error) {
	lang := cmp.Or(o.Locale, ev.DefaultLocale, themes.DefaultLocale)
	v := &waitlistOfferMail{frame: r.newFrame(ev, lang), Product: oneLine(o.ProductName.In(lang, ev.DefaultLocale)),
		Variant: oneLine(o.VariantLabel.In(lang, ev.DefaultLocale)), Quantity: o.Quantity,
		Until: r.tr.EventTime(lang, ev.Zone, o.ExpiresAt), StatusURL: orderURL, LeaveURL: leaveURL}
	return r.message(notify.KindWaitlistOffer, ev, []string{o.Email}, v, nil)
}

type waitlistOfferMail struct {
	frame
	Product, Variant, Until string
	Quantity                int
	// StatusURL is the offer's order link: the shared button's address.
	StatusURL, LeaveURL string
}

func (r *Renderer) sampleWaitlistOffer(ev Event, lang string, o storefront.Order) (notify.Message, error) {
	it := o.Items[1]
	base := strings.TrimRight(ev.BaseURL, "/")
	return r.WaitlistOffer(ev, storefront.WaitlistOffer{Email: o.Email, Locale: lang, Quantity: 1,
		ProductName: it.ProductName, VariantLabel: it.VariantLabel, ExpiresAt: time.Date(2027, 5, 4, 14, 30, 0, 0, time.UTC)},
		base+storefront.WaitlistOrderPath("sample"), base+storefront.WaitlistLeavePath("sample"))
}

package render

import (
	"cmp"
	"time"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/notify"
	"marquee/themes"
)

// SupplierOrder renders the lines items of order o that supplier
// supplierName fulfils, for the addresses to, in the event's default
// language, with link, where the supplier marks them dispatched. It
// carries the item answers and where to ship, and nothing else about the
// attendee: no email address, phone or other answers.
func (r *Renderer) SupplierOrder(ev Event, supplierName string, to []string, o storefront.Order, items []storefront.Item, link DispatchLink) (notify.Message, error) {
	return r.supplierOrder(ev, cmp.Or(ev.DefaultLocale, themes.DefaultLocale), supplierName, to, o, items, link)
}

func (r *Renderer) supplierOrder(ev Event, lang, supplierName string, to []string, o storefront.Order, items []storefront.Item, link DispatchLink) (notify.Message, error) {
	v := r.supplierOrderView(ev, lang, supplierName, o, items)
	v.dispatch = r.dispatchView(ev, lang, link)
	return r.message(notify.KindSupplierOrder, ev, to, v, nil)
}

// DispatchLink is a supplier's signed link to the page where they mark
// their lines dispatched (absolute), and when it stops working. A zero
// DispatchLink leaves it out.
type DispatchLink struct {
	URL   string
	Until time.Time
}

// dispatch is a supplier email's dispatch link, as its templates show it.
type dispatch struct {
	DispatchURL, DispatchUntil string
}

func (r *Renderer) dispatchView(ev Event, lang string, link DispatchLink) dispatch {
	if link.URL == "" {
		return dispatch{}
	}
	return dispatch{DispatchURL: link.URL, DispatchUntil: r.tr.EventTime(lang, ev.Zone, link.Until)}
}

// SupplierCancellation tells supplier supplierName, at the addresses to and
// in the event's default language, that order o was cancelled: the lines
// items it supplies for it are not to be made or sent. Like SupplierOrder,
// it shows nothing of the attendee but the lines' answers and the address.
func (r *Renderer) SupplierCancellation(ev Event, supplierName string, to []string, o storefront.Order, items []storefront.Item) (notify.Message, error) {
	return r.supplierCancellation(ev, cmp.Or(ev.DefaultLocale, themes.DefaultLocale), supplierName, to, o, items)
}

func (r *Renderer) supplierCancellation(ev Event, lang, supplierName string, to []string, o storefront.Order, items []storefront.Item) (notify.Message, error) {
	return r.message(notify.KindSupplierCancelled, ev, to, r.supplierOrderView(ev, lang, supplierName, o, items), nil)
}

// SupplierChange tells supplier supplierName, at the addresses to and in
// the event's default language, that the attendee of order o changed it
// (ch: what changed, with its note): items are the order's lines the
// supplier fulfils now (none when the change cancelled their only line).
func (r *Renderer) SupplierChange(ev Event, supplierName string, to []string, o storefront.Order, items []storefront.Item, ch storefront.StatusChange) (notify.Message, error) {
	return r.supplierChange(ev, cmp.Or(ev.DefaultLocale, themes.DefaultLocale), supplierName, to, o, items, ch)
}

func (r *Renderer) supplierChange(ev Event, lang, supplierName string, to []string, o storefront.Order, items []storefront.Item, ch storefront.StatusChange) (notify.Message, error) {
	v := r.supplierOrderView(ev, lang, supplierName, o, items)
	v.Note = ch.Note
	if ch.Change != "" {
		v.Change = r.tr.T(lang, "change."+string(ch.Change))
	}
	return r.message(notify.KindSupplierChanged, ev, to, v, nil)
}

type supplierOrderMail struct {
	frame
	dispatch
	Supplier, Number string
	Change, Note     string // supplier_changed: what the attendee changed, and its note
	Items            []line
	Address          []string
	Ships            bool
}

func (r *Renderer) supplierOrderView(ev Event, lang, supplierName string, o storefront.Order, items []storefront.Item) *supplierOrderMail {
	v := &supplierOrderMail{frame: r.newFrame(ev, lang), Supplier: supplierName, Number: o.Number,
		Items: r.lines(r.labeller(ev, lang), items, cmp.Or(o.Currency, ev.Currency)), Ships: ev.Ships}
	if ev.Ships && o.Address != nil {
		v.Address = inertLines(address.Lines(*o.Address, lang))
	}
	return v
}

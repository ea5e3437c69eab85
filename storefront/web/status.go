package web

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"net/url"
	"slices"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/storefront/pickupqr"
	"marquee/themes"
)

// StatusPage shows an order to its attendee, reached by the signed link.
type StatusPage struct {
	themes.Page
	Number, Status, Total, Placed, Email, Name string
	JustPlaced, CanCancel                      bool
	// CanChange: the attendee may change the order (the change page's
	// link); JustChanged: they just did.
	CanChange, JustChanged bool
	// Erased: the order's personal data is gone; RetentionDays how long
	// it is kept after the shop closes (the download's note).
	Erased        bool
	RetentionDays int
	Sig           string // the link's signature, carried to the cancel page
	Pickup        *PickupView
	PickupCode    *PickupCodeView
	Items         []ItemView
	Answers       []AnswerView
	Address       []string
	History       []HistoryView
	Payment       *StatusPaymentView
	// Discount is what the order's voucher code (VoucherCode) took off;
	// "" without one.
	Discount, VoucherCode string
}

// ItemView is one ordered line.
type ItemView struct {
	Product, Variant, UnitPrice string
	Quantity                    int
	Answers                     []AnswerView
	Dispatched                  string // when its supplier sent it, with the tracking note; "" not yet
}

// AnswerView is one answer with its field's label.
type AnswerView struct{ Label, Value string }

// PickupView is where and when an order not shipped is collected, in the
// organisers' words.
type PickupView struct {
	Place   string
	Details []string // paragraphs
}

// PickupCodeView is the QR code of an order's pick-up token, drawn as one
// SVG path on a square of Size modules.
type PickupCodeView struct {
	Size int
	Path string
}

// pickupCodeOf is the QR code the attendee shows at the pick-up desk, for
// an order still to be collected there.
func (h *Handler) pickupCodeOf(site *storefront.Site, o *storefront.Order) (*PickupCodeView, error) {
	if !storefront.ShowsPickupCode(o, site.Settings.Ships) {
		return nil, nil
	}
	c, err := pickupqr.Encode(h.Links.PickupTokens().Token(site.Tenant.ID, o.Number))
	if err != nil {
		return nil, err
	}
	return &PickupCodeView{Size: c.Size(), Path: c.Path()}, nil
}

// pickupOf is the pick-up facts of an event that does not ship, when the
// organisers gave them.
func pickupOf(site *storefront.Site, o *storefront.Order) *PickupView {
	s := site.Settings
	if o.Address != nil || s.Ships || (s.PickupPlace == "" && s.PickupDetails == "") {
		return nil
	}
	return &PickupView{Place: s.PickupPlace, Details: paragraphs(s.PickupDetails)}
}

// itemViews are an order's lines as its attendee reads them.
func itemViews(base themes.Page, site *storefront.Site, o *storefront.Order) []ItemView {
	l, def := base.Lang, site.Tenant.DefaultLocale
	var out []ItemView
	for _, it := range o.Items {
		out = append(out, ItemView{Product: it.ProductName.In(l, def), Variant: it.VariantLabel.In(l, def),
			Quantity: it.Quantity, UnitPrice: price(base, it.UnitPriceMinor, o.Currency),
			Answers: answerViews(base, site, form.ScopeItem, it.Answers)})
		if at := it.DispatchedAt; at != nil {
			v := &out[len(out)-1]
			v.Dispatched = base.T("status.line_dispatched", "At", base.EventTime(*at))
			if it.DispatchNote != "" {
				v.Dispatched += " · " + it.DispatchNote
			}
		}
	}
	return out
}

// HistoryView is one status change.
type HistoryView struct{ Status, At, Note string }

// orderStatus shows an order; a missing or wrong signature is a 404, the
// same as an order that does not exist.
func (h *Handler) orderStatus(c *fiber.Ctx) error {
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	order, err := h.signedOrder(c, site)
	if err != nil {
		return err
	}
	return h.renderStatus(c, site, order)
}

func (h *Handler) signedOrder(c *fiber.Ctx, site *storefront.Site) (*storefront.Order, error) {
	number := c.Params("number")
	if !h.Links.Verify(site.Tenant.ID, number, c.Query("sig")) {
		return nil, marquee.New(marquee.ENOTFOUND, "order.not_found")
	}
	return h.Orders.OrderByNumber(c.UserContext(), site.Tenant.ID, number)
}

func (h *Handler) renderStatus(c *fiber.Ctx, site *storefront.Site, o *storefront.Order) (err error) {
	l := siteLang(c, site)
	base := h.basePage(site, l)
	base.Meta = base.T("status.description", "Number", o.Number, "Event", base.Brand.Title)
	base.LinkQuery = url.Values{"sig": {c.Query("sig")}}
	p := StatusPage{Page: base, Number: o.Number, Status: base.T("status." + string(o.Status)),
		Total: price(base, o.TotalMinor, o.Currency), Placed: base.EventTime(o.CreatedAt), VoucherCode: o.VoucherCode,
		Email: o.Email, Name: o.Name, JustPlaced: c.Query("placed") == "1",
		CanCancel: site.Settings.AttendeeCanCancel && storefront.AttendeeMayCancel(o.Status), Sig: c.Query("sig"),
		CanChange:   site.Settings.AttendeeCanChange && storefront.AttendeeMayChange(o.Status) && !site.Settings.OrdersClosed(h.nowOf(c)),
		JustChanged: c.Query("changed") == "1",
		Items:       itemViews(base, site, o), Pickup: pickupOf(site, o), Erased: o.ErasedAt != nil,
		RetentionDays: cmp.Or(site.Settings.RetentionDays, storefront.DefaultRetentionDays)}
	p.Answers = answerViews(base, site, "", o.Answers)
	if p.PickupCode, err = h.pickupCodeOf(site, o); err != nil {
		return err
	}
	p.Payment = h.statusPayment(c, base, o)
	if o.DiscountMinor > 0 {
		p.Discount = price(base, o.DiscountMinor, o.Currency)
	}
	if o.Address != nil {
		p.Address = address.Lines(*o.Address, l)
	}
	for _, ch := range o.History {
		what := base.T("status." + string(ch.Status))
		if ch.Change != "" {
			what = base.T("change." + string(ch.Change)) // the attendee's change: the status stayed
		}
		p.History = append(p.History, HistoryView{Status: what, At: base.EventTime(ch.At), Note: ch.Note})
	}
	var buf bytes.Buffer
	if err := h.Themes.Render(&buf, "status", p); err != nil {
		return err
	}
	return h.send(c, fiber.StatusOK, l, buf.Bytes(), "no-store")
}

// answerViews pairs answers with their fields' labels, in the form's order;
// answers to fields removed since are shown under their key.
func answerViews(base themes.Page, site *storefront.Site, scope form.Scope, answers map[string]any) []AnswerView {
	var out []AnswerView
	seen := map[string]bool{}
	for _, f := range site.Fields {
		if (scope == form.ScopeItem) != (f.Scope == form.ScopeItem) {
			continue
		}
		if v, ok := answers[f.Key]; ok {
			out = append(out, AnswerView{Label: f.LabelFor(base.Lang, site.Tenant.DefaultLocale), Value: answerText(base, f, v)})
			seen[f.Key] = true
		}
	}
	for _, k := range sortedAnswerKeys(answers) {
		if !seen[k] {
			out = append(out, AnswerView{Label: k, Value: fmt.Sprint(answers[k])})
		}
	}
	return out
}

func answerText(base themes.Page, f form.Field, v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return base.T("answer.yes")
		}
		return base.T("answer.no")
	case string:
		for _, o := range f.Options {
			if o.Value == x {
				return o.LabelFor(base.Lang, base.Lang)
			}
		}
		return x
	case []any:
		s := ""
		for i, e := range x {
			if i > 0 {
				s += ", "
			}
			s += answerText(base, f, e)
		}
		return s
	}
	return fmt.Sprint(v)
}

// price is an amount, or the word for free.
func price(base themes.Page, minor int64, currency string) string {
	if minor == 0 {
		return base.T("catalogue.free")
	}
	return storefront.FormatMoney(minor, currency, base.Lang)
}

func sortedAnswerKeys(answers map[string]any) []string {
	return slices.Sorted(maps.Keys(answers))
}

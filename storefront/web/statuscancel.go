package web

import (
	"bytes"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"marquee/storefront"
	"marquee/themes"
)

// CancelPage asks an attendee to confirm cancelling their order: the
// status page's cancel button leads here (a GET), and only this page's
// form (a POST with the form token) cancels.
type CancelPage struct {
	themes.Page
	Number                        string
	Items                         []ItemView
	Total                         string
	CancelAction, StatusURL, CSRF string
}

// confirmCancel shows the confirmation page of a signed link's order; an
// order that may not be cancelled (the event does not allow it, or it is
// too late) is told why instead, as the cancel itself would be.
func (h *Handler) confirmCancel(c *fiber.Ctx) error {
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	o, err := h.signedOrder(c, site)
	if err != nil {
		return err
	}
	if err := storefront.CheckAttendeeCancel(site.Settings.AttendeeCanCancel, o.Status); err != nil {
		return err
	}
	l := siteLang(c, site)
	base := h.basePage(site, l)
	base.Meta = base.T("status.description", "Number", o.Number, "Event", base.Brand.Title)
	base.LinkQuery = url.Values{"sig": {c.Query("sig")}}
	sig := url.QueryEscape(c.Query("sig"))
	p := CancelPage{Page: base, Number: o.Number, Items: itemViews(base, site, o), Total: price(base, o.TotalMinor, o.Currency),
		CancelAction: "/orders/" + o.Number + "/cancel?sig=" + sig, StatusURL: "/orders/" + o.Number + "?sig=" + sig, CSRF: h.csrfToken(c)}
	var buf bytes.Buffer
	if err := h.Themes.Render(&buf, "order_cancel", p); err != nil {
		return err
	}
	return h.send(c, fiber.StatusOK, l, buf.Bytes(), "no-store")
}

// cancelOrder cancels the order of a signed link, then shows it again.
func (h *Handler) cancelOrder(c *fiber.Ctx) error {
	site, _, ok, err := h.submission(c)
	if !ok {
		return err
	}
	order, err := h.signedOrder(c, site)
	if err != nil {
		return err
	}
	if _, err := h.Orders.CancelOrder(c.UserContext(), site.Tenant.ID, order.Number, "attendee"); err != nil {
		return err
	}
	return c.Redirect(h.Links.Path(site.Tenant.ID, order.Number), fiber.StatusSeeOther)
}

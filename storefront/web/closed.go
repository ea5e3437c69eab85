package web

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"marquee/storefront"
	"marquee/themes"
)

// ClosedPage tells visitors a suspended or archived event takes no orders.
type ClosedPage struct {
	themes.Page
	Event   string
	Heading string
	Body    string
	// ClosedAt is when orders closed, in the event's zone ("" but for
	// reason "orders"); BackHome links to the event page, which still
	// stands when only orders have closed.
	ClosedAt string
	BackHome bool
}

// closed renders the branded page of an event that is not open; reason is
// "suspended", "archived", or "orders" (its closing time has passed: the
// site stays, the order form is gone).
func (h *Handler) closed(c *fiber.Ctx, site *storefront.Site, status int, reason string) error {
	l := siteLang(c, site)
	if status != fiber.StatusOK {
		c.Set(fiber.HeaderRetryAfter, "3600")
	}
	return h.sendPage(c, site, status, l, storefront.PageKey{Page: "closed", Lang: l, State: reason}, func() ([]byte, error) {
		base := h.basePage(site, l)
		p := ClosedPage{Page: base, Event: base.Brand.Title,
			Heading: base.T("closed." + reason + "_heading"), Body: base.T("closed." + reason + "_body"), BackHome: reason == "orders"}
		if at := site.Settings.ClosesAt; reason == "orders" && at != nil {
			p.ClosedAt = base.EventTime(*at)
		}
		var buf bytes.Buffer
		err := h.Themes.Render(&buf, "closed", p)
		return buf.Bytes(), err
	})
}

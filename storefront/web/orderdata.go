package web

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee/storefront"
)

// orderData is the attendee's copy of their order (GET
// /orders/:number/data.json with the status page's signature): everything
// the shop keeps about them in that order, as a JSON download. The
// signature is the order's, for this event: another order's, or another
// event's, is a 404 as on the status page.
func (h *Handler) orderData(c *fiber.Ctx) error {
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	o, err := h.signedOrder(c, site)
	if err != nil {
		return err
	}
	var until *time.Time
	if at, ok := site.Settings.RetentionEnds(); ok && o.ErasedAt == nil {
		until = &at
	}
	body, err := json.MarshalIndent(storefront.ExportOrder(site.Tenant.Name, o, until), "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="order-`+o.Number+`.json"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(fiber.StatusOK).Send(body)
}

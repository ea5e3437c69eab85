package web

import (
	"html"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/branding"
	"marquee/storefront"
)

// placeholder answers the picture of a product without a photo: its
// initial on the event's primary colour, with an accent band, as SVG.
// It is decorative (the card names the product beside it), so pages show
// it with an empty alt. Another event's product, or a hidden one, is 404.
func (h *Handler) placeholder(c *fiber.Ctx) error {
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	id, err := uuid.Parse(c.Params("id"))
	prod, found := site.Catalogue.Product(id)
	if err != nil || !found || !prod.Visible {
		return marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	body, err := site.Page(storefront.PageKey{Page: "placeholder", Item: id}, func() ([]byte, error) {
		return placeholderSVG(prod.Name.In(site.Tenant.DefaultLocale, site.Tenant.DefaultLocale), site.Branding.Colours), nil
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml")
	// Colours change only on publish: a short life keeps the change visible soon.
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Status(fiber.StatusOK).Send(body)
}

// PlaceholderSVG is the picture of a product named name without a photo,
// in colours c: the console's preview of a draft inlines it in the
// draft's colours, as the preview is not served on the event's host.
func PlaceholderSVG(name string, c branding.Colours) []byte { return placeholderSVG(name, c) }

// placeholderSVG draws name's initial in the background colour on the
// primary colour, over an accent band. The colours were validated as
// #rrggbb when stored; the initial is escaped.
func placeholderSVG(name string, c branding.Colours) []byte {
	initial := "?"
	for _, r := range strings.TrimSpace(name) {
		initial = string(unicode.ToUpper(r))
		break
	}
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400">`)
	b.WriteString(`<rect width="400" height="400" fill="` + c.Primary + `"/>`)
	b.WriteString(`<path d="M0 300 L400 230 L400 400 L0 400 Z" fill="` + c.Accent + `"/>`)
	b.WriteString(`<circle cx="200" cy="180" r="110" fill="` + c.Background + `" fill-opacity=".16"/>`)
	b.WriteString(`<text x="200" y="180" text-anchor="middle" dominant-baseline="central" font-family="system-ui, sans-serif" font-weight="700" font-size="150" fill="` + c.Background + `">`)
	b.WriteString(html.EscapeString(initial))
	b.WriteString(`</text></svg>`)
	return []byte(b.String())
}

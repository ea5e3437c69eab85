package web

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	tenantweb "marquee/tenant/web"
	"marquee/themes"
)

// ProductPage is one product with its variant picker.
type ProductPage struct {
	themes.Page
	Product        ProductCard
	Paragraphs     []string
	Variants       []OptionView
	MaxPerOrder    int
	MaxPerAttendee int
	Closed         bool // the closing time has passed: nothing to choose
	AnySoldOut     bool // some option is sold out: the page says how it is marked
}

// productKey names the cached page of product id.
func productKey(id uuid.UUID, l string, closed bool) storefront.PageKey {
	key := pageKey("product", l, closed)
	key.Item = id
	return key
}

// product renders a product page; like the landing page it depends only
// on the event and the language and is kept with the Site.
func (h *Handler) product(c *fiber.Ctx) error {
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	var code *storefront.Voucher
	if len(activeCode(c)) > 0 {
		site, code = h.withCode(c, site)
	}
	id, err := uuid.Parse(c.Params("id"))
	prod, found := site.Catalogue.Product(id)
	if err != nil || !found || !prod.Shown() {
		return marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	prod = prod.WithoutHidden()
	l := siteLang(c, site)
	closed := site.Settings.OrdersClosed(h.nowOf(c))
	render := func() ([]byte, error) {
		base := h.basePage(site, l)
		def := site.Tenant.DefaultLocale
		p := ProductPage{Page: base, Product: h.productCard(base, site, prod), Paragraphs: paragraphs(prod.Description.In(l, def)),
			MaxPerOrder: prod.MaxPerOrder, MaxPerAttendee: prod.MaxPerAttendee, Closed: closed}
		if len(p.Paragraphs) > 0 {
			p.Meta = p.Paragraphs[0]
		}
		firstFree := true
		for _, v := range prod.Variants {
			label := v.Label.In(l, def)
			if v.PriceMinor != nil {
				label += " · " + price(base, *v.PriceMinor, site.Settings.Currency)
			}
			o := OptionView{Value: v.ID.String(), Label: label, Disabled: site.VariantSoldOut(v)}
			p.AnySoldOut = p.AnySoldOut || o.Disabled
			if !o.Disabled && firstFree {
				o.Selected, firstFree = true, false
			}
			p.Variants = append(p.Variants, o)
		}
		var buf bytes.Buffer
		err := h.Themes.Render(&buf, "product", p)
		return buf.Bytes(), err
	}
	if code != nil { // unlocked by the visitor's code: for this request only
		body, err := render()
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderVary, "Accept-Language, Cookie")
		return tenantweb.SendHTML(c, fiber.StatusOK, l, withOrigin(body, h.origin(c)), "no-store")
	}
	return h.sendPage(c, site, fiber.StatusOK, l, productKey(id, l, closed), render)
}

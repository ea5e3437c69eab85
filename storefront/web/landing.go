package web

import (
	"bytes"
	"context"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/branding"
	"marquee/storefront"
	"marquee/themes"
)

// LandingPage is the event's front page with what it offers.
type LandingPage struct {
	themes.Page
	Copy        branding.Copy
	Description template.HTML // Markdown, rendered and sanitised
	Preview     bool          // a draft shown through a preview link
	Closed      bool          // the closing time has passed: no call to order
	Products    []ProductCard
}

// ProductCard is a product in the catalogue list.
type ProductCard struct {
	ID, Name, Price, Image string
	SoldOut                bool
}

// landing renders the event page. It depends only on the event and the
// language, so it is rendered once per language and kept with the Site.
func (h *Handler) landing(c *fiber.Ctx) error {
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	if token := c.Query("preview"); token != "" {
		return h.previewLanding(c, site, token)
	}
	l := lang(c, site.Tenant)
	closed := site.Settings.OrdersClosed(h.now())
	body, err := site.Page(pageKey("landing", l, closed), func() ([]byte, error) { return h.render(site, l, false, closed) })
	if err != nil {
		return err
	}
	return h.send(c, fiber.StatusOK, l, body, "no-cache")
}

// previewLanding shows the event's current draft to the holder of a signed,
// unexpired preview link; anything else is a 404. Never cached, never indexed.
func (h *Handler) previewLanding(c *fiber.Ctx, site *storefront.Site, token string) error {
	if h.Drafts == nil || !h.Previews.Valid(site.Tenant.ID, token, time.Now()) {
		return marquee.New(marquee.ENOTFOUND, "branding.preview_invalid")
	}
	draft, err := h.Drafts(c.UserContext(), site.Tenant.ID)
	if err != nil {
		return err
	}
	preview := &storefront.Site{Tenant: site.Tenant, SiteContent: site.SiteContent}
	preview.Branding = draft
	l := lang(c, site.Tenant)
	body, err := h.render(preview, l, true, site.Settings.OrdersClosed(h.now()))
	if err != nil {
		return err
	}
	c.Set("X-Robots-Tag", "noindex")
	return h.send(c, fiber.StatusOK, l, body, "no-store")
}

// RenderPreview renders an event's landing page in language l, marked as a
// preview. The console uses it to show a draft branding in a Site built
// for that purpose.
func (h *Handler) RenderPreview(site *storefront.Site, l string) ([]byte, error) {
	body, err := h.render(site, l, true, false)
	return withOrigin(body, ""), err // shown on the console's host: URLs stay relative
}

// pageKey names a cached page: the closing time passing changes a page
// without any change to the event, so the state is part of the name.
func pageKey(page, l string, closed bool) string {
	if closed {
		return page + ":" + l + ":closed"
	}
	return page + ":" + l
}

func (h *Handler) render(site *storefront.Site, l string, preview, closed bool) ([]byte, error) {
	base := h.basePage(site, l)
	p := LandingPage{Page: base, Copy: site.Branding.CopyFor(l, site.Tenant.DefaultLocale), Preview: preview, Closed: closed}
	if p.Copy.Title == "" {
		p.Copy.Title = site.Tenant.Name
	}
	p.Description = h.markdown().HTML(p.Copy.Description)
	for _, prod := range site.Catalogue.Visible() {
		p.Products = append(p.Products, h.productCard(base, site, prod))
	}
	var buf bytes.Buffer
	err := h.Themes.Render(&buf, "landing", p)
	return buf.Bytes(), err
}

func (h *Handler) productCard(base themes.Page, site *storefront.Site, p storefront.Product) ProductCard {
	return ProductCard{ID: p.ID.String(), Name: p.Name.In(base.Lang, site.Tenant.DefaultLocale),
		Price: price(base, p.PriceMinor, site.Settings.Currency), Image: h.productImage(p), SoldOut: p.SoldOut()}
}

// productImage is the address of the product's picture, or the
// placeholder when it has none (or its store cannot name it).
func (h *Handler) productImage(p storefront.Product) string {
	if p.ImageKey != "" && h.MediaURL != nil {
		if u := h.MediaURL(context.Background(), p.ImageKey); u != "" {
			return u
		}
	}
	return "/static/placeholder.svg"
}

package web

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"marquee/branding"
	"marquee/themes"
)

// LandingPage is the event's front page.
type LandingPage struct {
	themes.Page
	Copy       branding.Copy
	Paragraphs []string
}

// landing renders the event page. It depends only on the event and the
// language, so it is rendered once per language and kept with the Site.
func (h *Handler) landing(c *fiber.Ctx) error {
	site, ok, err := h.site(c)
	if !ok {
		return err
	}
	l := lang(c, site.Tenant)
	body, err := site.Page("landing:"+l, func() ([]byte, error) {
		p := LandingPage{Page: h.basePage(site, l), Copy: site.Branding.CopyFor(l, site.Tenant.DefaultLocale)}
		if p.Copy.Title == "" {
			p.Copy.Title = site.Tenant.Name
		}
		p.Paragraphs = paragraphs(p.Copy.Description)
		var buf bytes.Buffer
		err := h.Themes.Render(&buf, "landing", p)
		return buf.Bytes(), err
	})
	if err != nil {
		return err
	}
	return send(c, fiber.StatusOK, l, body)
}

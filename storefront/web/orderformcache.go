package web

import (
	"bytes"
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/form"
	tenantweb "marquee/tenant/web"
)

// The empty order form (the one every attendee of a shop opening loads)
// depends on nothing but the Site, the language and the origin, except for
// two values of each visitor's own: the CSRF token and a fresh idempotency
// key. It is rendered once with these marks in their place and kept with
// the Site (Site.Kept: dropped on a change or a sold-out flip, like the
// landing page), and each view puts the visitor's values in. Both marks
// are made of characters html/template writes as they are in an attribute,
// as are the values that replace them (base64url and a uuid).
const (
	csrfMark = "marquee-csrf-token-mark"
	keyMark  = "marquee-idempotency-key-mark"
)

// blankForm is the empty order form as served on one origin, cut where
// the visitor's token and key go: parts[0] token parts[1] key parts[2],
// or the other way round when the key comes first. ok is false when the
// marks were not found exactly once each (a product's copy holding one,
// say): then the form is rendered for every request, as any other.
type blankForm struct {
	parts    [3][]byte
	keyFirst bool
	ok       bool
}

// cutBlankForm cuts a rendered form at the marks.
func cutBlankForm(body []byte) *blankForm {
	csrf, key := []byte(csrfMark), []byte(keyMark)
	if bytes.Count(body, csrf) != 1 || bytes.Count(body, key) != 1 {
		return &blankForm{}
	}
	first, second := csrf, key
	f := &blankForm{ok: true}
	if bytes.Index(body, key) < bytes.Index(body, csrf) {
		first, second, f.keyFirst = key, csrf, true
	}
	before, rest, _ := bytes.Cut(body, first)
	between, after, _ := bytes.Cut(rest, second)
	f.parts = [3][]byte{before, between, after}
	return f
}

// fill is the form with the visitor's token and key in place.
func (f *blankForm) fill(token, key string) []byte {
	first, second := token, key
	if f.keyFirst {
		first, second = key, token
	}
	out := make([]byte, 0, len(f.parts[0])+len(f.parts[1])+len(f.parts[2])+len(first)+len(second))
	out = append(append(out, f.parts[0]...), first...)
	out = append(append(out, f.parts[1]...), second...)
	return append(out, f.parts[2]...)
}

// sendBlankOrderForm serves the empty order form from what the Site keeps,
// rendering it once per language and origin.
func (h *Handler) sendBlankOrderForm(c *fiber.Ctx, site *storefront.Site) error {
	l := siteLang(c, site)
	origin := h.origin(c)
	kept, err := site.Kept(storefront.PageKey{Page: "order-form", Lang: l}, origin, func() (any, error) {
		p := h.orderForm(site, h.basePage(site, l), url.Values{}, form.Errors{})
		p.CSRF, p.IdempotencyKey = csrfMark, keyMark
		var buf bytes.Buffer
		if err := h.Themes.Render(&buf, "order", p); err != nil {
			return nil, err
		}
		return cutBlankForm(withOrigin(buf.Bytes(), origin)), nil
	})
	if err != nil {
		return err
	}
	f := kept.(*blankForm)
	if !f.ok {
		return h.renderOrderForm(c, site, fiber.StatusOK, url.Values{}, form.Errors{})
	}
	c.Set(fiber.HeaderVary, "Accept-Language")
	h.allowCheckout(c)
	return tenantweb.SendHTML(c, fiber.StatusOK, l, f.fill(h.csrfToken(c), uuid.NewString()), "no-store")
}

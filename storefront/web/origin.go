package web

import (
	"bytes"
	"html"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// originMark stands for the request's origin in rendered pages. Pages are
// rendered once and kept with the Site, and an event answers on several
// hosts (its subdomain, its custom domains): send puts the origin the
// visitor used in its place. The .invalid name can never be a real host.
const originMark = "https://origin.marquee.invalid"

// absolute makes a site-relative URL ("/media/…") absolute, for crawlers
// that need one (og:image); other URLs are returned as they are.
func absolute(u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return originMark + u
	}
	return u
}

// withOrigin puts origin where body has originMark. A page without the mark
// is returned as it is, without a copy.
func withOrigin(body []byte, origin string) []byte {
	mark := []byte(originMark)
	if !bytes.Contains(body, mark) {
		return body
	}
	return bytes.ReplaceAll(body, mark, []byte(html.EscapeString(origin)))
}

// origin is the scheme and host the visitor reached the event by.
func (h *Handler) origin(c *fiber.Ctx) string {
	if h.Origin != nil {
		return h.Origin(c)
	}
	return c.Protocol() + "://" + string(c.Request().Host())
}

package web

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/tenant"
	tenantweb "marquee/tenant/web"
)

// Attendees have no session, so storefront forms use a signed double
// submit: a random value in a cookie, and in the form an HMAC of it and
// of the event's host under the server's key. A forged request from
// another site can neither read the cookie nor compute the token; a
// cookie planted by another subdomain fails too, since its token would
// need the key; and a token and cookie pair taken from one event's site
// places nothing on another's, since the host is in the HMAC. Every
// replica verifies it without shared state.

const csrfField = "csrf"

// csrfCookieName is __Host- prefixed over HTTPS (bound to this host, not
// settable by subdomains); browsers refuse that prefix over plain HTTP, as
// in dev.
func csrfCookieName(c *fiber.Ctx) string {
	if c.Protocol() == "https" {
		return "__Host-csrf"
	}
	return "csrf"
}

// csrfToken returns the token for this visitor's forms, setting the cookie
// when the visitor has none.
func (h *Handler) csrfToken(c *fiber.Ctx) string {
	value := tenantweb.FormCookie(c, csrfCookieName(c), time.Now().Add(24*time.Hour))
	return h.csrfMAC(tenantweb.HostFromCtx(c), value)
}

// csrfMAC is the form token of a cookie value on a host (normalised, as
// the tenant middleware routed the request by it).
func (h *Handler) csrfMAC(host, value string) string {
	return tenantweb.FormTokens{Key: h.Secret}.Token("csrf", host, value)
}

// checkCSRF refuses a state-changing request whose token does not match
// its cookie and host, or whose Origin is another site or "null" (sent by
// sandboxed frames and data: documents, which no form of ours is in).
func (h *Handler) checkCSRF(c *fiber.Ctx, form url.Values) error {
	forbidden := marquee.New(marquee.EFORBIDDEN, "error.csrf")
	if origin := c.Get(fiber.HeaderOrigin); origin == "null" {
		return forbidden
	} else if origin != "" {
		u, err := url.Parse(origin)
		if err != nil {
			return forbidden
		}
		if host, err := tenant.NormalizeHost(u.Host); err != nil || host != tenantweb.HostFromCtx(c) {
			return forbidden
		}
	}
	value := c.Cookies(csrfCookieName(c))
	token := form.Get(csrfField)
	if value == "" || !(tenantweb.FormTokens{Key: h.Secret}).Valid(token, "csrf", tenantweb.HostFromCtx(c), value) {
		return forbidden
	}
	return nil
}

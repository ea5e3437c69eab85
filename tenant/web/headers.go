package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// SecurityHeaders is the middleware that gives every response the
// platform's security headers: no content sniffing, the referrer's origin
// only to other sites, never framed, and a Content-Security-Policy that
// loads scripts, styles, fonts and images from the platform itself only
// (inline styles for the event's colours, data: images), posts forms to it
// only and sets no base URL. A handler that must differ (an email shown in
// the console's frame) overrides them after.
//
// The names and values are constants, stored once as bytes in canonical
// form: a response copies them without the checks and conversions of c.Set
// (newline removal, case normalisation of the name).
func SecurityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	for _, kv := range securityHeaders {
		h.SetCanonical(kv[0], kv[1])
	}
	return c.Next()
}

var securityHeaders = [][2][]byte{
	{[]byte(fiber.HeaderXContentTypeOptions), []byte("nosniff")},
	{[]byte(fiber.HeaderReferrerPolicy), []byte("strict-origin-when-cross-origin")},
	{[]byte(fiber.HeaderXFrameOptions), []byte("DENY")},
	{[]byte(fiber.HeaderContentSecurityPolicy), []byte(contentSecurityPolicy)},
}

// contentSecurityPolicy is the policy SecurityHeaders sends.
const contentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// PolicyPostingTo is the platform's Content-Security-Policy for a page
// whose forms may also lead to origin ("https://checkout.stripe.com"):
// browsers hold the redirect a form's answer makes to form-action too, so
// an order form answered with a redirect to a payment page needs it.
func PolicyPostingTo(origin string) []byte {
	return []byte(strings.Replace(contentSecurityPolicy, "form-action 'self'", "form-action 'self' "+origin, 1))
}

// SetPolicy replaces the response's Content-Security-Policy (made once
// with PolicyPostingTo).
func SetPolicy(c *fiber.Ctx, policy []byte) {
	c.Response().Header.SetCanonical(cspName, policy)
}

var cspName = []byte(fiber.HeaderContentSecurityPolicy)

// StrictTransport is the middleware that tells browsers to come back over
// HTTPS only: it sends value (edge.HSTS when the platform terminates TLS)
// as Strict-Transport-Security with every response.
func StrictTransport(value string) fiber.Handler {
	name, v := []byte(fiber.HeaderStrictTransportSecurity), []byte(value)
	return func(c *fiber.Ctx) error {
		c.Response().Header.SetCanonical(name, v)
		return c.Next()
	}
}

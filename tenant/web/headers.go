package web

import "github.com/gofiber/fiber/v2"

// SecurityHeaders is the middleware that gives every response the
// platform's security headers: no content sniffing, the referrer's origin
// only to other sites, never framed, and a Content-Security-Policy that
// loads scripts, styles, fonts and images from the platform itself only
// (inline styles for the event's colours, data: images), posts forms to it
// only and sets no base URL. A handler that must differ (an email shown in
// the console's frame) overrides them after.
func SecurityHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	return c.Next()
}

// StrictTransport is the middleware that tells browsers to come back over
// HTTPS only: it sends value (edge.HSTS when the platform terminates TLS)
// as Strict-Transport-Security with every response.
func StrictTransport(value string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderStrictTransportSecurity, value)
		return c.Next()
	}
}

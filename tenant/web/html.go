package web

import "github.com/gofiber/fiber/v2"

// SendHTML answers with a rendered page in lang. cacheControl is
// "no-cache" for public pages that change on publish and "no-store" for
// pages with personal data or a form token.
func SendHTML(c *fiber.Ctx, status int, lang string, body []byte, cacheControl string) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentLanguage, lang)
	c.Set(fiber.HeaderCacheControl, cacheControl)
	return c.Status(status).Send(body)
}

package console

import (
	"encoding/base64"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"marquee/storefront/notify"
)

// How the console shows an email (the inbox's and the previews') and
// hands over a file.

// emailFrameCSP lets an email's HTML part show its images and inline
// styles inside a console frame, and nothing more: no scripts, no forms,
// no requests of its own.
const emailFrameCSP = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'"

// sendEmailHTML answers with an email's HTML part, for a sandboxed frame
// of the console: the page-wide policy forbids framing, this one allows
// it on the console's own pages only.
func sendEmailHTML(c *fiber.Ctx, html string) error {
	c.Set(fiber.HeaderContentSecurityPolicy, emailFrameCSP)
	c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(html)
}

// withInlineImages is m's HTML part with its inline images (the parts the
// HTML names as "cid:…", such as the pick-up QR code) written in as data:
// URLs, which the frame's policy allows: a browser cannot follow cid:.
func withInlineImages(m notify.Message) string {
	html := m.HTML
	for _, a := range m.Attachments {
		mt, _, err := mime.ParseMediaType(a.ContentType)
		if a.ContentID != "" && err == nil && strings.HasPrefix(mt, "image/") {
			html = strings.ReplaceAll(html, "cid:"+a.ContentID, "data:"+mt+";base64,"+base64.StdEncoding.EncodeToString(a.Data))
		}
	}
	return html
}

// sendDownload answers with a file to save, never to show.
func sendDownload(c *fiber.Ctx, a notify.Attachment) error {
	ct := a.ContentType
	if _, _, err := mime.ParseMediaType(ct); err != nil {
		ct = fiber.MIMEOctetStream
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(a.Data)
}

// fromHeader is an email's sender as a mail client shows it.
func fromHeader(m notify.Message) string {
	if m.FromName == "" {
		return m.FromAddress
	}
	return m.FromName + " <" + m.FromAddress + ">"
}

package web_test

import (
	"bytes"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	tenantweb "marquee/tenant/web"
)

func TestCompressEach(t *testing.T) {
	page := strings.Repeat("<p>Your order: one hoodie, size M.</p>\n", 100)
	app := fiber.New()
	app.Use(tenantweb.CompressEach)
	app.Get("/page", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.SendString(page)
	})
	app.Get("/small", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.SendString("<p>ok</p>")
	})
	app.Get("/image", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "image/png")
		return c.SendString(page)
	})
	app.Get("/kept", func(c *fiber.Ctx) error { // a cached page, encoded already
		return tenantweb.SendEncodedHTML(c, 200, "en", tenantweb.Encode([]byte(page)), "no-cache")
	})
	app.Get("/stream", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "text/csv")
		return c.SendStream(strings.NewReader(page))
	})
	get := func(path, accept string) (encoding, vary string, body []byte) {
		t.Helper()
		req := httptest.NewRequest("GET", path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: status %d", path, resp.StatusCode)
		}
		return resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"), b
	}
	for _, tc := range []struct{ path, accept, want string }{
		{"/page", "gzip, deflate, br", "br"},
		{"/page", "gzip", "gzip"},
		{"/page", "br;q=0, gzip", "gzip"},
		{"/page", "gzip;q=0", ""},
		{"/page", "", ""},
		{"/small", "gzip, br", ""},
		{"/image", "gzip, br", ""},
		{"/stream", "gzip, br", ""},
	} {
		encoding, vary, body := get(tc.path, tc.accept)
		if encoding != tc.want {
			t.Errorf("%s with Accept-Encoding %q: Content-Encoding %q, want %q", tc.path, tc.accept, encoding, tc.want)
			continue
		}
		plain := decode(t, encoding, body)
		if want := page; tc.path == "/small" {
			want = "<p>ok</p>"
			if string(plain) != want {
				t.Errorf("%s: body %q", tc.path, plain)
			}
		} else if string(plain) != want {
			t.Errorf("%s with %q: the body does not decode to the page's bytes", tc.path, tc.accept)
		}
		if tc.path == "/page" && !strings.Contains(vary, "Accept-Encoding") {
			t.Errorf("%s with %q: Vary %q, want Accept-Encoding", tc.path, tc.accept, vary)
		}
		if encoding != "" && len(body) >= len(page)/4 {
			t.Errorf("%s %s: %d bytes of %d: hardly compressed", tc.path, encoding, len(body), len(page))
		}
	}
	t.Run("a page kept encoded is not encoded twice", func(t *testing.T) {
		encoding, _, body := get("/kept", "gzip, br")
		if encoding != "br" || !bytes.Equal(decode(t, "br", body), []byte(page)) {
			t.Errorf("the kept page came as %q and did not decode once to the page", encoding)
		}
	})
}

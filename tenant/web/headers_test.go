package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	tenantweb "marquee/tenant/web"
)

// wantSecurityHeaders are the headers every response of the platform carries.
var wantSecurityHeaders = map[string]string{
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "strict-origin-when-cross-origin",
	"X-Frame-Options":         "DENY",
	"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
}

// headersApp answers /page, /missing (an error its handler answers 404) and
// /framed (a handler that lets the page be framed by its own origin),
// behind SecurityHeaders and the middleware in extra.
func headersApp(extra ...fiber.Handler) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(fiber.StatusNotFound).SendString("not here")
	}})
	app.Use(tenantweb.SecurityHeaders)
	for _, h := range extra {
		app.Use(h)
	}
	app.Get("/page", func(c *fiber.Ctx) error { return c.SendString("a page") })
	app.Get("/missing", func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	app.Get("/framed", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
		return c.SendString("framed")
	})
	return app
}

func get(t *testing.T, app *fiber.App, path string) *http.Response {
	t.Helper()
	res, err := app.Test(httptest.NewRequest(http.MethodGet, path, nil), 5000)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func TestSecurityHeaders(t *testing.T) {
	app := headersApp()
	t.Run("a page and an error page carry every security header", func(t *testing.T) {
		for _, path := range []string{"/page", "/missing"} {
			res := get(t, app, path)
			for name, want := range wantSecurityHeaders {
				if got := res.Header.Get(name); got != want {
					t.Errorf("%s (%d): %s %q, want %q", path, res.StatusCode, name, got, want)
				}
			}
		}
	})
	t.Run("a handler may override one after them", func(t *testing.T) {
		res := get(t, app, "/framed")
		if got := res.Header.Get("X-Frame-Options"); got != "SAMEORIGIN" {
			t.Errorf("X-Frame-Options %q, want the handler's SAMEORIGIN", got)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("X-Content-Type-Options %q: the others must stay", got)
		}
	})
	t.Run("no Strict-Transport-Security without StrictTransport", func(t *testing.T) {
		if got := get(t, app, "/page").Header.Get("Strict-Transport-Security"); got != "" {
			t.Errorf("Strict-Transport-Security %q on a platform that does not terminate TLS", got)
		}
	})
}

func TestStrictTransport(t *testing.T) {
	const hsts = "max-age=63072000; includeSubDomains"
	app := headersApp(tenantweb.StrictTransport(hsts))
	for _, path := range []string{"/page", "/missing"} {
		if got := get(t, app, path).Header.Get("Strict-Transport-Security"); got != hsts {
			t.Errorf("%s: Strict-Transport-Security %q, want %q", path, got, hsts)
		}
	}
}

// BenchmarkSecurityHeaders compares the headers set with c.Set, as they
// were, with SecurityHeaders' precomputed ones.
func BenchmarkSecurityHeaders(b *testing.B) {
	before := func(c *fiber.Ctx) error {
		for name, value := range wantSecurityHeaders {
			c.Set(name, value)
		}
		return c.Next()
	}
	for _, bc := range []struct {
		name string
		mw   fiber.Handler
	}{{"before", before}, {"after", tenantweb.SecurityHeaders}} {
		app := fiber.New(fiber.Config{DisableStartupMessage: true})
		app.Use(bc.mw)
		app.Get("/", func(c *fiber.Ctx) error { return nil })
		h := app.Handler()
		b.Run(bc.name, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			b.ReportAllocs()
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.SetRequestURI("/")
				h(&ctx)
			}
		})
	}
}

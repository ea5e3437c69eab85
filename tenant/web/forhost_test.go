package web_test

import (
	"io"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"marquee/tenant"
	tenantweb "marquee/tenant/web"
)

// TestForHost: the console's host reaches the console's own app, however
// the client writes it; every other host, and a forwarded host from a
// client that is no trusted proxy, goes on to the rest of the main app.
func TestForHost(t *testing.T) {
	console := fiber.New()
	console.Get("/*", func(c *fiber.Ctx) error { return c.SendString("console") })
	app := fiber.New()
	// app.Test's requests come from 0.0.0.0: that is the trusted proxy here.
	app.Use(tenantweb.ForHost("console.shop.test", tenantweb.Proxies{netip.MustParsePrefix("0.0.0.0/32")}, console))
	app.Get("/*", func(c *fiber.Ctx) error { return c.SendString("next") })
	untrusting := fiber.New()
	untrusting.Use(tenantweb.ForHost("console.shop.test", nil, console))
	untrusting.Get("/*", func(c *fiber.Ctx) error { return c.SendString("next") })

	for _, tc := range []struct {
		name      string
		app       *fiber.App
		host, fwd string
		want      string
	}{
		{"the console's host", app, "console.shop.test", "", "console"},
		{"in capitals, with a port", app, "CONSOLE.shop.test:8080", "", "console"},
		{"an event's host", app, "devcon.shop.test", "", "next"},
		{"a host that only ends like the console's", app, "evilconsole.shop.test", "", "next"},
		{"with a final dot", app, "console.shop.test.", "", "console"},
		{"with a port", app, "console.shop.test:443", "", "console"},
		{"a malformed host", app, "console..shop.test", "", "next"},
		{"an IP address", app, "127.0.0.1", "", "next"},
		{"forwarded by a trusted proxy", app, "proxy.internal", "console.shop.test", "console"},
		{"forwarded by anyone else", untrusting, "devcon.shop.test", "console.shop.test", "next"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(fiber.MethodGet, "/login", nil)
			req.Host = tc.host
			if tc.fwd != "" {
				req.Header.Set("X-Forwarded-Host", tc.fwd)
			}
			res, err := tc.app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			if string(body) != tc.want {
				t.Fatalf("answered by %q, want %q", body, tc.want)
			}
		})
	}
}

// BenchmarkForHost compares the console's host check as it was (every
// request's Host copied and normalised) with ForHost's, for an event's page.
func BenchmarkForHost(b *testing.B) {
	console := fiber.New()
	before := func(c *fiber.Ctx) error {
		if host, err := tenant.NormalizeHost(tenantweb.RequestHost(c, nil)); err == nil && host == "console.shop.test" {
			return c.SendString("console")
		}
		return c.Next()
	}
	for _, bc := range []struct {
		name string
		mw   fiber.Handler
	}{{"before", before}, {"after", tenantweb.ForHost("console.shop.test", nil, console)}} {
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
				ctx.Request.Header.SetHost("ev0421.shop.test")
				h(&ctx)
			}
		})
	}
}

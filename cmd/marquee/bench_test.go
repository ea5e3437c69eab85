package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"marquee/db"
	"marquee/db/dbtest"
)

// BenchmarkLandingPage measures a warm landing page view through the whole
// application (request id, log, headers, host resolution, page) in-process,
// beside a bare Fiber handler that returns the same bytes.
func BenchmarkLandingPage(b *testing.B) {
	d := dbtest.New(b)
	counter := &queryCounter{}
	database := d.Open(b, db.Options{Tracer: counter})
	cfg := defaultConfig()
	cfg.DatabaseURL, cfg.BaseDomain = d.OwnerURL, testBase
	cfg.SecretKey = []byte("bench secret key, 32 bytes or more")
	cfg.MediaDir = b.TempDir()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	p, err := newPlatform(cfg, log, database)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := database.CreateTenant(context.Background(), demoEvents[0].tenant, demoEvents[0].branding); err != nil {
		b.Fatal(err)
	}
	app := p.newApp()
	handler := app.Handler()
	page := serveOnce(b, handler, "devcon.shop.test")
	if len(page) < 500 {
		b.Fatalf("landing page is %d bytes: %s", len(page), page)
	}
	bare := fiber.New(fiber.Config{DisableStartupMessage: true})
	bare.Get("/", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(page)
	})

	b.Run("marquee", func(b *testing.B) {
		before := counter.n.Load()
		benchHandler(b, handler, "devcon.shop.test")
		if n := counter.n.Load() - before; n != 0 {
			b.Fatalf("%d queries during warm page views, want 0", n)
		}
	})
	b.Run("bare-fiber", func(b *testing.B) { benchHandler(b, bare.Handler(), "devcon.shop.test") })
}

func serveOnce(b *testing.B, h fasthttp.RequestHandler, host string) []byte {
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/")
	ctx.Request.Header.SetHost(host)
	h(&ctx)
	if ctx.Response.StatusCode() != 200 {
		b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
	}
	return append([]byte(nil), ctx.Response.Body()...)
}

func benchHandler(b *testing.B, h fasthttp.RequestHandler, host string) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var ctx fasthttp.RequestCtx
		for pb.Next() {
			ctx.Request.Reset()
			ctx.Response.Reset()
			ctx.Request.SetRequestURI("/")
			ctx.Request.Header.SetHost(host)
			h(&ctx)
			if ctx.Response.StatusCode() != 200 {
				b.Fatalf("status %d", ctx.Response.StatusCode())
			}
		}
	})
}

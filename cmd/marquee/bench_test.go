package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/mail/smtptest"
)

// BenchmarkLandingPage measures a warm landing page view through the whole
// application (request id, log, headers, host resolution, page) in-process,
// with the process's JSON log (serve's) and with slog's own JSONHandler,
// beside a bare Fiber handler that returns the same bytes.
func BenchmarkLandingPage(b *testing.B) {
	d := dbtest.New(b)
	counter := &queryCounter{}
	database := d.Open(b, db.Options{Tracer: counter})
	cfg := defaultConfig()
	cfg.DatabaseURL, cfg.BaseDomain = d.OwnerURL, testBase
	cfg.SecretKey = []byte("bench secret key, 32 bytes or more")
	cfg.MediaDir = b.TempDir()
	cfg.LogFormat = "json"
	p, err := newPlatform(cfg, cfg.newLogger(io.Discard), database)
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
	slogPlatform, err := newPlatform(cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)), database)
	if err != nil {
		b.Fatal(err)
	}
	slogHandler := slogPlatform.newApp().Handler()
	serveOnce(b, slogHandler, "devcon.shop.test")
	bare := fiber.New(fiber.Config{DisableStartupMessage: true})
	bare.Get("/", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(page)
	})

	b.Run("marquee", func(b *testing.B) {
		before := counter.N.Load()
		benchHandler(b, handler, "devcon.shop.test")
		if n := counter.N.Load() - before; n != 0 {
			b.Fatalf("%d queries during warm page views, want 0", n)
		}
	})
	b.Run("marquee-slog-json", func(b *testing.B) { benchHandler(b, slogHandler, "devcon.shop.test") })
	b.Run("bare-fiber", func(b *testing.B) { benchHandler(b, bare.Handler(), "devcon.shop.test") })
	// Through Fiber's server on connections in memory: request parsing,
	// the server's own work per request, writing the response, as under wrk
	// but without the kernel's share.
	b.Run("marquee-server", func(b *testing.B) {
		before := counter.N.Load()
		benchServer(b, app, "devcon.shop.test")
		if n := counter.N.Load() - before; n != 0 {
			b.Fatalf("%d queries during warm page views, want 0", n)
		}
	})
	b.Run("bare-fiber-server", func(b *testing.B) { benchServer(b, bare, "devcon.shop.test") })
}

// benchServer serves app on a listener in memory and has each of
// RunParallel's goroutines send GET / for host on a keep-alive connection
// of its own and read the answer, which must be a 200.
func benchServer(b *testing.B, app *fiber.App, host string) {
	ln := fasthttputil.NewInmemoryListener()
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	defer func() {
		if err := app.Shutdown(); err != nil {
			b.Error(err)
		}
		<-done
	}()
	request := []byte("GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: bench\r\n\r\n")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		conn, err := ln.Dial()
		if err != nil {
			b.Error(err)
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		var res fasthttp.Response
		for pb.Next() {
			if _, err := conn.Write(request); err != nil {
				b.Error(err)
				return
			}
			if err := res.Read(r); err != nil || res.StatusCode() != 200 {
				b.Errorf("status %d, %v", res.StatusCode(), err)
				return
			}
		}
	})
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
			// As fasthttp's server: user values reset after every request, the
			// method parsed (an unset one is allocated on every read).
			ctx.ResetUserValues()
			ctx.Request.Header.SetMethod(fiber.MethodGet)
			ctx.Request.SetRequestURI("/")
			ctx.Request.Header.SetHost(host)
			h(&ctx)
			if ctx.Response.StatusCode() != 200 {
				b.Fatalf("status %d", ctx.Response.StatusCode())
			}
		}
	})
}

// BenchmarkConfirmationEmails measures how fast the email workers send:
// b.N orders are placed first (their confirmation and supplier jobs
// queued, as in production), then the workers of one process (WORKERS at
// its default) work the queue against a real SMTP server on 127.0.0.1,
// and the clock stops when the last confirmation arrives. It reports
// emails/s; compare it with the order rate of bench/orders.sh.
func BenchmarkConfirmationEmails(b *testing.B) {
	d := dbtest.New(b)
	database := d.Open(b, db.Options{})
	srv := smtptest.Start(b, smtptest.Options{})
	cfg := defaultConfig()
	cfg.DatabaseURL, cfg.BaseDomain, cfg.MediaDir = d.OwnerURL, testBase, b.TempDir()
	cfg.SecretKey = []byte("bench secret key, 32 bytes or more")
	cfg.SMTPURL = fmt.Sprintf("smtp://%s?starttls=none", srv.Addr())
	smtp, err := mail.ParseURL(cfg.SMTPURL)
	if err != nil {
		b.Fatal(err)
	}
	cfg.SMTP, cfg.MailFrom = smtp, "shop@"+testBase
	p, err := newPlatform(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), database)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	ev, err := database.CreateTenant(ctx, demoEvents[0].tenant, demoEvents[0].branding)
	if err != nil {
		b.Fatal(err)
	}
	stock := 100_000_000
	pen, err := database.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Pen"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "Blue"}, Stock: &stock}}})
	if err != nil {
		b.Fatal(err)
	}
	pens := storefront.Line{ProductID: pen.ID, VariantID: pen.Variants[0].ID, Quantity: 1}
	for i := range b.N {
		if _, err := database.PlaceOrder(ctx, ev.ID, order(fmt.Sprintf("a%d@example.com", i), "Ada", "en", pens)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	stop, err := p.startWorkers(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	srv.Wait(b, b.N, 10*time.Minute)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "emails/s")
}

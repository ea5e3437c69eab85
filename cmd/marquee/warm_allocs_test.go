//go:build !race

// The race detector's sync.Pool drops pooled objects at random and its
// instrumentation allocates: allocation counts mean something only
// without it.

package main

import (
	"bytes"
	"context"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/valyala/fasthttp"

	"marquee/db"
	"marquee/db/dbtest"
)

// lineCounter counts the log lines written to it.
type lineCounter struct{ n atomic.Int64 }

func (l *lineCounter) Write(p []byte) (int, error) {
	l.n.Add(int64(bytes.Count(p, []byte("\n"))))
	return len(p), nil
}

// TestWarmPageViewAllocatesNothing: once an event's pages were viewed, a
// view of its landing page (plain, brotli, gzip) and of a product page
// through serve's whole application (request id, JSON request log,
// security headers, host resolution, the cached page) allocates nothing,
// asks the database nothing, and still writes its one log line.
func TestWarmPageViewAllocatesNothing(t *testing.T) {
	d := dbtest.New(t)
	counter := &queryCounter{}
	database := d.Open(t, db.Options{Tracer: counter})
	cfg := defaultConfig()
	cfg.DatabaseURL, cfg.BaseDomain, cfg.MediaDir = d.OwnerURL, testBase, t.TempDir()
	cfg.SecretKey = []byte("test secret key, 32 bytes or more")
	cfg.LogFormat = "json"
	logs := &lineCounter{}
	p, err := newPlatform(cfg, cfg.newLogger(logs), database)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(context.Background(), database, nil); err != nil { // events with products, no photos
		t.Fatal(err)
	}
	handler := p.newApp().Handler()
	host := demoEvents[0].tenant.Slug + "." + testBase

	var ctx fasthttp.RequestCtx
	view := func(path, encoding string, header ...string) {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.ResetUserValues() // as fasthttp's server does after every request
		ctx.Request.Header.SetMethod(fasthttp.MethodGet)
		ctx.Request.SetRequestURI(path)
		ctx.Request.Header.SetHost(host)
		if encoding != "" {
			ctx.Request.Header.Set(fasthttp.HeaderAcceptEncoding, encoding)
		}
		for i := 0; i+1 < len(header); i += 2 {
			ctx.Request.Header.Set(header[i], header[i+1])
		}
		handler(&ctx)
	}
	view("/", "")
	if ctx.Response.StatusCode() != 200 {
		t.Fatalf("landing page: status %d", ctx.Response.StatusCode())
	}
	product := regexp.MustCompile(`href="(/products/[0-9a-f-]{36})"`).FindSubmatch(ctx.Response.Body())
	if product == nil {
		t.Fatalf("no product link on the landing page: %s", ctx.Response.Body())
	}
	browser := []string{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
		"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "Accept-Language", "de-DE,de;q=0.8,en-US;q=0.5,en;q=0.3"}
	for _, tc := range []struct {
		path, encoding, want string
		header               []string
	}{
		{"/", "", "", nil},
		{"/", "gzip, deflate, br", "br", nil},
		{"/", "gzip", "gzip", nil},
		{string(product[1]), "", "", nil},
		{"/", "gzip, deflate, br, zstd", "br", browser},
	} {
		view(tc.path, tc.encoding, tc.header...) // the first view of each renders and compresses
		queries, lines := counter.N.Load(), logs.n.Load()
		const runs = 100
		allocs := testing.AllocsPerRun(runs, func() { view(tc.path, tc.encoding, tc.header...) })
		if got := ctx.Response.StatusCode(); got != 200 || string(ctx.Response.Header.ContentEncoding()) != tc.want {
			t.Errorf("%s (Accept-Encoding %q): status %d, Content-Encoding %q, want 200 and %q",
				tc.path, tc.encoding, got, ctx.Response.Header.ContentEncoding(), tc.want)
		}
		if allocs != 0 {
			t.Errorf("%s (Accept-Encoding %q): %.1f allocations per view, want 0", tc.path, tc.encoding, allocs)
		}
		if n := counter.N.Load() - queries; n != 0 {
			t.Errorf("%s (Accept-Encoding %q): %d queries during warm views, want 0", tc.path, tc.encoding, n)
		}
		if n := logs.n.Load() - lines; n != runs+1 { // AllocsPerRun runs once more to warm up
			t.Errorf("%s (Accept-Encoding %q): %d log lines for %d views", tc.path, tc.encoding, n, runs+1)
		}
	}
}

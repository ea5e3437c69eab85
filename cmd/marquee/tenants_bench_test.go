package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"strconv"
	"testing"

	"github.com/valyala/fasthttp"
	"golang.org/x/sync/errgroup"

	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant"
	"marquee/tenant/web/serving"
)

// BenchmarkManyEvents is goal 5 of issue 14 in-process: a warm landing page
// view of a random event among the first 10 and among all of
// MARQUEE_BENCH_EVENTS events (default 10,000), every one viewed once
// before, in the same process with the same cache (as bench/tenants.sh does
// over HTTP). The ratio of the two ns/op is the share of a page view's
// cost that the number of events adds.
func BenchmarkManyEvents(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("MARQUEE_BENCH_EVENTS")); err == nil && v >= 10 {
		n = v
	}
	d := dbtest.New(b)
	counter := &queryCounter{}
	database := d.Open(b, db.Options{Tracer: counter, MaxConns: 8})
	cfg := defaultConfig()
	cfg.DatabaseURL, cfg.BaseDomain = d.OwnerURL, testBase
	cfg.SecretKey = []byte("bench secret key, 32 bytes or more")
	cfg.MediaDir = b.TempDir()
	cfg.LogFormat = "json"
	p, err := newPlatform(cfg, cfg.newLogger(io.Discard), database)
	if err != nil {
		b.Fatal(err)
	}
	hosts := make([]string, n)
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(8)
	for i := range n {
		hosts[i] = fmt.Sprintf("ev%06d.%s", i+1, testBase)
		g.Go(func() error {
			slug := fmt.Sprintf("ev%06d", i+1)
			t := tenant.Tenant{Slug: slug, Name: "Event " + slug, Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en", "de"}}
			br := branding.Branding{Theme: "classic", Colours: branding.DefaultColours,
				Copy: map[string]branding.Copy{"en": {Title: t.Name, Tagline: "Two days of talks."}, "de": {Title: t.Name, Tagline: "Zwei Tage."}}}
			_, err := database.CreateTenant(ctx, t, br)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	handler := p.newApp().Handler()
	for _, h := range hosts {
		serveOnce(b, handler, h)
	}
	if cfg, err := configFromEnv(cfg, os.Getenv); err != nil {
		b.Fatal(err)
	} else if cfg.HugePages { // as serve does (HUGE_PAGES)
		if _, err := serving.HugePages(&serving.Advised{}); err != nil {
			b.Fatal(err)
		}
	}
	for _, events := range []int{10, n} {
		b.Run(fmt.Sprintf("events=%d", events), func(b *testing.B) {
			before := counter.N.Load()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				// -tagfocus events=N picks one run out of a -cpuprofile
				pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("events", strconv.Itoa(events))))
				r := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
				var ctx fasthttp.RequestCtx
				for pb.Next() {
					ctx.ResetUserValues() // as fasthttp's server does after each request
					ctx.Request.Reset()
					ctx.Response.Reset()
					ctx.Request.SetRequestURI("/")
					ctx.Request.Header.SetHost(hosts[r.IntN(events)])
					handler(&ctx)
					if ctx.Response.StatusCode() != 200 {
						b.Fatalf("status %d", ctx.Response.StatusCode())
					}
				}
			})
			if q := counter.N.Load() - before; q != 0 {
				b.Fatalf("%d queries during warm page views, want 0", q)
			}
		})
	}
}

// Command seed provisions the events of the landing page benchmark
// (bench/landing.sh, bench/tenants.sh): ev0001 … evNNNN (more digits past
// 9,999 events: ev000001 … ev100000), each with a published branding in
// English and German, through db.CreateTenant with a few workers. The
// database is DATABASE_URL (the schema's owner), already migrated.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"marquee/branding"
	"marquee/db"
	"marquee/tenant"
)

func main() {
	n := flag.Int("n", 1000, "how many events to create (slugs ev0001 … evNNNN, at least 4 digits, as many as n has)")
	workers := flag.Int("workers", 8, "how many events to create at once")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up after this long")
	flag.Parse()
	if err := run(*n, *workers, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run(n, workers int, timeout time.Duration) error {
	if n < 1 || n > 999_999 {
		return fmt.Errorf("-n: %d is not between 1 and 999999", n)
	}
	width := max(4, len(strconv.Itoa(n)))
	if workers < 1 {
		return errors.New("-workers: must be at least 1")
	}
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return errors.New("DATABASE_URL is required (the owner URL of a migrated database)")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	database, err := db.Open(ctx, url, db.Options{MaxConns: int32(workers)})
	if err != nil {
		return err
	}
	defer database.Close()

	started := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := 1; i <= n; i++ {
		g.Go(func() error {
			t, b := event(i, width)
			if _, err := database.CreateTenant(gctx, t, b); err != nil {
				return fmt.Errorf("create %s: %w", t.Slug, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	fmt.Printf("seeded %d events in %s\n", n, time.Since(started).Round(time.Millisecond))
	return nil
}

// event is the i-th benchmark event: active, English by default, German too.
func event(i, width int) (tenant.Tenant, branding.Branding) {
	slug := fmt.Sprintf("ev%0*d", width, i)
	name := fmt.Sprintf("Benchmark Event %0*d", width, i)
	t := tenant.Tenant{
		Slug: slug, Name: name, Status: tenant.StatusActive,
		DefaultLocale: "en", Locales: []string{"en", "de"},
	}
	b := branding.Branding{
		Theme: "classic", Colours: branding.DefaultColours,
		Copy: map[string]branding.Copy{
			"en": {Title: name, Tagline: "Two days of talks, workshops and merchandise."},
			"de": {Title: fmt.Sprintf("Benchmark-Veranstaltung %0*d", width, i), Tagline: "Zwei Tage Vorträge, Workshops und Fanartikel."},
		},
	}
	return t, b
}

package db_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant"
)

// TestForgetKeepsEachCacheInStep: with db.Forget's handlers, a change
// reaches every cache given (serve's resolver and sites), and a change
// made while nobody listened is dropped at the (re)connection.
func TestForgetKeepsEachCacheInStep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := dbtest.New(t)
	writer := d.Open(t, db.Options{})
	reader := d.Open(t, db.Options{})
	ev := newTenant(t, writer, "replicated")
	resolver := tenant.NewResolver("shop.test", reader, tenant.MemoOptions{})
	sites := storefront.NewSites(reader, tenant.MemoOptions{})
	resolve := func() *tenant.Tenant {
		got, err := resolver.Resolve(ctx, "replicated.shop.test")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	siteOf := func(ev *tenant.Tenant) *storefront.Site {
		site, err := sites.Get(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		return site
	}
	first := resolve()
	siteOf(first)

	// A change while no replica listens: the caches keep what they had.
	if _, err := writer.SetTenantStatus(ctx, ev.ID, tenant.StatusSuspended); err != nil {
		t.Fatal(err)
	}
	if got := resolve(); got.Status != tenant.StatusActive {
		t.Fatalf("the resolver re-read without being told: %s", got.Status)
	}
	go reader.ListenTenantChanges(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), db.Forget(resolver, sites))
	t.Run("the connection makes every cache start over", func(t *testing.T) {
		waitFor(t, 5*time.Second, func() bool { return resolve().Status == tenant.StatusSuspended })
		now := resolve()
		if got := siteOf(now); got.Tenant != now {
			t.Errorf("the sites kept the site loaded before the connection")
		}
	})
	t.Run("a change reaches every cache", func(t *testing.T) {
		before := resolve()
		siteOf(before)
		if _, err := writer.SetTenantStatus(ctx, ev.ID, tenant.StatusActive); err != nil {
			t.Fatal(err)
		}
		waitFor(t, time.Second, func() bool { return resolve().Status == tenant.StatusActive })
		now := resolve()
		if got := siteOf(now); got.Tenant != now {
			t.Errorf("the sites kept the event's site from before the change")
		}
	})
}

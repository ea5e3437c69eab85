package storefront

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/tenant"
)

// catalogueStore answers every event's content with one product of one
// variant, stocked with stock units.
type catalogueStore struct {
	variant uuid.UUID
	stock   int
}

func (s catalogueStore) SiteContent(context.Context, uuid.UUID) (SiteContent, error) {
	stock := s.stock
	v := Variant{ID: s.variant, Stock: &stock}
	return SiteContent{Catalogue: Catalogue{Products: []Product{{ID: uuid.New(), Visible: true, Variants: []Variant{v}}}}}, nil
}

// TestSitesVersion: the version changes with whatever can change a cached
// Site's pages, and only then.
func TestSitesVersion(t *testing.T) {
	ctx := context.Background()
	ids := slugStore{"devcon": uuid.New(), "gophercamp": uuid.New()}
	r := tenant.NewResolver("shop.test", ids, tenant.MemoOptions{})
	store := catalogueStore{variant: uuid.New(), stock: 2}
	sites := NewSites(store, tenant.MemoOptions{MaxEntries: 1, TTL: time.Hour})
	get := func(slug string) *tenant.Tenant {
		t.Helper()
		ev, err := r.Resolve(ctx, slug+".shop.test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sites.Get(ctx, ev); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	devcon := get("devcon")
	site, _ := sites.Get(ctx, devcon)
	released := 0
	if !site.OnRelease(func() { released++ }) {
		t.Fatal("a cached Site says it was let go")
	}
	if d := sites.FreshFor(devcon); d <= 59*time.Minute || d > time.Hour {
		t.Errorf("a Site just loaded with an hour's TTL is fresh for %v", d)
	}
	one, zero := 1, 0
	for _, s := range []struct {
		name    string
		do      func()
		changes bool
	}{
		{"a view from the cache", func() { get("devcon") }, false},
		{"a stock change that sells out nothing", func() { sites.SetStock(devcon.ID, store.variant, &one) }, false},
		{"another event's stock change (it is not cached)", func() { sites.SetStock(ids["gophercamp"], store.variant, &zero) }, false},
		{"the last unit sold", func() { sites.SetStock(devcon.ID, store.variant, &zero) }, true},
		{"a unit given back", func() { sites.SetStock(devcon.ID, store.variant, &one) }, true},
		{"the event's change", func() { sites.Forget(devcon.ID) }, true},
		{"its Site loaded again", func() { get("devcon") }, true},
		{"another event's Site loaded past the bound (devcon's goes: no change)", func() { get("gophercamp") }, false},
	} {
		before := sites.Version()
		s.do()
		if changed := sites.Version() != before; changed != s.changes {
			t.Errorf("%s: version %d to %d, want a change: %v", s.name, before, sites.Version(), s.changes)
		}
	}
	if d := sites.FreshFor(devcon); d != 0 {
		t.Errorf("an evicted Site is fresh for %v, want 0", d)
	}
	if released != 1 {
		t.Errorf("the first Site of devcon, reloaded after its change, was released %d times, want once", released)
	}
	evicted := false
	if reloaded, _ := sites.Get(ctx, devcon); reloaded == site || !reloaded.OnRelease(func() { evicted = true }) {
		t.Fatal("devcon's Site loaded again after its eviction is the first one, or says it was let go")
	}
	get("gophercamp")
	if !evicted {
		t.Error("devcon's Site was evicted without being released")
	}
	if site.OnRelease(func() {}) {
		t.Error("a Site let go takes what to release")
	}
}

// TestSiteKeepsFewReleases: past maxReleases, registering runs the oldest
// at once, so a Site whose host alternates between languages does not
// pile them up.
func TestSiteKeepsFewReleases(t *testing.T) {
	site, _ := oneSizeSite(1)
	ran := make([]bool, maxReleases+1)
	for i := range ran {
		site.OnRelease(func() { ran[i] = true })
	}
	if !ran[0] || ran[1] {
		t.Fatalf("after %d registrations: ran %v, want the first only", len(ran), ran)
	}
	site.release()
	for i, r := range ran {
		if !r {
			t.Errorf("release %d did not run when the Site was let go", i)
		}
	}
}

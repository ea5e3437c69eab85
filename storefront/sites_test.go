package storefront

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/google/uuid"

	"marquee"
	"marquee/storefront/form"
	"marquee/tenant"
)

// countingStore answers every event's content, counting the loads.
type countingStore struct{ loads map[uuid.UUID]int }

func (s *countingStore) SiteContent(_ context.Context, id uuid.UUID) (SiteContent, error) {
	s.loads[id]++
	return SiteContent{}, nil
}

// slugStore is the resolver's store: every slug is an event with a fixed id.
type slugStore map[string]uuid.UUID

func (s slugStore) TenantBySlug(_ context.Context, slug string) (*tenant.Tenant, error) {
	if id, ok := s[slug]; ok {
		return &tenant.Tenant{ID: id, Slug: slug, Status: tenant.StatusActive}, nil
	}
	return nil, marquee.New(marquee.ENOTFOUND, "x")
}

func (slugStore) TenantByDomain(context.Context, string) (*tenant.Tenant, error) {
	return nil, marquee.New(marquee.ENOTFOUND, "x")
}

func TestSitesFollowTheirEventsFromTheResolver(t *testing.T) {
	ctx := context.Background()
	ids := slugStore{"devcon": uuid.New(), "gophercamp": uuid.New()}
	r := tenant.NewResolver("shop.test", ids, tenant.MemoOptions{})
	resolve := func(slug string) *tenant.Tenant {
		t.Helper()
		ev, err := r.Resolve(ctx, slug+".shop.test")
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	get := func(s *Sites, ev *tenant.Tenant) *Site {
		t.Helper()
		site, err := s.Get(ctx, ev)
		if err != nil || site.Tenant.ID != ev.ID {
			t.Fatalf("Get(%s) = %v, %v", ev.Slug, site, err)
		}
		return site
	}

	t.Run("an event's Site is loaded once and reached again from the event", func(t *testing.T) {
		store := &countingStore{loads: map[uuid.UUID]int{}}
		sites := NewSites(store, tenant.MemoOptions{})
		devcon := resolve("devcon")
		first := get(sites, devcon)
		if site, ok := sites.memo.AgainAttached(devcon.Attached()); !ok || site != first {
			t.Fatalf("the resolver's event's Attachment answers %p, %v; want the Site", site, ok)
		}
		if get(sites, devcon) != first || store.loads[devcon.ID] != 1 {
			t.Fatalf("%d loads, want 1", store.loads[devcon.ID])
		}
		sites.Forget(devcon.ID)
		if get(sites, devcon) == first || store.loads[devcon.ID] != 2 {
			t.Fatalf("after the event changed: %d loads, want 2 and a new Site", store.loads[devcon.ID])
		}
	})
	t.Run("an evicted Site is loaded again, never another event's", func(t *testing.T) {
		store := &countingStore{loads: map[uuid.UUID]int{}}
		sites := NewSites(store, tenant.MemoOptions{MaxEntries: 1})
		devcon, camp := resolve("devcon"), resolve("gophercamp")
		for range 3 {
			get(sites, devcon)
			get(sites, camp)
		}
		if store.loads[devcon.ID] != 3 || store.loads[camp.ID] != 3 {
			t.Fatalf("loads %d and %d, want 3 each (one Site fits)", store.loads[devcon.ID], store.loads[camp.ID])
		}
	})
	t.Run("two caches of Sites each keep their own", func(t *testing.T) {
		a := NewSites(&countingStore{loads: map[uuid.UUID]int{}}, tenant.MemoOptions{})
		b := NewSites(&countingStore{loads: map[uuid.UUID]int{}}, tenant.MemoOptions{})
		devcon := resolve("devcon")
		siteA, siteB := get(a, devcon), get(b, devcon)
		if siteA == siteB || get(a, devcon) != siteA || get(b, devcon) != siteB {
			t.Fatal("one cache of Sites answered with the other's Site")
		}
	})
	t.Run("an event that did not come from the resolver", func(t *testing.T) {
		store := &countingStore{loads: map[uuid.UUID]int{}}
		sites := NewSites(store, tenant.MemoOptions{})
		plain := &tenant.Tenant{ID: uuid.New(), Slug: "plain"}
		first := get(sites, plain)
		if get(sites, plain) != first || store.loads[plain.ID] != 1 {
			t.Fatalf("%d loads, want 1", store.loads[plain.ID])
		}
	})
}

// BenchmarkSitesGet gets the Site of a random one of 10,000 events, each
// with about 10 KB of content: by its id's lookup (an event value that did
// not come from the resolver), then from the Attachment of the
// resolver's event. The two take turns every 4,096 gets within one run, so
// that a busy machine slows them alike; each reports its ns per Get.
func BenchmarkSitesGet(b *testing.B) {
	const n = 10000
	ctx := context.Background()
	ids := slugStore{}
	for i := range n {
		ids["ev"+strconv.Itoa(i)] = uuid.New()
	}
	r := tenant.NewResolver("shop.test", ids, tenant.MemoOptions{})
	sites := NewSites(bulkyStore{}, tenant.MemoOptions{})
	resolved := make([]*tenant.Tenant, n)
	plain := make([]*tenant.Tenant, n)
	for i := range n {
		resolved[i], _ = r.Resolve(ctx, "ev"+strconv.Itoa(i)+".shop.test")
		plain[i] = &tenant.Tenant{ID: resolved[i].ID, Slug: resolved[i].Slug}
		if _, err := sites.Get(ctx, resolved[i]); err != nil {
			b.Fatal(err)
		}
	}
	ways := []struct {
		name   string
		events []*tenant.Tenant
		took   time.Duration
	}{{"lookup(before)", plain, 0}, {"attached", resolved, 0}}
	order := make([]int, 4096)
	gets := 0
	for b.Loop() {
		for i := range order {
			order[i] = rand.IntN(n)
		}
		for w := range ways {
			start := time.Now()
			for _, i := range order {
				if site, _ := sites.Get(ctx, ways[w].events[i]); site == nil || site.Tenant.ID != plain[i].ID {
					b.Fatalf("%s: wrong Site", ways[w].name)
				}
			}
			ways[w].took += time.Since(start)
		}
		gets += len(order)
	}
	for _, w := range ways {
		b.ReportMetric(float64(w.took.Nanoseconds())/float64(gets), w.name+"-ns/get")
	}
}

// bulkyStore gives every event about 10 KB of content, as a real event's
// Site with its pages takes.
type bulkyStore struct{}

func (bulkyStore) SiteContent(context.Context, uuid.UUID) (SiteContent, error) {
	return SiteContent{Fields: make([]form.Field, 10<<10/int(unsafe.Sizeof(form.Field{}))+1)}, nil
}

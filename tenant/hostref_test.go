package tenant

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee"
)

// slugStore finds events by slug and counts the lookups of each; it is
// safe for concurrent use.
type slugStore struct {
	mu    sync.Mutex
	slugs map[string]*Tenant
	calls map[string]int
}

func newSlugStore(slugs ...string) *slugStore {
	s := &slugStore{slugs: map[string]*Tenant{}, calls: map[string]int{}}
	for _, slug := range slugs {
		s.slugs[slug] = &Tenant{ID: uuid.New(), Slug: slug, Name: slug}
	}
	return s
}

func (s *slugStore) TenantBySlug(_ context.Context, slug string) (*Tenant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[slug]++
	if t, ok := s.slugs[slug]; ok {
		c := *t
		return &c, nil
	}
	return nil, marquee.New(marquee.ENOTFOUND, "x")
}

func (s *slugStore) TenantByDomain(context.Context, string) (*Tenant, error) {
	return nil, marquee.New(marquee.ENOTFOUND, "x")
}

func (s *slugStore) count(slug string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[slug]
}

func (s *slugStore) rename(slug, name string) uuid.UUID {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *s.slugs[slug]
	c.Name = name
	s.slugs[slug] = &c
	return c.ID
}

// TestHostRef: what a HostRef answers with no lookup is what Resolve
// would answer, after every kind of change: the event's own change, a
// change to everything, its age, its eviction; another event's change
// costs no lookup; and a host viewed through its HostRef is kept over one
// that was not viewed since.
func TestHostRef(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_000_000, 0)}
	store := newSlugStore("devcon", "other", "third")
	r := NewResolver("example.com", store, MemoOptions{TTL: time.Minute, MaxEntries: 2, Now: clock.Now})
	ctx := context.Background()
	var ref HostRef
	resolve := func(want string, lookups int) {
		t.Helper()
		got, err := r.ResolveRef(ctx, "devcon.example.com", &ref)
		if err != nil || got.Name != want {
			t.Fatalf("ResolveRef = %v, %v; want the event named %q", got, err, want)
		}
		if n := store.count("devcon"); n != lookups {
			t.Fatalf("%d lookups of devcon, want %d", n, lookups)
		}
	}
	resolve("devcon", 1)
	resolve("devcon", 1)

	// Another event's change: no lookup.
	if _, err := r.Resolve(ctx, "other.example.com"); err != nil {
		t.Fatal(err)
	}
	r.Forget(store.slugs["other"].ID)
	resolve("devcon", 1)

	// Its own change.
	r.Forget(store.rename("devcon", "DevCon renamed"))
	resolve("DevCon renamed", 2)
	resolve("DevCon renamed", 2)

	// A change to everything.
	r.ForgetAll()
	resolve("DevCon renamed", 3)

	// Its age.
	clock.Add(59 * time.Second)
	resolve("DevCon renamed", 3)
	clock.Add(2 * time.Second)
	resolve("DevCon renamed", 4)

	// Its eviction (the bound is 2): other and third are viewed, devcon is
	// not, so one of their lookups made room by evicting devcon. The ref
	// must not answer the evicted event.
	for range 2 {
		for _, h := range []string{"third.example.com", "other.example.com"} {
			if _, err := r.Resolve(ctx, h); err != nil {
				t.Fatal(err)
			}
		}
	}
	if r.memo.Len() != 2 {
		t.Fatalf("%d cached, want 2", r.memo.Len())
	}
	if _, ok, _ := r.memo.Cached("devcon.example.com"); ok {
		t.Fatal("devcon is still cached: the test needs it evicted")
	}
	resolve("DevCon renamed", 5)
}

// TestHostRefKeepsTheClockInformed: a host viewed only through its
// HostRef since its event was loaded is kept over one not viewed since,
// when a third event needs room (the bound is 2).
func TestHostRefKeepsTheClockInformed(t *testing.T) {
	store := newSlugStore("devcon", "other", "third")
	r := NewResolver("example.com", store, MemoOptions{MaxEntries: 2})
	ctx := context.Background()
	var ref HostRef
	if _, err := r.ResolveRef(ctx, "devcon.example.com", &ref); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve(ctx, "other.example.com"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := r.ResolveRef(ctx, "devcon.example.com", &ref); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Resolve(ctx, "third.example.com"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := r.memo.Cached("other.example.com"); ok {
		t.Fatal("other, not viewed since it was loaded, is still cached")
	}
	if _, err := r.ResolveRef(ctx, "devcon.example.com", &ref); err != nil || store.count("devcon") != 1 {
		t.Fatalf("devcon: %v after %d lookups; want it kept (1 lookup)", err, store.count("devcon"))
	}
}

// TestHostRefConcurrent: requests share a host's HostRef while its event
// and others change (run with -race).
func TestHostRefConcurrent(t *testing.T) {
	store := newSlugStore("devcon", "other")
	r := NewResolver("example.com", store, MemoOptions{})
	ctx := context.Background()
	var ref HostRef
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				got, err := r.ResolveRef(ctx, "devcon.example.com", &ref)
				if err != nil || got.Slug != "devcon" {
					t.Errorf("ResolveRef = %v, %v", got, err)
					return
				}
			}
		})
	}
	for i := range 200 {
		if i%2 == 0 {
			r.Forget(store.slugs["other"].ID)
		} else {
			r.Forget(store.rename("devcon", "name "+time.Now().String()))
		}
	}
	final := "final name"
	r.Forget(store.rename("devcon", final))
	close(stop)
	wg.Wait()
	if got, err := r.ResolveRef(ctx, "devcon.example.com", &ref); err != nil || got.Name != final {
		t.Fatalf("after the last change: %v, %v; want %q", got, err, final)
	}
}

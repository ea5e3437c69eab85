package tenant

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee"
)

// mapStore is an in-memory Store for the resolver's rules.
type mapStore struct {
	slugs, domains map[string]*Tenant
	calls          int
}

func (s *mapStore) TenantBySlug(_ context.Context, slug string) (*Tenant, error) {
	s.calls++
	if t, ok := s.slugs[slug]; ok {
		return t, nil
	}
	return nil, marquee.New(marquee.ENOTFOUND, "x")
}

func (s *mapStore) TenantByDomain(_ context.Context, host string) (*Tenant, error) {
	s.calls++
	if t, ok := s.domains[host]; ok {
		return t, nil
	}
	return nil, marquee.New(marquee.ENOTFOUND, "x")
}

// same reports whether got is the event want as the resolver caches it: a
// copy with an Attachment beside it.
func same(got, want *Tenant) bool {
	return got != nil && want != nil && got.ID == want.ID && got.Slug == want.Slug && got.Name == want.Name && want.Attached() == nil
}

func TestResolve(t *testing.T) {
	devcon := &Tenant{ID: uuid.New(), Slug: "devcon"}
	api := &Tenant{ID: uuid.New(), Slug: "api"} // a row that should never be reachable
	store := &mapStore{
		slugs:   map[string]*Tenant{"devcon": devcon, "api": api},
		domains: map[string]*Tenant{"shop.devcon.org": devcon},
	}
	r := NewResolver("example.com", store, MemoOptions{})
	tests := []struct {
		name, host string
		want       *Tenant
		storeCall  bool
	}{
		{"a slug subdomain", "devcon.example.com", devcon, true},
		{"a custom domain", "shop.devcon.org", devcon, true},
		{"an unknown slug", "nope.example.com", nil, true},
		{"a reserved slug is never looked up", "api.example.com", nil, false},
		{"the base domain itself", "example.com", nil, false},
		{"a deeper subdomain", "a.devcon.example.com", nil, false},
		{"an IP literal", "192.0.2.1", nil, false},
		{"an invalid slug", "a.example.com", nil, false},
		{"a suffix look-alike is a custom domain", "devconexample.com", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := store.calls
			r.ForgetAll()
			got, err := r.Resolve(context.Background(), tc.host)
			if tc.want == nil {
				if err != ErrUnknownHost {
					t.Fatalf("want ErrUnknownHost, got %v, %v", got, err)
				}
			} else if !same(got, tc.want) || err != nil {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			} else if got.Attached() == nil {
				t.Fatal("the resolver's event has no Attachment")
			}
			if called := store.calls > before; called != tc.storeCall {
				t.Errorf("store called: %v, want %v", called, tc.storeCall)
			}
		})
	}
}

// BenchmarkResolve resolves a cached event's host: the checks of the host
// before the cache (as before), then the cache first (as now).
func BenchmarkResolve(b *testing.B) {
	devcon := &Tenant{ID: uuid.New(), Slug: "devcon-2027"}
	r := NewResolver("shop.example.com", &mapStore{slugs: map[string]*Tenant{"devcon-2027": devcon}}, MemoOptions{})
	const host = "devcon-2027.shop.example.com"
	cached, err := r.Resolve(context.Background(), host)
	if !same(cached, devcon) || err != nil {
		b.Fatalf("%v, %v", cached, err)
	}
	b.Run("checks-first(before)", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if IsIPHost(host) {
				b.Fatal("an IP")
			}
			label, _ := strings.CutSuffix(host, "."+r.baseDomain)
			if strings.Contains(label, ".") || IsReservedSlug(label) || ValidateSlug(label) != nil {
				b.Fatal("refused")
			}
			if t, _ := r.memo.Get(context.Background(), host, nil); t != cached {
				b.Fatal("not cached")
			}
		}
	})
	b.Run("cache-first", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if t, _ := r.Resolve(context.Background(), host); t != cached {
				b.Fatal("not cached")
			}
		}
	})
}

func TestResolveRef(t *testing.T) {
	devcon := &Tenant{ID: uuid.New(), Slug: "devcon"}
	store := &mapStore{slugs: map[string]*Tenant{"devcon": devcon}}
	r := NewResolver("example.com", store, MemoOptions{})
	var ref HostRef
	for range 3 {
		if got, err := r.ResolveRef(context.Background(), "devcon.example.com", &ref); !same(got, devcon) || err != nil {
			t.Fatalf("got %v, %v", got, err)
		}
	}
	if store.calls != 1 {
		t.Fatalf("%d store calls, want 1", store.calls)
	}
	renamed := &Tenant{ID: devcon.ID, Slug: "devcon", Name: "renamed"}
	store.slugs["devcon"] = renamed
	r.Forget(devcon.ID)
	if got, err := r.ResolveRef(context.Background(), "devcon.example.com", &ref); !same(got, renamed) || err != nil {
		t.Fatalf("after the event changed: got %v, %v; want it loaded again", got, err)
	}
	if got, err := r.ResolveRef(context.Background(), "nope.example.com", &HostRef{}); err != ErrUnknownHost {
		t.Fatalf("unknown host: got %v, %v", got, err)
	}
	if got, err := r.ResolveRef(context.Background(), "devcon.example.com", nil); !same(got, renamed) || err != nil {
		t.Fatalf("without a ref: got %v, %v", got, err)
	}
}

package web

import (
	"testing"

	"marquee/tenant"
)

func TestHostCacheIsBoundLikeTheResolver(t *testing.T) {
	for _, tc := range []struct{ resolver, want int }{
		{0, maxCachedHosts},       // an unbounded resolver: the cache's own bound
		{22000, 22000},            // EVENT_CACHE_SIZE's default, a slug and a domain each
		{1 << 20, maxCachedHosts}, // never past the cache's own bound
		{1, 1},
	} {
		r := tenant.NewResolver("shop.test", nil, tenant.MemoOptions{MaxEntries: tc.resolver})
		if got := hostBound(r.CacheBound()); got != tc.want {
			t.Errorf("resolver bound %d: host cache bound %d, want %d", tc.resolver, got, tc.want)
		}
	}
}

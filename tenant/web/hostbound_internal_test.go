package web

import (
	"bytes"
	"testing"
	"unsafe"

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

// TestNewNormalHost: a Host header's bytes of up to maxInlineHost are
// copied into the host's own allocation, longer ones apart; the string
// over them keeps what the header said after the request's buffer is
// reused.
func TestNewNormalHost(t *testing.T) {
	for _, n := range []int{1, 21, maxInlineHost, maxInlineHost + 1, 200} {
		header := bytes.Repeat([]byte("a"), n)
		host, raw := newNormalHost(header)
		if raw != string(header) {
			t.Fatalf("%d bytes: %q", n, raw)
		}
		start := uintptr(unsafe.Pointer(host)) - unsafe.Offsetof(namedHost{}.normalHost)
		at := uintptr(unsafe.Pointer(unsafe.StringData(raw)))
		if inside := at >= start && at < start+unsafe.Sizeof(namedHost{}); inside != (n <= maxInlineHost) {
			t.Errorf("%d bytes: in the host's allocation %v, want %v", n, inside, n <= maxInlineHost)
		}
		header[0] = 'b' // the request's buffer, reused
		if raw[0] != 'a' {
			t.Errorf("%d bytes: the string follows the request's buffer", n)
		}
	}
}

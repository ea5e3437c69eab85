package web

import (
	"testing"

	"marquee/tenant"
)

// FuzzPlainHostIsNormal checks isHost's shortcut: a Host header that
// plainHost accepts normalises to itself, to an IP literal or to an error,
// so comparing its bytes with a normalised name is the same as comparing
// its normalised form.
func FuzzPlainHostIsNormal(f *testing.F) {
	for _, s := range []string{"console.shop.test", "xn--caf-dma.shop.test", "-a.b", "a..b", ".a", "127.1", "0x7f.1", "xn--a.b", "ab--c.d"} {
		f.Add(s)
	}
	for _, s := range []string{"console.shop.test", "a.b-c.d1", "127.0.0.1"} {
		if !plainHost([]byte(s)) {
			f.Fatalf("plainHost(%q) is false", s)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !plainHost([]byte(s)) {
			return
		}
		host, err := tenant.NormalizeHost(s)
		if err == nil && host != s && !tenant.IsIPHost(host) {
			t.Fatalf("NormalizeHost(%q) = %q: neither itself nor an IP literal", s, host)
		}
	})
}

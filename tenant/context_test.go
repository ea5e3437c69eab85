package tenant

import (
	"context"
	"testing"
	"time"
	"unsafe"
)

type otherKey struct{}

func TestContext(t *testing.T) {
	ev := &Tenant{Slug: "devcon"}
	base, cancel := context.WithTimeout(context.WithValue(context.Background(), otherKey{}, "kept"), time.Hour)
	defer cancel()
	c := NewContext(base, ev)
	if FromContext(c) != ev || c.Tenant() != ev {
		t.Fatal("the context does not carry its tenant")
	}
	if c.Value(otherKey{}) != "kept" {
		t.Error("the parent's values are lost")
	}
	if _, ok := c.Deadline(); !ok {
		t.Error("the parent's deadline is lost")
	}
	if FromContext(context.Background()) != nil {
		t.Error("a context without a tenant has one")
	}
	for _, c := range []struct{ host, want string }{
		{"devcon.shop.test", "devcon"},
		{"devcon", "devcon"}, // no dot: the tenant's own bytes
		{"devconf.shop.test", "devcon"},
		{"gophercamp.shop.test", "devcon"},
	} {
		k := NewContext(context.Background(), ev)
		k.SlugFrom(c.host)
		if k.Slug() != c.want {
			t.Errorf("SlugFrom(%q): Slug %q, want %q", c.host, k.Slug(), c.want)
		}
	}
	k := NewContext(context.Background(), ev)
	host := "devcon.shop.test"
	k.SlugFrom(host)
	if unsafe.StringData(k.Slug()) != unsafe.StringData(host) {
		t.Error("the slug is not in the host's bytes")
	}
}

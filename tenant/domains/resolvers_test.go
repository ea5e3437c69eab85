package domains

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestVerifierTriesTheNextServer(t *testing.T) {
	srv := startDNS(t, challenge("shop.acme.org")+"shop.acme.org 60 IN CNAME edge.marquee.example")
	v := NewVerifier(closedPort(t), time.Second)
	v.servers = append(v.servers, srv.Addr)
	assertResult(t, v.Verify(context.Background(), "shop.acme.org", testToken, edge), "")
}

func TestSystemResolvers(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "resolv.conf")
	text := "# generated\nsearch corp.example\nnameserver 10.0.0.2\nnameserver ::1\noptions ndots:2\n"
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.conf")
	if err := os.WriteFile(empty, []byte("search corp.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		path string
		want []string
	}{
		{"servers of resolv.conf on port 53", conf, []string{"10.0.0.2:53", "[::1]:53"}},
		{"missing file falls back to loopback", filepath.Join(dir, "missing"), []string{"127.0.0.1:53"}},
		{"file without servers falls back to loopback", empty, []string{"127.0.0.1:53"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := systemResolvers(tc.path); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNewVerifierResolver(t *testing.T) {
	cases := []struct {
		name     string
		resolver string
		want     string
	}{
		{"host and port kept", "127.0.0.1:5353", "127.0.0.1:5353"},
		{"bare IPv4 gets port 53", "192.0.2.53", "192.0.2.53:53"},
		{"bare IPv6 gets brackets and port 53", "2001:db8::53", "[2001:db8::53]:53"},
		{"bracketed IPv6 gets port 53", "[2001:db8::53]", "[2001:db8::53]:53"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := NewVerifier(tc.resolver, 0)
			if !slices.Equal(v.servers, []string{tc.want}) {
				t.Errorf("servers %q, want [%q]", v.servers, tc.want)
			}
			if v.timeout != DefaultTimeout {
				t.Errorf("timeout %v, want %v", v.timeout, DefaultTimeout)
			}
		})
	}
	if v := NewVerifier("", time.Second); len(v.servers) == 0 {
		t.Error("system resolver: no servers")
	}
}

package domains

import (
	"context"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestPoints(t *testing.T) {
	cases := []struct {
		name string
		zone string
		host string
		want string
	}{
		{
			name: "pointing needs no challenge record",
			host: "shop.acme.org",
			zone: "shop.acme.org 60 IN CNAME edge.marquee.example",
		},
		{
			name: "domain moved to another host stopped pointing",
			host: "shop.acme.org",
			zone: challenge("shop.acme.org") + "shop.acme.org 60 IN CNAME shops.otherhost.example",
			want: ReasonNotPointing,
		},
		{
			name: "domain with its records deleted has no address",
			host: "shop.acme.org",
			zone: challenge("shop.acme.org"),
			want: ReasonNoAddress,
		},
		{
			name: "apex pointing at our addresses",
			host: "acme.org",
			zone: "acme.org 60 IN AAAA 2001:db8::10",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startDNS(t, tc.zone)
			got := NewVerifier(srv.Addr, 2*time.Second).Points(context.Background(), tc.host, edge)
			assertResult(t, got, tc.want)
			for _, q := range srv.Queries() {
				if q.Type == dns.TypeTXT {
					t.Errorf("Points asked for TXT %s", q.Name)
				}
			}
		})
	}
}

func TestPointsNoticesAChangedZone(t *testing.T) {
	srv := startDNS(t, "shop.acme.org 60 IN CNAME edge.marquee.example")
	v := NewVerifier(srv.Addr, 2*time.Second)
	assertResult(t, v.Points(context.Background(), "shop.acme.org", edge), "")

	srv.SetZone(t, "shop.acme.org 60 IN A 203.0.113.5")
	assertResult(t, v.Points(context.Background(), "shop.acme.org", edge), ReasonNotPointing)

	srv.SetMode(failQueries)
	assertResult(t, v.Points(context.Background(), "shop.acme.org", edge), ReasonDNSError)
}

package domains

import (
	"net/netip"
	"slices"
	"testing"
)

func TestRecords(t *testing.T) {
	txt := func(host string) Record {
		return Record{Type: TypeTXT, Name: "_marquee-challenge." + host, Value: testToken}
	}
	addrs := func(host string) []Record {
		return []Record{
			{Type: TypeA, Name: host, Value: "192.0.2.10"},
			{Type: TypeAAAA, Name: host, Value: "2001:db8::10"},
		}
	}
	cases := []struct {
		name   string
		host   string
		target Target
		want   []Record
	}{
		{
			name:   "subdomain gets a CNAME to the edge",
			host:   "shop.acme.org",
			target: edge,
			want:   []Record{txt("shop.acme.org"), {Type: TypeCNAME, Name: "shop.acme.org", Value: "edge.marquee.example"}},
		},
		{
			name:   "deep subdomain under a two-label suffix gets a CNAME",
			host:   "shop.acme.co.uk",
			target: edge,
			want:   []Record{txt("shop.acme.co.uk"), {Type: TypeCNAME, Name: "shop.acme.co.uk", Value: "edge.marquee.example"}},
		},
		{
			name:   "apex gets one A or AAAA per platform address",
			host:   "acme.org",
			target: edge,
			want:   append([]Record{txt("acme.org")}, addrs("acme.org")...),
		},
		{
			name:   "apex under a two-label public suffix gets addresses",
			host:   "acme.co.uk",
			target: edge,
			want:   append([]Record{txt("acme.co.uk")}, addrs("acme.co.uk")...),
		},
		{
			name:   "subdomain gets addresses when no edge name is configured",
			host:   "shop.acme.org",
			target: Target{IPs: edge.IPs},
			want:   append([]Record{txt("shop.acme.org")}, addrs("shop.acme.org")...),
		},
		{
			name:   "names are shown lowercase without trailing dot",
			host:   "Shop.ACME.org.",
			target: Target{CNAME: "Edge.Marquee.Example.", IPs: edge.IPs},
			want:   []Record{txt("shop.acme.org"), {Type: TypeCNAME, Name: "shop.acme.org", Value: "edge.marquee.example"}},
		},
		{
			name: "IPv4-mapped platform address is shown as an A record",
			host: "acme.org",
			target: Target{CNAME: "edge.marquee.example", IPs: []netip.Addr{
				netip.MustParseAddr("::ffff:192.0.2.10"),
			}},
			want: []Record{txt("acme.org"), {Type: TypeA, Name: "acme.org", Value: "192.0.2.10"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Records(tc.host, testToken, tc.target); !slices.Equal(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestIsApex(t *testing.T) {
	cases := []struct {
		host string
		want bool
	}{
		{"acme.org", true},
		{"acme.co.uk", true},
		{"ACME.Org.", true},
		{"acme.github.io", true}, // private section of the list
		{"shop.acme.org", false},
		{"shop.acme.co.uk", false},
		{"co.uk", false}, // a public suffix is nobody's apex
		{"org", false},
		{"", false},
	}
	for _, tc := range cases {
		if got := IsApex(tc.host); got != tc.want {
			t.Errorf("IsApex(%q) = %v, want %v", tc.host, got, tc.want)
		}
	}
}

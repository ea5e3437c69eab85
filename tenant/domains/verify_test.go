package domains

import (
	"cmp"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

const testToken = "mq-7f3a9c2e"

var edge = Target{
	CNAME: "edge.marquee.example",
	IPs:   []netip.Addr{netip.MustParseAddr("192.0.2.10"), netip.MustParseAddr("2001:db8::10")},
}

// challenge is the zone line that proves ownership of host.
func challenge(host string) string {
	return "_marquee-challenge." + host + " 60 IN TXT " + testToken + "\n"
}

type verifyCase struct {
	name    string
	zone    string
	host    string
	token   string  // testToken when empty
	target  *Target // edge when nil
	mode    serverMode
	noChase bool          // the server does not follow CNAMEs
	closed  bool          // the resolver address has no server
	timeout time.Duration // 2s when zero
	want    string        // the Reason; "" means OK
	tcp     bool          // the answer needs TCP
}

func TestVerify(t *testing.T) {
	cases := []verifyCase{
		{
			name: "subdomain with a CNAME to the edge is verified",
			host: "shop.acme.org",
			zone: challenge("shop.acme.org") + "shop.acme.org 60 IN CNAME edge.marquee.example",
		},
		{
			name: "CNAME to the edge is enough whatever the edge resolves to",
			host: "shop.acme.org",
			zone: challenge("shop.acme.org") + `
				shop.acme.org 60 IN CNAME edge.marquee.example
				edge.marquee.example 60 IN A 198.51.100.99`,
		},
		{
			name: "CNAME chain of two hops ending at the edge is verified",
			host: "shop.acme.org",
			zone: challenge("shop.acme.org") + `
				shop.acme.org 60 IN CNAME shop.acme.cdn.example
				shop.acme.cdn.example 60 IN CNAME edge.marquee.example`,
		},
		{
			name:    "CNAME chain across zones is followed link by link",
			host:    "shop.acme.org",
			noChase: true,
			zone: challenge("shop.acme.org") + `
				shop.acme.org 60 IN CNAME shop.acme.cdn.example
				shop.acme.cdn.example 60 IN CNAME edge.marquee.example`,
		},
		{
			name: "apex with A and AAAA records equal to the platform's is verified",
			host: "acme.org",
			zone: challenge("acme.org") + `
				acme.org 60 IN A 192.0.2.10
				acme.org 60 IN AAAA 2001:db8::10`,
		},
		{
			name: "apex with only some of the platform's addresses is verified",
			host: "acme.co.uk",
			zone: challenge("acme.co.uk") + "acme.co.uk 60 IN A 192.0.2.10",
		},
		{
			name: "apex with one foreign A among ours is not pointing",
			host: "acme.org",
			zone: challenge("acme.org") + `
				acme.org 60 IN A 192.0.2.10
				acme.org 60 IN A 203.0.113.7
				acme.org 60 IN AAAA 2001:db8::10`,
			want: ReasonNotPointing,
		},
		{
			name: "apex with a foreign AAAA among ours is not pointing",
			host: "acme.org",
			zone: challenge("acme.org") + `
				acme.org 60 IN A 192.0.2.10
				acme.org 60 IN AAAA 2001:db8::bad`,
			want: ReasonNotPointing,
		},
		{
			name: "subdomain with A records to the platform is verified",
			host: "shop.acme.org",
			zone: challenge("shop.acme.org") + "shop.acme.org 60 IN A 192.0.2.10",
		},
		{
			name: "missing challenge name is txt_missing",
			host: "shop.acme.org",
			zone: "shop.acme.org 60 IN CNAME edge.marquee.example",
			want: ReasonTXTMissing,
		},
		{
			name: "challenge name without a TXT record is txt_missing",
			host: "shop.acme.org",
			zone: `
				x._marquee-challenge.shop.acme.org 60 IN TXT ` + testToken + `
				shop.acme.org 60 IN CNAME edge.marquee.example`,
			want: ReasonTXTMissing,
		},
		{
			name: "token at the host instead of the challenge name is txt_missing",
			host: "acme.org",
			zone: `
				acme.org 60 IN TXT ` + testToken + `
				acme.org 60 IN A 192.0.2.10`,
			want: ReasonTXTMissing,
		},
		{
			name: "TXT with another token is txt_mismatch",
			host: "shop.acme.org",
			zone: `
				_marquee-challenge.shop.acme.org 60 IN TXT mq-00000000
				shop.acme.org 60 IN CNAME edge.marquee.example`,
			want: ReasonTXTMismatch,
		},
		{
			name: "several TXT records, one with the token, is verified",
			host: "shop.acme.org",
			zone: `
				_marquee-challenge.shop.acme.org 60 IN TXT mq-00000000
				_marquee-challenge.shop.acme.org 60 IN TXT ` + testToken + `
				shop.acme.org 60 IN CNAME edge.marquee.example`,
		},
		{
			name: "one TXT record with several strings, one the token, is verified",
			host: "shop.acme.org",
			zone: `
				_marquee-challenge.shop.acme.org 60 IN TXT "v=other" "` + testToken + `"
				shop.acme.org 60 IN CNAME edge.marquee.example`,
		},
		{
			name: "token split over strings of one record is verified",
			host: "shop.acme.org",
			zone: `
				_marquee-challenge.shop.acme.org 60 IN TXT "mq-7f3a" "9c2e"
				shop.acme.org 60 IN CNAME edge.marquee.example`,
		},
		{
			name: "token with quotes typed by hand is verified",
			host: "shop.acme.org",
			zone: `
				_marquee-challenge.shop.acme.org 60 IN TXT "\"` + testToken + `\" "
				shop.acme.org 60 IN CNAME edge.marquee.example`,
		},
		{
			name: "large TXT set truncated over UDP is read over TCP",
			host: "shop.acme.org",
			tcp:  true,
			zone: manyTXT("_marquee-challenge.shop.acme.org", 40) + challenge("shop.acme.org") +
				"shop.acme.org 60 IN CNAME edge.marquee.example",
		},
		{
			name: "host with no CNAME, A or AAAA is no_address",
			host: "shop.acme.org",
			zone: challenge("shop.acme.org"),
			want: ReasonNoAddress,
		},
		{
			name: "host with only an MX record is no_address",
			host: "acme.org",
			zone: challenge("acme.org") + "acme.org 60 IN MX 10 mail.acme.org",
			want: ReasonNoAddress,
		},
		{
			name: "CNAME to another provider is not_pointing",
			host: "shop.acme.org",
			zone: challenge("shop.acme.org") + `
				shop.acme.org 60 IN CNAME shops.otherhost.example
				shops.otherhost.example 60 IN A 203.0.113.5`,
			want: ReasonNotPointing,
		},
		{
			name: "CNAME to a name that does not exist is not_pointing",
			host: "shop.acme.org",
			zone: challenge("shop.acme.org") + "shop.acme.org 60 IN CNAME gone.otherhost.example",
			want: ReasonNotPointing,
		},
		{
			name: "A record of another server is not_pointing",
			host: "shop.acme.org",
			zone: challenge("shop.acme.org") + "shop.acme.org 60 IN A 203.0.113.5",
			want: ReasonNotPointing,
		},
		{
			name: "CNAME loop is a DNS error",
			host: "shop.acme.org",
			zone: challenge("shop.acme.org") + `
				shop.acme.org 60 IN CNAME a.acme.org
				a.acme.org 60 IN CNAME shop.acme.org`,
			want: ReasonDNSError,
		},
		{
			name: "SERVFAIL is a DNS error",
			host: "shop.acme.org",
			zone: challenge("shop.acme.org") + "shop.acme.org 60 IN CNAME edge.marquee.example",
			mode: failQueries,
			want: ReasonDNSError,
		},
		{
			name:    "resolver that does not answer is a DNS error after the timeout",
			host:    "shop.acme.org",
			zone:    challenge("shop.acme.org") + "shop.acme.org 60 IN CNAME edge.marquee.example",
			mode:    ignoreQueries,
			timeout: 150 * time.Millisecond,
			want:    ReasonDNSError,
		},
		{
			name:   "unreachable resolver is a DNS error",
			host:   "shop.acme.org",
			closed: true,
			want:   ReasonDNSError,
		},
		{
			name: "uppercase host with a trailing dot is verified",
			host: "SHOP.Acme.ORG.",
			zone: challenge("shop.acme.org") + "shop.acme.org 60 IN CNAME edge.marquee.example",
		},
		{
			name: "uppercase records and edge name with a trailing dot are verified",
			host: "shop.acme.org",
			zone: `
				_MARQUEE-CHALLENGE.SHOP.ACME.ORG. 60 IN TXT ` + testToken + `
				SHOP.ACME.ORG. 60 IN CNAME Edge.Marquee.Example.`,
			target: &Target{CNAME: "EDGE.MARQUEE.EXAMPLE.", IPs: edge.IPs},
		},
		{
			name: "uppercase apex is compared by address",
			host: "ACME.ORG",
			zone: challenge("acme.org") + "ACME.ORG. 60 IN A 192.0.2.10",
		},
		{
			name: "token compares case-sensitively",
			host: "shop.acme.org",
			zone: `
				_marquee-challenge.shop.acme.org 60 IN TXT ` + strings.ToUpper(testToken) + `
				shop.acme.org 60 IN CNAME edge.marquee.example`,
			want: ReasonTXTMismatch,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runVerify(t, tc)
		})
	}
}

func runVerify(t *testing.T, tc verifyCase) {
	srv := startDNS(t, tc.zone)
	srv.SetMode(tc.mode)
	srv.SetChase(!tc.noChase)
	addr := srv.Addr
	if tc.closed {
		addr = closedPort(t)
	}
	timeout := cmp.Or(tc.timeout, 2*time.Second)
	token := cmp.Or(tc.token, testToken)
	target := edge
	if tc.target != nil {
		target = *tc.target
	}

	start := time.Now()
	got := NewVerifier(addr, timeout).Verify(context.Background(), tc.host, token, target)
	t.Logf("%+v", got)
	assertResult(t, got, tc.want)
	if elapsed := time.Since(start); elapsed > 2*timeout+time.Second {
		t.Errorf("took %v with a timeout of %v", elapsed, timeout)
	}
	queries := srv.Queries()
	for _, q := range queries {
		if !q.Recurse {
			t.Errorf("query %s %s without recursion desired", dns.TypeToString[q.Type], q.Name)
		}
	}
	if usedTCP := slices.ContainsFunc(queries, func(q seenQuery) bool { return q.Net == "tcp" }); usedTCP != tc.tcp {
		t.Errorf("TCP used: %v, want %v", usedTCP, tc.tcp)
	}
}

func assertResult(t *testing.T, got Result, want string) {
	t.Helper()
	if got.Reason != want || got.OK != (want == "") {
		t.Errorf("got OK=%v Reason=%q (%s), want Reason=%q", got.OK, got.Reason, got.Detail, want)
	}
	if got.Detail == "" {
		t.Error("Detail is empty")
	}
}

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

func TestVerifyHonoursCancelledContext(t *testing.T) {
	srv := startDNS(t, challenge("shop.acme.org")+"shop.acme.org 60 IN CNAME edge.marquee.example")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got := NewVerifier(srv.Addr, 2*time.Second).Verify(ctx, "shop.acme.org", testToken, edge)
	assertResult(t, got, ReasonDNSError)
}

func TestVerifyEmptyTokenNeverMatches(t *testing.T) {
	srv := startDNS(t, `
		_marquee-challenge.shop.acme.org 60 IN TXT ""
		shop.acme.org 60 IN CNAME edge.marquee.example`)
	got := NewVerifier(srv.Addr, 2*time.Second).Verify(context.Background(), "shop.acme.org", "", edge)
	assertResult(t, got, ReasonTXTMismatch)
}

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

// manyTXT returns n TXT records at name, together far over 1232 octets.
func manyTXT(name string, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(name + " 60 IN TXT \"unrelated-verification-value-" + strings.Repeat("x", 20) + "-" + strconv.Itoa(i) + "\"\n")
	}
	return b.String()
}

func TestUnescapeTXT(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{`\"quoted\"`, `"quoted"`},
		{`back\\slash`, `back\slash`},
		{`tab\009end`, "tab\tend"},
		{`high\255`, "high\xff"},
		{`not\99digits`, "not99digits"},
		{`trailing\`, `trailing\`},
	}
	for _, tc := range cases {
		if got := unescapeTXT(tc.in); got != tc.want {
			t.Errorf("unescapeTXT(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

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

package domains

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

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

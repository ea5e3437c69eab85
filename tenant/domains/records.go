// Package domains proves that an event's staff control the custom hostname
// they asked for and that it points at the platform, by looking at public
// DNS. Nothing is routed, and no certificate is requested, for a hostname
// that has not passed Verify.
package domains

import (
	"net/netip"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// ChallengeLabel is the label under which the verification token is
// published: the TXT record lives at ChallengeLabel + "." + host.
//
// The token cannot sit at the host itself: a host that has a CNAME can have
// no other record at all (RFC 1034 §3.6.2), so the TXT would be refused
// exactly where we ask for the CNAME. A leading underscore is never part of
// a hostname, so the name collides with nothing real, and it follows the
// convention of scoped names such as _acme-challenge and _dmarc (RFC 8552).
// It also keeps the token out of the TXT set at an apex that SPF and other
// site checks read.
const ChallengeLabel = "_marquee-challenge"

// Record types shown to staff.
const (
	TypeTXT   = "TXT"
	TypeCNAME = "CNAME"
	TypeA     = "A"
	TypeAAAA  = "AAAA"
)

// Target is what a custom hostname must point at: the platform's edge name
// for a CNAME and its public addresses for names that cannot have one.
type Target struct {
	CNAME string       // e.g. "edge.marquee.example"; empty: addresses only
	IPs   []netip.Addr // the edge's IPv4 and IPv6 addresses
}

// Record is one DNS record that staff must create at their DNS provider.
// Names carry no trailing dot: most provider consoles take them this way.
type Record struct {
	Type  string
	Name  string
	Value string
}

// Records lists the DNS records that make host verifiable and routed to the
// platform: the challenge TXT, then a CNAME to the edge, or A/AAAA records
// for an apex name (or when no edge name is configured).
func Records(host, token string, t Target) []Record {
	host = displayName(host)
	records := []Record{{Type: TypeTXT, Name: ChallengeName(host), Value: token}}
	if edge := displayName(t.CNAME); edge != "" && !IsApex(host) {
		return append(records, Record{Type: TypeCNAME, Name: host, Value: edge})
	}
	for _, ip := range t.IPs {
		records = append(records, addressRecord(host, ip))
	}
	return records
}

// ChallengeName is the name of the TXT record that carries host's token.
func ChallengeName(host string) string {
	return ChallengeLabel + "." + displayName(host)
}

// IsApex reports whether host is a registrable domain (acme.org,
// acme.co.uk) rather than a name below one (shop.acme.org). The apex of a
// zone holds its SOA and NS records and so cannot have a CNAME.
//
// The registrable domain is the best answer available without asking DNS:
// a zone cut below it (shop.acme.org delegated on its own) is rare, and
// such a name may still take the A/AAAA records. The list includes the
// private section (github.io, …), where the registrable name is the
// customer's whole site. Names the list cannot place (a bare public suffix,
// a single label) are not apexes: they are not valid custom domains anyway.
func IsApex(host string) bool {
	host = displayName(host)
	apex, err := publicsuffix.EffectiveTLDPlusOne(host)
	return err == nil && apex == host
}

func addressRecord(host string, ip netip.Addr) Record {
	ip = ip.Unmap()
	typ := TypeAAAA
	if ip.Is4() {
		typ = TypeA
	}
	return Record{Type: typ, Name: host, Value: ip.String()}
}

// displayName is the form of a name shown to people and compared by the
// public suffix list: lowercase, no trailing dot.
func displayName(name string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
}

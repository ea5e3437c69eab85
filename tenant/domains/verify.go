package domains

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Reasons a check fails, as go-i18n message IDs the console translates.
const (
	ReasonTXTMissing  = "domain.txt_missing"  // no TXT record at the challenge name
	ReasonTXTMismatch = "domain.txt_mismatch" // TXT records there, none with the token
	ReasonNotPointing = "domain.not_pointing" // the host leads somewhere other than the platform
	ReasonNoAddress   = "domain.no_address"   // the host has no CNAME, A or AAAA record
	ReasonDNSError    = "domain.dns_error"    // DNS did not answer usefully; retry later
)

// DefaultTimeout bounds one DNS exchange when NewVerifier is given none.
const DefaultTimeout = 5 * time.Second

const (
	// maxCNAMEHops bounds a CNAME chain. Real chains have one to three
	// links (customer → CDN or provider alias → edge); anything longer is a
	// loop or a misconfiguration, reported as a DNS error.
	maxCNAMEHops = 8
	// ednsBufferSize is the UDP payload size advertised to the resolver,
	// the value of the 2020 DNS flag day: large enough for TXT sets with
	// several tokens, small enough to avoid IP fragmentation. Larger
	// answers come truncated and are asked again over TCP.
	ednsBufferSize = 1232
	resolvConfPath = "/etc/resolv.conf"
	// fallbackResolver is what the C library also assumes when
	// resolv.conf is missing or names no server.
	fallbackResolver = "127.0.0.1:53"
)

// Result is the outcome of a check. Reason is empty when OK. Detail lists
// what DNS returned, for the log and the ops console; it is not translated.
type Result struct {
	OK     bool
	Reason string
	Detail string
}

// Verifier checks custom hostnames against public DNS through one
// recursive resolver (or the system's list of them).
//
// It talks DNS itself instead of using net.Resolver: it needs the CNAME
// chain link by link, TXT records with their separate strings, and a clear
// line between "the name does not exist" (the staff's to fix) and "the
// resolver failed" (retry later), none of which net.Resolver exposes.
type Verifier struct {
	servers []string // "host:port", tried in order
	timeout time.Duration
	udp     *dns.Client
	tcp     *dns.Client
}

// NewVerifier returns a Verifier that asks resolver ("host:port"; a bare
// host means port 53), or the servers of /etc/resolv.conf when resolver is
// empty. timeout bounds each exchange; zero or less means DefaultTimeout.
func NewVerifier(resolver string, timeout time.Duration) *Verifier {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	servers := []string{withPort(resolver)}
	if resolver == "" {
		servers = systemResolvers(resolvConfPath)
	}
	return &Verifier{
		servers: servers,
		timeout: timeout,
		udp:     &dns.Client{Net: "udp", Timeout: timeout},
		tcp:     &dns.Client{Net: "tcp", Timeout: timeout},
	}
}

// Verify reports whether host may be attached to its event: the challenge
// TXT record carries token, and host points at t. Ownership is checked
// first: a CNAME to the platform proves nothing on its own, since it may be
// a record a previous event left dangling, which anyone could then claim.
func (v *Verifier) Verify(ctx context.Context, host, token string, t Target) Result {
	owned := v.checkToken(ctx, host, token)
	if !owned.OK {
		return owned
	}
	r := v.Points(ctx, host, t)
	r.Detail = owned.Detail + "; " + r.Detail
	return r
}

// Points reports whether host still leads to the platform, either through
// a CNAME chain that passes through t.CNAME or with addresses that are all
// among t.IPs. The periodic re-check uses it on verified domains.
func (v *Verifier) Points(ctx context.Context, host string, t Target) Result {
	name := dns.CanonicalName(host)
	edge := canonicalOrEmpty(t.CNAME)
	v4, err := v.lookup(ctx, name, dns.TypeA, edge)
	if err != nil {
		return dnsError(err)
	}
	if passesThrough(v4.chain, edge) {
		return Result{OK: true, Detail: describeChain(name, v4.chain)}
	}
	v6, err := v.lookup(ctx, name, dns.TypeAAAA, edge)
	if err != nil {
		return dnsError(err)
	}
	if passesThrough(v6.chain, edge) {
		return Result{OK: true, Detail: describeChain(name, v6.chain)}
	}
	addrs := append(addresses(v4.records), addresses(v6.records)...)
	return judgeAddresses(name, v4.chain, addrs, t.IPs)
}

// checkToken looks for token among the TXT strings at the challenge name.
// A CNAME there is followed, so staff may delegate the name to a zone they
// update more easily, as is common for _acme-challenge.
func (v *Verifier) checkToken(ctx context.Context, host, token string) Result {
	name := dns.CanonicalName(ChallengeName(host))
	ans, err := v.lookup(ctx, name, dns.TypeTXT, "")
	if err != nil {
		return dnsError(err)
	}
	values := txtValues(ans.records)
	if len(values) == 0 {
		return Result{Reason: ReasonTXTMissing, Detail: "no TXT record at " + displayName(name)}
	}
	detail := fmt.Sprintf("TXT at %s: %s", displayName(name), quoteAll(values))
	if token == "" || !slices.Contains(values, token) {
		return Result{Reason: ReasonTXTMismatch, Detail: detail}
	}
	return Result{OK: true, Detail: detail}
}

// txtValues lists the strings a TXT set offers as a token. A record may
// hold several strings: each counts on its own (some consoles split what
// they are given), and so does their concatenation, which is how a value
// longer than 255 octets has to be stored. Surrounding spaces and quotes
// are dropped because consoles that quote for you happily store quotes
// typed by hand as part of the value; a random token never has either.
func txtValues(records []dns.RR) []string {
	var values []string
	for _, rr := range records {
		txt, ok := rr.(*dns.TXT)
		if !ok {
			continue
		}
		for _, s := range txt.Txt {
			values = append(values, cleanTXT(s))
		}
		if len(txt.Txt) > 1 {
			values = append(values, cleanTXT(strings.Join(txt.Txt, "")))
		}
	}
	return values
}

func cleanTXT(s string) string {
	return strings.Trim(strings.TrimSpace(unescapeTXT(s)), `"`)
}

// unescapeTXT turns a character-string as miekg/dns hands it over, in
// zone-file form (`\"` for a quote, `\\` for a backslash, `\DDD` for a
// byte outside printable ASCII), back into the bytes that were published.
func unescapeTXT(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		if n, ok := decimalByte(s[i+1:]); ok {
			b.WriteByte(n)
			i += 3
			continue
		}
		i++
		b.WriteByte(s[i])
	}
	return b.String()
}

// decimalByte reads the DDD of a `\DDD` escape at the start of s.
func decimalByte(s string) (byte, bool) {
	if len(s) < 3 {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s[:3]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return byte(n), n <= 255
}

// judgeAddresses decides a host that did not CNAME to the edge. Every
// address must be the platform's, not just one: resolvers and browsers pick
// among them at random, so a leftover record for the old host sends part of
// the visitors (and, just as likely, the CA's HTTP-01 validation) to a
// server that is not ours, and a third party listed there could answer the
// challenge for a certificate of a name the event was given.
func judgeAddresses(name string, chain []string, addrs, ours []netip.Addr) Result {
	if len(addrs) == 0 {
		if len(chain) == 0 {
			return Result{Reason: ReasonNoAddress, Detail: "no CNAME, A or AAAA record at " + displayName(name)}
		}
		return Result{Reason: ReasonNotPointing, Detail: describeChain(name, chain) + ", no address"}
	}
	detail := describeAddresses(name, chain, addrs)
	var foreign []string
	for _, a := range addrs {
		if !isOurs(a, ours) {
			foreign = append(foreign, a.String())
		}
	}
	if len(foreign) > 0 {
		detail += "; not the platform's: " + strings.Join(foreign, ", ")
		return Result{Reason: ReasonNotPointing, Detail: detail}
	}
	return Result{OK: true, Detail: detail}
}

// isOurs compares addresses the way they are routed: an IPv4-mapped IPv6
// address in the configuration is the IPv4 address it maps.
func isOurs(a netip.Addr, ours []netip.Addr) bool {
	return slices.ContainsFunc(ours, func(o netip.Addr) bool {
		return o.Unmap().WithZone("") == a.Unmap().WithZone("")
	})
}

// answer is what a lookup found: the CNAME targets met on the way, in
// order, and the records of the asked type at the end of that chain.
type answer struct {
	chain   []string
	records []dns.RR
}

// lookup asks for name's records of type qtype and follows its CNAME chain.
// A recursive resolver normally returns the whole chain in one answer; when
// it stops at a CNAME whose target it did not resolve (an authoritative
// server does that for a target outside its zones), the target is asked
// for in turn. The chase stops as soon as it reaches stopAt, the edge name:
// what lies behind it is the platform's business, not the customer's.
func (v *Verifier) lookup(ctx context.Context, name string, qtype uint16, stopAt string) (answer, error) {
	var a answer
	first := name
	for {
		msg, err := v.exchange(ctx, name, qtype)
		if err != nil {
			return a, err
		}
		end, chain, records := walkAnswer(msg.Answer, name, qtype)
		a.chain = append(a.chain, chain...)
		if len(a.chain) > maxCNAMEHops {
			return a, fmt.Errorf("more than %d CNAMEs: %s …", maxCNAMEHops, describeChain(first, a.chain[:maxCNAMEHops+1]))
		}
		if len(records) > 0 || end == name || passesThrough(a.chain, stopAt) {
			a.records = records
			return a, nil
		}
		name = end
	}
}

// walkAnswer follows the CNAMEs of an answer section from name and returns
// the name it ends at, the targets met, and the records of type qtype
// owned by that last name. Records for other names are ignored: a
// resolver's answer is only trusted along the chain that was asked for.
func walkAnswer(rrs []dns.RR, name string, qtype uint16) (end string, chain []string, records []dns.RR) {
	end = name
	// Each step consumes a CNAME, so a loop inside the answer ends too.
	for range len(rrs) {
		target, ok := cnameOf(rrs, end)
		if !ok {
			break
		}
		chain = append(chain, target)
		end = target
	}
	for _, rr := range rrs {
		h := rr.Header()
		if h.Rrtype == qtype && strings.EqualFold(h.Name, end) {
			records = append(records, rr)
		}
	}
	return end, chain, records
}

func cnameOf(rrs []dns.RR, owner string) (string, bool) {
	for _, rr := range rrs {
		if c, ok := rr.(*dns.CNAME); ok && strings.EqualFold(c.Hdr.Name, owner) {
			return dns.CanonicalName(c.Target), true
		}
	}
	return "", false
}

// exchange asks the servers in turn for name's records of type qtype and
// returns the first usable reply: NOERROR, or NXDOMAIN, which is an answer
// ("no such name"), not a failure.
func (v *Verifier) exchange(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	q := new(dns.Msg)
	// Recursion desired: the servers are resolvers, and only a recursive
	// answer reflects what the rest of the internet sees.
	q.SetQuestion(name, qtype)
	q.RecursionDesired = true
	q.SetEdns0(ednsBufferSize, false)
	var errs []error
	for _, server := range v.servers {
		r, err := v.ask(ctx, q, server)
		if err == nil {
			return r, nil
		}
		errs = append(errs, fmt.Errorf("%s %s via %s: %w", dns.TypeToString[qtype], displayName(name), server, err))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// ask sends q over UDP and, when the reply is truncated, again over TCP.
func (v *Verifier) ask(ctx context.Context, q *dns.Msg, server string) (*dns.Msg, error) {
	r, err := v.roundTrip(ctx, v.udp, q, server)
	if err == nil && r.Truncated {
		r, err = v.roundTrip(ctx, v.tcp, q, server)
	}
	if err != nil {
		return nil, err
	}
	if r.Rcode != dns.RcodeSuccess && r.Rcode != dns.RcodeNameError {
		return nil, fmt.Errorf("server answered %s", dns.RcodeToString[r.Rcode])
	}
	return r, nil
}

func (v *Verifier) roundTrip(ctx context.Context, c *dns.Client, q *dns.Msg, server string) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, v.timeout)
	defer cancel()
	r, _, err := c.ExchangeContext(ctx, q, server)
	return r, err
}

// systemResolvers reads the name servers of a resolv.conf file.
func systemResolvers(path string) []string {
	conf, err := dns.ClientConfigFromFile(path)
	if err != nil || len(conf.Servers) == 0 {
		return []string{fallbackResolver}
	}
	servers := make([]string, 0, len(conf.Servers))
	for _, s := range conf.Servers {
		servers = append(servers, net.JoinHostPort(s, conf.Port))
	}
	return servers
}

func withPort(server string) string {
	if _, _, err := net.SplitHostPort(server); err == nil || server == "" {
		return server
	}
	return net.JoinHostPort(strings.Trim(server, "[]"), "53")
}

func dnsError(err error) Result {
	return Result{Reason: ReasonDNSError, Detail: err.Error()}
}

func canonicalOrEmpty(name string) string {
	if displayName(name) == "" {
		return ""
	}
	return dns.CanonicalName(displayName(name))
}

func passesThrough(chain []string, edge string) bool {
	return edge != "" && slices.Contains(chain, edge)
}

func addresses(records []dns.RR) []netip.Addr {
	var addrs []netip.Addr
	for _, rr := range records {
		var ip net.IP
		switch rr := rr.(type) {
		case *dns.A:
			ip = rr.A
		case *dns.AAAA:
			ip = rr.AAAA
		}
		if a, ok := netip.AddrFromSlice(ip); ok {
			addrs = append(addrs, a.Unmap())
		}
	}
	return addrs
}

func describeChain(name string, chain []string) string {
	links := []string{"CNAME " + displayName(name)}
	for _, c := range chain {
		links = append(links, displayName(c))
	}
	return strings.Join(links, " -> ")
}

func describeAddresses(name string, chain []string, addrs []netip.Addr) string {
	list := make([]string, len(addrs))
	for i, a := range addrs {
		list[i] = a.String()
	}
	detail := "addresses of " + displayName(name) + ": " + strings.Join(list, ", ")
	if len(chain) > 0 {
		detail = describeChain(name, chain) + "; " + detail
	}
	return detail
}

func quoteAll(values []string) string {
	quoted := make([]string, len(values))
	for i, s := range values {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(quoted, ", ")
}

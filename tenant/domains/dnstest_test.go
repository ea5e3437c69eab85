package domains

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"

	"marquee/tenant/domains/dnstest"
)

// serverMode is how the test DNS server behaves.
type serverMode int

const (
	answerQueries serverMode = iota // answer from the zone
	failQueries                     // answer SERVFAIL to everything
	ignoreQueries                   // never answer (the client times out)
)

// seenQuery is one query the test server received.
type seenQuery struct {
	Name    string
	Type    uint16
	Net     string // "udp" or "tcp"
	Recurse bool   // recursion desired was set
}

// testDNS is a DNS server on 127.0.0.1 (UDP and TCP on the same port)
// answering from an in-memory zone, the way a recursive resolver with a
// complete view of the world would: names missing from the zone do not
// exist (NXDOMAIN), and a CNAME is followed inside the zone. With chase
// off it answers like an authoritative server whose CNAME targets are in
// other zones: the CNAME alone, and the client must ask for the target.
type testDNS struct {
	Addr string

	mu      sync.Mutex
	zone    map[string][]dns.RR // by canonical owner name
	mode    serverMode
	chase   bool
	queries []seenQuery
}

// startDNS serves zone, given in zone-file syntax with "." as origin (so
// "shop.acme.org 60 IN CNAME edge.marquee.example" needs no final dots),
// until the test ends.
func startDNS(t *testing.T, zone string) *testDNS {
	t.Helper()
	s := &testDNS{chase: true}
	s.SetZone(t, zone)
	pc, l := listenUDPAndTCP(t)
	s.Addr = pc.LocalAddr().String()
	serve(t, &dns.Server{PacketConn: pc, Handler: s})
	serve(t, &dns.Server{Listener: l, Handler: s})
	return s
}

// SetZone replaces the records the server answers from.
func (s *testDNS) SetZone(t *testing.T, zone string) {
	t.Helper()
	// Lines are trimmed first: a leading blank means "same owner as the
	// previous line" in zone files, and the tests indent their zones.
	lines := strings.Split(zone, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	records := map[string][]dns.RR{}
	zp := dns.NewZoneParser(strings.NewReader(strings.Join(lines, "\n")), ".", "")
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		name := dns.CanonicalName(rr.Header().Name)
		records[name] = append(records[name], rr)
	}
	if err := zp.Err(); err != nil {
		t.Fatalf("test zone: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.zone = records
}

// SetMode switches between answering, SERVFAIL and silence.
func (s *testDNS) SetMode(m serverMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mode = m
}

// SetChase turns the following of CNAMEs inside the zone on or off.
func (s *testDNS) SetChase(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chase = on
}

// Queries returns the queries received so far.
func (s *testDNS) Queries() []seenQuery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenQuery(nil), s.queries...)
}

// ServeDNS implements dns.Handler.
func (s *testDNS) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
	network := w.LocalAddr().Network()
	s.mu.Lock()
	mode := s.mode
	for _, q := range r.Question {
		s.queries = append(s.queries, seenQuery{dns.CanonicalName(q.Name), q.Qtype, network, r.RecursionDesired})
	}
	reply := s.answer(r)
	s.mu.Unlock()

	switch mode {
	case ignoreQueries:
		return
	case failQueries:
		reply = new(dns.Msg)
		reply.SetRcode(r, dns.RcodeServerFailure)
	}
	if network == "udp" {
		reply.Truncate(udpSize(r))
	}
	_ = w.WriteMsg(reply)
}

// answer builds the reply to r from the zone; s.mu is held.
func (s *testDNS) answer(r *dns.Msg) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.RecursionAvailable = true
	if len(r.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		return m
	}
	qtype := r.Question[0].Qtype
	name := dns.CanonicalName(r.Question[0].Name)
	// Bounded, so that a CNAME loop in a test zone ends.
	for range 16 {
		rrs := s.zone[name]
		if found := ofType(rrs, qtype); len(found) > 0 {
			m.Answer = append(m.Answer, found...)
			return m
		}
		cname := ofType(rrs, dns.TypeCNAME)
		if len(cname) == 0 {
			break
		}
		m.Answer = append(m.Answer, cname[0])
		name = dns.CanonicalName(cname[0].(*dns.CNAME).Target)
		if !s.chase || !s.exists(name) {
			// An authoritative server stops at a target outside its
			// zones and leaves the rest to the resolver.
			return m
		}
	}
	if !s.exists(name) {
		m.Rcode = dns.RcodeNameError
	}
	return m
}

// exists reports whether name has records or names below it (an empty
// non-terminal exists: NODATA, not NXDOMAIN); s.mu is held.
func (s *testDNS) exists(name string) bool {
	if len(s.zone[name]) > 0 {
		return true
	}
	for owner := range s.zone {
		if strings.HasSuffix(owner, "."+name) {
			return true
		}
	}
	return false
}

func ofType(rrs []dns.RR, qtype uint16) []dns.RR {
	var found []dns.RR
	for _, rr := range rrs {
		if rr.Header().Rrtype == qtype {
			found = append(found, dns.Copy(rr))
		}
	}
	return found
}

// udpSize is the largest UDP reply the client accepts (RFC 6891).
func udpSize(r *dns.Msg) int {
	if opt := r.IsEdns0(); opt != nil {
		return int(opt.UDPSize())
	}
	return dns.MinMsgSize
}

// listenUDPAndTCP binds a UDP socket and a TCP listener on the same
// loopback port, as a DNS server has them, so that a truncated UDP answer
// can be asked again over TCP at the same address.
func listenUDPAndTCP(t *testing.T) (net.PacketConn, net.Listener) {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			return pc, l
		}
		pc.Close() // the TCP port is taken: try another pair
	}
	t.Fatal("no free UDP and TCP port pair on 127.0.0.1")
	return nil, nil
}

// serve runs srv until the test ends.
func serve(t *testing.T, srv *dns.Server) {
	t.Helper()
	started := make(chan struct{})
	done := make(chan error, 1)
	srv.NotifyStartedFunc = func() { close(started) }
	go func() { done <- srv.ActivateAndServe() }()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("dns server: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Shutdown(); err != nil {
			t.Errorf("dns server shutdown: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("dns server: %v", err)
		}
	})
}

// closedPort returns a loopback UDP address nothing listens on: queries
// sent there are refused (ICMP port unreachable).
func closedPort(t *testing.T) string { return dnstest.Unanswered(t) }

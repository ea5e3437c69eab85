// Package dnstest is a real DNS server for tests: authoritative on
// 127.0.0.1, answering from a zone the test writes in master-file syntax
// and may change while it runs. Custom-domain verification is tested
// against it through the real resolver code, in every package that needs
// one.
package dnstest

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// Zone is an authoritative DNS server on 127.0.0.1 answering from a zone
// in master-file syntax that a test can change.
type Zone struct {
	// Addr is the server's host:port (UDP), for DNS_RESOLVER or a Verifier.
	Addr string

	mu  sync.Mutex
	rrs []dns.RR
}

// Start serves zone until the test ends.
func Start(t testing.TB, zone string) *Zone {
	t.Helper()
	z := &Zone{}
	z.Set(t, zone)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	z.Addr = pc.LocalAddr().String()
	srv := &dns.Server{PacketConn: pc, Handler: z}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return z
}

// Set replaces the records the server answers from.
func (z *Zone) Set(t testing.TB, zone string) {
	t.Helper()
	var rrs []dns.RR
	for _, line := range strings.Split(strings.TrimSpace(zone), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		rr, err := dns.NewRR(line)
		if err != nil {
			t.Fatalf("zone line %q: %v", line, err)
		}
		rrs = append(rrs, rr)
	}
	z.mu.Lock()
	z.rrs = rrs
	z.mu.Unlock()
}

// ServeDNS answers records of the asked name and type, following CNAMEs
// inside the zone as a resolver would; NXDOMAIN for names it has nothing for.
func (z *Zone) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
	z.mu.Lock()
	defer z.mu.Unlock()
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	q := r.Question[0]
	name, known := q.Name, false
	for hops := 0; hops < 8; hops++ {
		var cname string
		for _, rr := range z.rrs {
			if !strings.EqualFold(rr.Header().Name, name) {
				continue
			}
			known = true
			if rr.Header().Rrtype == q.Qtype {
				m.Answer = append(m.Answer, rr)
			} else if c, ok := rr.(*dns.CNAME); ok {
				m.Answer = append(m.Answer, rr)
				cname = c.Target
			}
		}
		if cname == "" {
			break
		}
		name = cname
	}
	if !known {
		m.Rcode = dns.RcodeNameError
	}
	_ = w.WriteMsg(m)
}

// Unanswered is a loopback UDP address nothing listens on: queries sent
// there are refused at once (ICMP port unreachable), so a test that
// checks no custom domain never asks a real resolver.
func Unanswered(t testing.TB) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

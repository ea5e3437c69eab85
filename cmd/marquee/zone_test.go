package main

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// zoneServer is an authoritative DNS server on 127.0.0.1 answering from a
// zone in master-file syntax that a test can change.
type zoneServer struct {
	mu   sync.Mutex
	rrs  []dns.RR
	addr string
}

func startZoneServer(t *testing.T, zone string) *zoneServer {
	t.Helper()
	z := &zoneServer{}
	z.set(t, zone)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	z.addr = pc.LocalAddr().String()
	srv := &dns.Server{PacketConn: pc, Handler: z}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return z
}

func (z *zoneServer) set(t *testing.T, zone string) {
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
func (z *zoneServer) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
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

func (s *testServer) tenantID(slug string) (id [16]byte) {
	s.t.Helper()
	t, err := s.db.TenantBySlug(context.Background(), slug)
	if err != nil {
		s.t.Fatal(err)
	}
	return t.ID
}

package edge_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/caddyserver/certmagic"
	"github.com/libdns/libdns"
	"github.com/miekg/dns"
)

// fakeDNS is a DNS provider that keeps its records in memory (libdns's
// interfaces, as certmagic's DNS-01 solver uses them) and a real DNS
// server on loopback that answers from them: the SOA of its zone, the TXT
// records the provider holds, and 127.0.0.1 for every name, so that Pebble
// reaches the tests' listeners.
type fakeDNS struct {
	zone string // "shop.test."
	Addr string // the server's "127.0.0.1:port"

	mu       sync.Mutex
	txt      map[string][]string // absolute name → values
	appended int
}

var _ certmagic.DNSProvider = (*fakeDNS)(nil)

func startDNS(t testing.TB, zone string) *fakeDNS {
	t.Helper()
	f := &fakeDNS{zone: dns.Fqdn(zone), txt: map[string][]string{}}
	pc, ln := listenUDPAndTCP(t)
	f.Addr = pc.LocalAddr().String()
	// certmagic asks over UDP, Pebble over TCP
	for _, srv := range []*dns.Server{{PacketConn: pc, Handler: f}, {Listener: ln, Handler: f}} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		go srv.ActivateAndServe()
		<-started
		t.Cleanup(func() { srv.Shutdown() })
	}
	return f
}

// listenUDPAndTCP listens on one loopback port for both.
func listenUDPAndTCP(t testing.TB) (net.PacketConn, net.Listener) {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln
		}
		pc.Close()
	}
	t.Fatal("no loopback port free for both UDP and TCP")
	return nil, nil
}

func (f *fakeDNS) AppendRecords(_ context.Context, zone string, recs []libdns.Record) ([]libdns.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range recs {
		rr := r.RR()
		name := dns.Fqdn(libdns.AbsoluteName(rr.Name, zone))
		f.txt[name] = append(f.txt[name], rr.Data)
		f.appended++
	}
	return recs, nil
}

func (f *fakeDNS) DeleteRecords(_ context.Context, zone string, recs []libdns.Record) ([]libdns.Record, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range recs {
		rr := r.RR()
		name := dns.Fqdn(libdns.AbsoluteName(rr.Name, zone))
		var kept []string
		for _, v := range f.txt[name] {
			if v != rr.Data {
				kept = append(kept, v)
			}
		}
		f.txt[name] = kept
	}
	return recs, nil
}

// counts is how many records were ever added, and how many are left.
func (f *fakeDNS) counts() (appended, left int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, v := range f.txt {
		left += len(v)
	}
	return f.appended, left
}

func (f *fakeDNS) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	resp := new(dns.Msg)
	resp.SetReply(req)
	resp.Authoritative = true
	for _, q := range req.Question {
		name := strings.ToLower(q.Name)
		hdr := dns.RR_Header{Name: q.Name, Class: dns.ClassINET, Rrtype: q.Qtype, Ttl: 1}
		switch q.Qtype {
		case dns.TypeSOA:
			if name == f.zone {
				resp.Answer = append(resp.Answer, &dns.SOA{Hdr: hdr, Ns: "ns." + f.zone, Mbox: "ops." + f.zone, Serial: 1, Refresh: 60, Retry: 60, Expire: 60, Minttl: 1})
			}
		case dns.TypeA:
			resp.Answer = append(resp.Answer, &dns.A{Hdr: hdr, A: net.IPv4(127, 0, 0, 1)})
		case dns.TypeTXT:
			f.mu.Lock()
			for _, v := range f.txt[name] {
				resp.Answer = append(resp.Answer, &dns.TXT{Hdr: hdr, Txt: []string{v}})
			}
			f.mu.Unlock()
		}
	}
	w.WriteMsg(resp)
}

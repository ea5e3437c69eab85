package webhooks_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/net/dns/dnsmessage"

	"marquee/storefront/webhooks"
	"marquee/storefront/webhooks/webhooktest"
)

func TestPublicAddrRefusesWhatAWebhookMustNotReach(t *testing.T) {
	for addr, public := range map[string]bool{
		"127.0.0.1": false, "127.8.9.10": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false,
		"192.168.1.1": false, "169.254.169.254": false, "fe80::1": false, "100.64.0.1": false, "100.127.255.254": false,
		"0.0.0.0": false, "::": false, "224.0.0.1": false, "ff02::1": false, "255.255.255.255": false, "fd00::1": false,
		"::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "::127.0.0.1": false, "64:ff9b::a00:1": false, "2002:7f00:1::": false,
		"198.18.0.1": false, "192.0.2.1": false, "240.0.0.1": false,
		"93.184.216.34": true, "2606:2800:220:1:248:1893:25c8:1946": true, "8.8.8.8": true, "100.128.0.1": true,
	} {
		if got := webhooks.PublicAddr(netip.MustParseAddr(addr)); got != public {
			t.Errorf("PublicAddr(%s) = %v, want %v", addr, got, public)
		}
	}
}

// dnsServer answers every A question with 127.0.0.1 (and AAAA with
// nothing), on 127.0.0.1: the test's own name server.
func dnsServer(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			h, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionAvailable: true})
			_ = b.StartQuestions()
			_ = b.Question(q)
			_ = b.StartAnswers()
			if q.Type == dnsmessage.TypeA {
				_ = b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}, dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}})
			}
			msg, err := b.Finish()
			if err == nil {
				_, _ = pc.WriteTo(msg, from)
			}
		}
	}()
	return pc.LocalAddr().String()
}

// resolverVia looks every name up at the name server addr.
func resolverVia(addr string) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "udp", addr)
	}}
}

// TestAPrivateEndpointIsRefusedOutsideTestMode: outside test mode a
// delivery to a name that resolves to 127.0.0.1 is refused when
// connecting (nothing reaches the receiver listening there), as is one to
// the address itself; allowed, the same name reaches the receiver (the
// control).
func TestAPrivateEndpointIsRefusedOutsideTestMode(t *testing.T) {
	secret := webhooks.NewSecret()
	rcv := webhooktest.Start(t, secret)
	resolver := resolverVia(dnsServer(t))
	port := rcv.URL()[strings.LastIndex(rcv.URL(), ":")+1:] // PORT/hook
	byName := "http://crm.hooks-test.example:" + port
	if addrs, err := resolver.LookupHost(context.Background(), "crm.hooks-test.example"); err != nil || len(addrs) != 1 || addrs[0] != "127.0.0.1" {
		t.Fatalf("the test's name server answered %v %v, want 127.0.0.1", addrs, err)
	}
	out := webhooks.Outgoing{MessageID: uuid.New(), Type: webhooks.OrderPlaced, Payload: []byte(`{"number":"X"}`), At: time.Now(), Secrets: []string{secret}}
	for _, url := range []string{byName, rcv.URL(), strings.Replace(rcv.URL(), "127.0.0.1", "[::ffff:127.0.0.1]", 1)} {
		out.URL = url
		a := webhooks.NewSender(false, resolver).Send(context.Background(), out, time.Now())
		if a.Succeeded || a.StatusCode != 0 || !strings.Contains(a.Error, webhooks.ErrPrivateAddress.Error()) {
			t.Errorf("%s outside test mode: %+v, want refused as a private address", url, a)
		}
	}
	if n := len(rcv.Accepted()) + rcv.Refused(); n != 0 {
		t.Fatalf("the receiver got %d requests, want none", n)
	}
	out.URL = byName
	if a := webhooks.NewSender(true, resolver).Send(context.Background(), out, time.Now()); !a.Succeeded || a.StatusCode != 204 {
		t.Fatalf("allowed: %+v, want 204", a)
	}
	if got := rcv.Accepted(); len(got) != 1 || string(got[0].Data) != `{"number":"X"}` {
		t.Fatalf("accepted %+v, want the one message", got)
	}
}

func TestControlRefusesAnUnparsableAddress(t *testing.T) {
	if err := webhooks.Control("tcp", "not-an-address", nil); !errors.Is(err, webhooks.ErrPrivateAddress) {
		t.Fatalf("Control = %v, want ErrPrivateAddress", err)
	}
	if err := webhooks.Control("tcp", "93.184.216.34:443", nil); err != nil {
		t.Fatalf("Control on a public address = %v", err)
	}
}

func TestCheckURL(t *testing.T) {
	for url, field := range map[string]string{
		"https://crm.example.com/hooks": "", "http://crm.example.com/hooks": "url", "ftp://crm.example.com": "url",
		"https://user:pw@crm.example.com/": "url", "https://127.0.0.1/": "url", "https://localhost/": "url",
		"https://[::1]/": "url", "https://10.0.0.5/": "url", "https:///path": "url", "": "url", "crm.example.com": "url",
	} {
		err := webhooks.CheckURL(url, false)
		if (field == "") != (err == nil) {
			t.Errorf("CheckURL(%q) = %v, want refused: %v", url, err, field != "")
		}
	}
	if err := webhooks.CheckURL("http://127.0.0.1:8080/hook", true); err != nil {
		t.Errorf("allowed private: %v", err)
	}
}

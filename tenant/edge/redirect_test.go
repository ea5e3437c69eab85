package edge_test

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"marquee/tenant/edge"
	"marquee/tenant/edge/pebbletest"
)

func TestPort80RedirectsServedNamesOnly(t *testing.T) {
	ca := newCA(t)
	_, database := newDatabase(t)
	storage := newStorage(t, database)
	r := startEdge(t, ca, storage, allow("devcon.shop.test"), replicaOptions{})
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	for _, tc := range []struct {
		rule, method, host, target string
		status                     int
		location                   string
	}{
		{"a served name is sent to https with its path and query", "GET", "devcon.shop.test", "/orders/42?lang=fr&q=a%20b", http.StatusPermanentRedirect, "https://devcon.shop.test/orders/42?lang=fr&q=a%20b"},
		{"the port is dropped and the name normalised", "GET", "DevCon.Shop.Test:80", "/", http.StatusPermanentRedirect, "https://devcon.shop.test/"},
		{"a form post keeps its method through a 308", "POST", "devcon.shop.test", "/checkout", http.StatusPermanentRedirect, "https://devcon.shop.test/checkout"},
		{"an escaped path stays escaped", "GET", "devcon.shop.test", "/a%2Fb//c", http.StatusPermanentRedirect, "https://devcon.shop.test/a%2Fb//c"},
		{"a name the platform does not serve is not redirected", "GET", "evil.example", "/", http.StatusNotFound, ""},
		{"an unknown event is not redirected", "GET", "nobody.shop.test", "/x?y=1", http.StatusNotFound, ""},
		{"an IP address is not a name", "GET", "127.0.0.1", "/", http.StatusBadRequest, ""},
		{"a malformed name is refused", "GET", "devcon..shop.test", "/", http.StatusBadRequest, ""},
		{"a challenge for a name not served is not answered", "GET", "nobody.shop.test", "/.well-known/acme-challenge/abc", http.StatusNotFound, ""},
		{"a challenge nobody started is not found", "GET", "devcon.shop.test", "/.well-known/acme-challenge/abc", http.StatusNotFound, ""},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, "http://"+r.HTTP+tc.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = tc.host
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.location {
				t.Errorf("%s http://%s%s: %d, Location %q; want %d, %q", tc.method, tc.host, tc.target, resp.StatusCode, resp.Header.Get("Location"), tc.status, tc.location)
			}
		})
	}
	if n := ca.Orders(); n != 0 {
		t.Errorf("%d orders placed by port 80, want 0", n)
	}
	if w := storage.writes.Load(); w != 0 {
		t.Errorf("port 80 wrote to storage %d times, want 0", w)
	}
}

func TestPort80FallbackServesNamesNotServed(t *testing.T) {
	e, err := edge.New(edge.Config{
		Storage: newStorage(t, nil),
		Allow:   allow("devcon.shop.test").Allow,
		Logger:  testLogger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	fallback := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	srv := &http.Server{Handler: e.HTTPHandler(fallback), ErrorLog: discardLog}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/", nil)
	req.Host = "elsewhere.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot {
		t.Errorf("status %d, want the fallback's %d", resp.StatusCode, http.StatusTeapot)
	}
}

// TestAChallengeIsAnsweredByTheReplicaTheCAReaches runs a real HTTP-01
// validation: Pebble resolves the name through a loopback DNS server and
// fetches the challenge from port 80 of another replica, a separate
// process, which finds the token in Postgres. The replica obtaining the
// certificate never listens on that port (certmagic finds it taken and
// leaves the challenge to whoever holds it), so only the other replica's
// HTTPHandler can have answered.
func TestAChallengeIsAnsweredByTheReplicaTheCAReaches(t *testing.T) {
	const name = "devcon.shop.test"
	dns := startDNS(t, "shop.test")
	ports, err := pebbletest.FreePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	otherHTTP := fmt.Sprintf("127.0.0.1:%d", ports[0])
	validating := pebbletest.New(t, pebbletest.Options{Validate: true, HTTPPort: ports[0], TLSPort: ports[1], DNSServer: dns.Addr})
	ca := pebbletest.NewCA(t, validating)
	dbInfo, database := newDatabase(t)
	startReplica(t, replicaConfig{
		DatabaseURL: dbInfo.OwnerURL,
		CA:          ca.URL,
		CARootsPEM:  string(ca.RootsPEM),
		Allow:       []string{name},
		HTTPAddr:    otherHTTP,
	})
	here := startEdge(t, ca, newStorage(t, database), allow(name), replicaOptions{config: func(c *edge.Config) {
		c.HTTPPort = ports[0] // the load balancer's port 80 leads to the other replica
		c.DisableTLSALPN = true
	}})

	leaf, err := handshake(within(t, 2*time.Minute), here.HTTPS, name, ca.Issued)
	if err != nil {
		t.Fatalf("handshake (the CA validates http://%s/.well-known/acme-challenge/…): %v", otherHTTP, err)
	}
	if !strings.Contains(strings.Join(leaf.DNSNames, ","), name) {
		t.Errorf("certificate for %v, want %s", leaf.DNSNames, name)
	}
	if n := ca.Orders(); n != 1 {
		t.Errorf("%d orders placed, want 1", n)
	}
}

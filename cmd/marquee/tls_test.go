package main

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"marquee/tenant"
	"marquee/tenant/domains/dnstest"
	"marquee/tenant/edge"
)

func TestACMEServesANewEventOverHTTPS(t *testing.T) {
	s := startACMEServer(t, defaultConfig())
	token, _, err := s.db.CreateAPIToken(context.Background(), "ops", []string{"events:read", "events:write"})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.api(t, http.MethodGet, "/api/v1/events", token, ""); r.status != 200 {
		t.Fatalf("the API on the console over HTTPS: %d %v", r.status, r.body)
	}
	ordersBefore := s.ca.Orders() // the console's own certificate
	if ordersBefore != 1 {
		t.Errorf("%d orders for the console, want 1", ordersBefore)
	}
	waitFor(t, 10*time.Second, func() bool { // the metrics count it
		return value(metricsOf(t, s.p), "marquee_certificates_total", "result", "obtained") >= 1
	})

	r := s.api(t, http.MethodPost, "/api/v1/events", token, `{"slug":"berlin","name":"Berlin 2027","locales":["en"],"currency":"EUR"}`)
	if r.status != 201 {
		t.Fatalf("create: %d %v", r.status, r.body)
	}
	created := time.Now()
	const host = "berlin." + testBase
	// a new event is served within seconds; the bound is generous for a
	// loaded machine running -race
	pg := s.getWhenServed(t, 15*time.Second, host, "/")
	t.Logf("https://%s/ served %v after the event was created", host, time.Since(created).Round(time.Millisecond))

	leaf := s.servedCertificate(t, pg, host)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(pg.body))
	if err != nil {
		t.Fatal(err)
	}
	if title := strings.TrimSpace(doc.Find("title").Text()); title != "Berlin 2027" {
		t.Errorf("title %q, want the event's name", title)
	}
	if got := pg.Header.Get("Strict-Transport-Security"); got != edge.HSTS {
		t.Errorf("Strict-Transport-Security %q, want %q", got, edge.HSTS)
	}
	if _, err := s.get(host, "/"); err != nil {
		t.Errorf("second request: %v", err)
	}
	if n := s.ca.Orders() - ordersBefore; n != 1 {
		t.Errorf("%d orders for %s, want 1", n, host)
	}

	t.Run("tenant show reads the certificate from the database", func(t *testing.T) {
		roots := filepath.Join(t.TempDir(), "pebble-roots.pem")
		if err := os.WriteFile(roots, s.ca.RootsPEM, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := cli(t, map[string]string{"TLS": "acme", "ACME_CA": s.ca.URL, "ACME_CA_ROOTS": roots,
			"DATABASE_URL": s.database.OwnerURL, "BASE_DOMAIN": testBase}, "tenant", "show", "berlin")
		if err != nil {
			t.Fatal(err)
		}
		want := "certificate: valid, expires " + leaf.NotAfter.UTC().Format(time.DateTime)
		if line := firstLineWith(out, "subdomain"); !strings.Contains(line, host) || !strings.HasSuffix(line, want) {
			t.Errorf("tenant show: subdomain line %q, want %s with %q\n%s", line, host, want, out)
		}
	})
}

func TestACMERefusesNamesOfNoActiveEventWithoutAskingTheCA(t *testing.T) {
	s := startACMEServer(t, defaultConfig())
	ts := s.asTestServer(t)
	ts.event("devcon", tenant.StatusActive, blue)
	ts.event("closed", tenant.StatusSuspended, blue)
	ts.settle()
	// a name that is served first, so that storage holds an account and a
	// certificate whose rows must stay as they are
	s.getWhenServed(t, 30*time.Second, "devcon."+testBase, "/")
	orders, rows := s.ca.Orders(), s.storedRows(t)
	if orders != 1 || rows == 0 {
		t.Fatalf("after serving devcon: %d orders, %d stored rows; want 1 and some", orders, rows)
	}

	for _, tc := range []struct{ rule, host string }{
		{"an unknown subdomain is refused", "nobody." + testBase},
		{"a suspended event's subdomain is refused", "closed." + testBase},
		{"someone else's domain is refused", "www.example.org"},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			_, err := s.get(tc.host, "/")
			if err == nil || !strings.Contains(err.Error(), refusedAlert) {
				t.Fatalf("GET https://%s/: %v, want a handshake failing with %q", tc.host, err, refusedAlert)
			}
		})
	}
	if n := s.ca.Orders(); n != orders {
		t.Errorf("%d orders after the refused names, want still %d", n, orders)
	}
	if n := s.storedRows(t); n != rows {
		t.Errorf("%d rows in certmagic_data after the refused names, want still %d", n, rows)
	}
}

func TestACMEServesACustomDomainOnceVerified(t *testing.T) {
	const host = "shop.devcon.org"
	zone := dnstest.Start(t, "")
	cfg := defaultConfig()
	cfg.DNSResolver = zone.Addr
	s := startACMEServer(t, cfg)
	ts := s.asTestServer(t)
	ctx := context.Background()
	ts.event("devcon", tenant.StatusActive, blue)
	token, _, err := s.db.CreateAPIToken(ctx, "ops", []string{"events:read", "domains:write"})
	if err != nil {
		t.Fatal(err)
	}
	if r := s.api(t, http.MethodPost, "/api/v1/events/devcon/domains", token, `{"hostname": "`+host+`"}`); r.status != 201 {
		t.Fatalf("add: %d %v", r.status, r.body)
	}
	ts.settle()
	orders := s.ca.Orders() // the console's

	if _, err := s.get(host, "/"); err == nil || !strings.Contains(err.Error(), refusedAlert) {
		t.Fatalf("before verification: %v, want a handshake failing with %q", err, refusedAlert)
	}
	if n := s.ca.Orders(); n != orders {
		t.Fatalf("before verification: %d orders, want %d", n, orders)
	}

	d, err := s.db.Domain(ctx, ts.tenantID("devcon"), host)
	if err != nil {
		t.Fatal(err)
	}
	zone.Set(t, `_marquee-challenge.`+host+`. 60 IN TXT "`+d.Token+`"
`+host+`. 60 IN CNAME edge.`+testBase+`.`)
	r := s.api(t, http.MethodPost, "/api/v1/events/devcon/domains/"+host+"/verify", token, "")
	if dom, _ := r.body["domain"].(map[string]any); r.status != 200 || dom["state"] != "verified" {
		t.Fatalf("verify: %d %v", r.status, r.body)
	}
	pg := s.getWhenServed(t, 30*time.Second, host, "/")
	s.servedCertificate(t, pg, host)
	if n := s.ca.Orders() - orders; n != 1 {
		t.Errorf("%d orders for %s, want 1", n, host)
	}
}

func TestPort80WithACMERedirectsServedNamesAndAnswersProbes(t *testing.T) {
	s := startACMEServer(t, defaultConfig())
	ts := s.asTestServer(t)
	ts.event("devcon", tenant.StatusActive, blue)
	ts.settle()
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	t.Cleanup(client.CloseIdleConnections)

	for _, tc := range []struct {
		rule, host, target string
		status             int
		location, body     string
	}{
		{"an event's subdomain is sent to https with its path and query", "devcon." + testBase, "/path?q=1", http.StatusPermanentRedirect, "https://devcon." + testBase + "/path?q=1", ""},
		{"an unknown name is not found", "nobody." + testBase, "/path?q=1", http.StatusNotFound, "", ""},
		{"the health probe answers on any host", "127.0.0.1", "/healthz", http.StatusOK, "", "ok\n"},
		{"the readiness probe answers with the database up", "10.0.0.7", "/readyz", http.StatusOK, "", "ok\n"},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, "http://"+s.http+tc.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = tc.host
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status || res.Header.Get("Location") != tc.location || (tc.body != "" && string(body) != tc.body) {
				t.Errorf("GET http://%s%s: %d, Location %q, body %q; want %d, %q, %q",
					tc.host, tc.target, res.StatusCode, res.Header.Get("Location"), body, tc.status, tc.location, tc.body)
			}
		})
	}
	if n := s.ca.Orders(); n != 0 {
		t.Errorf("port 80 placed %d orders, want 0", n)
	}
}

func TestTLSChallengesAreLeftToThePlatformsOwnListeners(t *testing.T) {
	for _, tc := range []struct {
		rule, httpAddr, httpsAddr string
		host                      string
		httpPort, httpsPort       int
	}{
		{"the defaults are ports 80 and 443 on every interface", ":80", ":443", "", 80, 443},
		{"forwarded ports are where certmagic looks", ":8080", ":8443", "", 8080, 8443},
		{"one address for both is where certmagic looks", "127.0.0.1:8080", "127.0.0.1:8443", "127.0.0.1", 8080, 8443},
		{"two addresses leave every interface", "10.0.0.1:80", "10.0.0.2:443", "", 80, 443},
		{"a named port leaves edge's default", ":http", ":https", "", 0, 0},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			host, httpPort, httpsPort := challengeListeners(TLSConfig{HTTPAddr: tc.httpAddr, HTTPSAddr: tc.httpsAddr})
			if host != tc.host || httpPort != tc.httpPort || httpsPort != tc.httpsPort {
				t.Errorf("challengeListeners(%q, %q) = %q, %d, %d; want %q, %d, %d",
					tc.httpAddr, tc.httpsAddr, host, httpPort, httpsPort, tc.host, tc.httpPort, tc.httpsPort)
			}
		})
	}
}

// TestHandshakesWithoutARequestAreNotLoggedAsErrors opens TLS connections
// that complete their handshake and close without sending a request, in
// the three ways a client (or a scanner) leaves: with close_notify,
// without it, and with a reset. None is a server error: nothing may be
// logged at level ERROR (it was a 502 each, an alert flood anyone could
// cause).
func TestHandshakesWithoutARequestAreNotLoggedAsErrors(t *testing.T) {
	s := startACMEServer(t, defaultConfig())
	host := "console." + testBase
	s.getWhenServed(t, 15*time.Second, host, "/login") // its certificate is there
	leaves := map[string]func(tc *tls.Conn, raw *net.TCPConn){
		"with close_notify":    func(tc *tls.Conn, _ *net.TCPConn) { tc.Close() },
		"without close_notify": func(_ *tls.Conn, raw *net.TCPConn) { raw.Close() },
		"with a reset":         func(_ *tls.Conn, raw *net.TCPConn) { _ = raw.SetLinger(0); raw.Close() },
	}
	handshakes := 0
	for how, leave := range leaves {
		for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
			for range 5 {
				conn, err := net.Dial("tcp", s.https)
				if err != nil {
					t.Fatal(err)
				}
				tc := tls.Client(conn, &tls.Config{ServerName: host, RootCAs: s.ca.Issued, MaxVersion: version})
				_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
				if err := tc.Handshake(); err != nil {
					t.Fatalf("handshake (%s): %v", how, err)
				}
				leave(tc, conn.(*net.TCPConn))
				handshakes++
			}
		}
	}
	time.Sleep(500 * time.Millisecond) // the server notices every close
	var errors []string
	for _, line := range strings.Split(s.logs.String(), "\n") {
		if strings.Contains(line, "level=ERROR") || strings.Contains(line, "status=502") {
			errors = append(errors, line)
		}
	}
	if len(errors) > 0 {
		t.Fatalf("%d error lines for %d handshakes without a request; first: %s", len(errors), handshakes, errors[0])
	}
}

package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant"
	"marquee/tenant/edge"
	"marquee/tenant/edge/pebbletest"
)

// refusedAlert is how a name the platform does not serve reaches a client:
// the on-demand decision fails the handshake with an internal_error alert.
const refusedAlert = "tls: internal error"

// acmeServer is marquee serve with TLS=acme on 127.0.0.1 against a fresh
// database: HTTPS with certificates from a Pebble of its own, reached
// through a proxy that counts the orders, and port 80's listener beside it.
type acmeServer struct {
	tb       testing.TB
	p        *platform
	db       *db.DB
	database *dbtest.Database
	ca       *pebbletest.CA
	https    string        // the HTTPS listener, "127.0.0.1:port"
	http     string        // port 80's stand-in
	client   *http.Client  // HTTPS to any host, dialled to the HTTPS listener; trusts what Pebble issues
	logs     *lockedBuffer // the server's log (text)
}

// startACMEServer wires the platform as serveWithACME does and serves it
// until the test ends.
func startACMEServer(tb testing.TB, cfg Config) *acmeServer {
	tb.Helper()
	ca := pebbletest.NewCA(tb, pebbletest.New(tb, pebbletest.Options{}))
	d := dbtest.New(tb)
	database := d.Open(tb, db.Options{})
	httpLn, httpsLn := listenLoopback(tb), listenLoopback(tb)
	cfg.DatabaseURL, cfg.BaseDomain = d.OwnerURL, testBase
	cfg.SecretKey = []byte("test secret key, 32 bytes or more..")
	cfg.MediaDir = tb.TempDir()
	cfg.Workers = 0 // no email jobs in these tests
	if cfg.DNSResolver == "" {
		// a test never asks a real resolver: nothing listens here
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		cfg.DNSResolver = pc.LocalAddr().String()
		pc.Close()
	}
	cfg.ShutdownTimeout = 5 * time.Second
	cfg.DrainDelay = 0
	cfg.TLS = TLSConfig{Mode: "acme", CA: ca.URL, Roots: ca.Roots, Email: "ops@" + testBase,
		HTTPAddr: httpLn.Addr().String(), HTTPSAddr: httpsLn.Addr().String()}
	if err := cfg.TLS.validate(); err != nil {
		tb.Fatal(err)
	}
	logTo := io.Discard
	if os.Getenv("TEST_SERVER_LOG") != "" {
		logTo = os.Stderr
	}
	logs := &lockedBuffer{}
	p, err := newPlatform(cfg, slog.New(slog.NewTextHandler(io.MultiWriter(logTo, logs), nil)), database)
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.useACME(nil); err != nil {
		tb.Fatal(err)
	}
	s := &acmeServer{tb: tb, p: p, db: database, database: d, ca: ca, logs: logs,
		https: httpsLn.Addr().String(), http: httpLn.Addr().String()}
	s.serve(httpLn, httpsLn)
	s.client = httpsClient(s.https, ca.Issued)
	tb.Cleanup(s.client.CloseIdleConnections)
	return s
}

// listenLoopback is a listener on a free loopback port, closed when the
// test ends (serveACME closes it earlier).
func listenLoopback(tb testing.TB) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	return ln
}

// serve runs serveACME until the test ends and returns once it is ready:
// the directory loaded, both listeners served.
func (s *acmeServer) serve(httpLn, httpsLn net.Listener) {
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() { done <- s.p.serveACME(ctx, httpLn, httpsLn, func() { close(ready) }) }()
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() { cancel(); stopErr = <-done })
		return stopErr
	}
	s.tb.Cleanup(func() {
		if err := stop(); err != nil {
			s.tb.Errorf("server stopped with %v", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		s.tb.Fatalf("serveACME: %v", err)
	case <-time.After(time.Minute):
		s.tb.Fatal("serveACME did not get ready")
	}
}

// httpsClient reaches every host at addr, as a browser would through DNS,
// verifying the server's certificate for the URL's host against roots.
// It does not follow redirects.
func httpsClient(addr string, roots *x509.CertPool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	return &http.Client{
		Timeout:       time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, network, addr)
			},
			// ServerName is the URL's host, as the transport sets it
			TLSClientConfig:     &tls.Config{RootCAs: roots},
			TLSHandshakeTimeout: time.Minute,
		},
	}
}

// asTestServer lets a test use testServer's helpers (event, settle,
// tenantID) on this server's database and platform.
func (s *acmeServer) asTestServer(t *testing.T) *testServer {
	return &testServer{t: t, url: "http://" + s.http, db: s.db, dbURL: s.database.OwnerURL, platform: s.p}
}

// httpsPage is an HTTPS answer: the response (its body read) and the body.
type httpsPage struct {
	*http.Response
	body string
}

// get fetches https://host/path; an error is a failed handshake or request.
func (s *acmeServer) get(host, path string) (*httpsPage, error) {
	res, err := s.client.Get("https://" + host + path)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	return &httpsPage{Response: res, body: string(b)}, nil
}

// getWhenServed fetches https://host/path until it answers 200 (the
// directory learns of new names from notifications, a moment after the
// change), failing the test after within.
func (s *acmeServer) getWhenServed(t testing.TB, within time.Duration, host, path string) *httpsPage {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		pg, err := s.get(host, path)
		if err == nil && pg.StatusCode == http.StatusOK {
			return pg
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("status %d", pg.StatusCode)
			}
			t.Fatalf("https://%s%s not served within %v: %v", host, path, within, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// api calls the provisioning API on the console host over HTTPS.
func (s *acmeServer) api(t *testing.T, method, path, token, body string) apiResponse {
	t.Helper()
	req, err := http.NewRequest(method, "https://console."+testBase+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s over HTTPS: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := apiResponse{status: res.StatusCode, header: res.Header, body: map[string]any{}}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			t.Fatalf("%s %s: not JSON (%d): %s", method, path, res.StatusCode, raw)
		}
	}
	return out
}

// storedRows is the number of rows in certmagic_data (certificates, keys,
// accounts, challenge tokens, recorded failures), read as a superuser.
func (s *acmeServer) storedRows(t testing.TB) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.database.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM certmagic_data").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// servedCertificate checks that pg came over a certificate for exactly
// host that verifies against Pebble's root with the chain sent along, and
// returns it.
func (s *acmeServer) servedCertificate(t *testing.T, pg *httpsPage, host string) *x509.Certificate {
	t.Helper()
	if pg.TLS == nil || len(pg.TLS.PeerCertificates) == 0 {
		t.Fatalf("https://%s answered without a certificate", host)
	}
	leaf := pg.TLS.PeerCertificates[0]
	intermediates := x509.NewCertPool()
	for _, c := range pg.TLS.PeerCertificates[1:] {
		intermediates.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: s.ca.Issued, Intermediates: intermediates}); err != nil {
		t.Errorf("certificate of %s does not verify against Pebble's root: %v", host, err)
	}
	if !slices.Equal(leaf.DNSNames, []string{host}) {
		t.Errorf("certificate for %v, want [%s]", leaf.DNSNames, host)
	}
	return leaf
}

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

// firstLineWith is the first line of out starting with prefix, trimmed.
func firstLineWith(out, prefix string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, prefix) {
			return strings.TrimSpace(line)
		}
	}
	return ""
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
	zone := startZoneServer(t, "")
	cfg := defaultConfig()
	cfg.DNSResolver = zone.addr
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
	zone.set(t, `_marquee-challenge.`+host+`. 60 IN TXT "`+d.Token+`"
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

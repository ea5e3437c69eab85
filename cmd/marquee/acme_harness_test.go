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
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant/edge/pebbletest"
	"marquee/tenant/web/webtest"
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
	cfg.SecretKey = []byte(webtest.SecretKey)
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
	return dbtest.CountRows(t, s.database.AdminURL, "SELECT count(*) FROM certmagic_data")
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

// firstLineWith is the first line of out starting with prefix, trimmed.
func firstLineWith(out, prefix string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, prefix) {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

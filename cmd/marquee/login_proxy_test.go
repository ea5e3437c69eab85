package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	tenantweb "marquee/tenant/web"
)

// loginBalancer is haproxy from Debian's packages in front of s, adding
// X-Forwarded-For as load balancers do (option forwardfor: a header line
// of its own, after any the client sent). It returns haproxy's URL.
func loginBalancer(t *testing.T, s *testServer) string {
	t.Helper()
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		t.Fatal("haproxy is needed for the load-balancer tests: apt-get install haproxy")
	}
	port := freePort(t)
	backend := s.url[len("http://"):]
	cfg := fmt.Sprintf(`global
  maxconn 200
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option forwardfor
frontend staff
  bind 127.0.0.1:%d
  default_backend marquee
backend marquee
  server one %s
`, port, backend)
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-db", "-q", "-f", path)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	waitFor(t, 10*time.Second, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return "http://" + addr
}

// freePort is a TCP port on 127.0.0.1 that nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// staffAt is a console visitor at the loopback address source (all of
// 127.0.0.0/8 is this machine) who reaches the server at base: haproxy's
// URL or the server's own.
func staffAt(s *testServer, base, source string) *shop {
	via := *s
	via.url = base
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(source)}}
	return &shop{s: &via, host: consoleHost, client: &http.Client{Jar: jar,
		Transport:     &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signInSaying posts the login form with extra request headers.
func signInSaying(b *shop, email, password string, headers ...string) *response {
	page := b.do(http.MethodGet, "/login", "", "", headers...)
	csrf, _ := page.doc.Find(`input[name="csrf"]`).Attr("value")
	return b.post("/login", url.Values{"csrf": {csrf}, "email": {email}, "password": {password}}, headers...)
}

// TestLoginThrottlingBehindALoadBalancer signs in through haproxy, which
// is the only trusted proxy: every staff member reaches the server from
// haproxy's address, and is told apart by the X-Forwarded-For it adds.
func TestLoginThrottlingBehindALoadBalancer(t *testing.T) {
	s, _, _ := consoleServerWith(t, func(cfg *Config) {
		cfg.TrustedProxies = tenantweb.Proxies{netip.MustParsePrefix("127.0.0.1/32")}
	})
	lb := loginBalancer(t, s)
	const email, password = "marketing@example.com", "correct horse battery"
	max := s.platform.staff.Policy().MaxFailures

	stranger := staffAt(s, lb, "127.0.0.3")
	for i := range max {
		if r := signInSaying(stranger, email, "a guess "+fmt.Sprint(i)); r.status != http.StatusUnauthorized {
			t.Fatalf("guess %d: status %d, want 401", i+1, r.status)
		}
	}
	t.Run("a stranger behind the balancer is throttled for the account they guess at", func(t *testing.T) {
		if r := signInSaying(stranger, email, password); r.status != http.StatusTooManyRequests {
			t.Fatalf("after %d failures, the right password from the stranger's address: status %d, want 429", max, r.status)
		}
	})
	t.Run("a colleague behind the same balancer signs in with the right password", func(t *testing.T) {
		if r := signInSaying(staffAt(s, lb, "127.0.0.2"), email, password); r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Fatalf("status %d to %q, want 303 to /", r.status, r.header.Get("Location"))
		}
	})
	t.Run("an X-Forwarded-For the client sends through the balancer does not change its address", func(t *testing.T) {
		if r := signInSaying(stranger, email, "one more guess", "X-Forwarded-For", "127.0.0.77"); r.status != http.StatusTooManyRequests {
			t.Fatalf("the stranger claiming another address: status %d, want 429 (their own address is throttled)", r.status)
		}
	})
	t.Run("an X-Forwarded-For from a peer that is no trusted proxy is ignored", func(t *testing.T) {
		// Straight to the server, claiming to be the colleague at 127.0.0.4.
		direct := staffAt(s, s.url, "127.0.0.5")
		for i := range max {
			if r := signInSaying(direct, email, "a guess "+fmt.Sprint(i), "X-Forwarded-For", "127.0.0.4"); r.status != http.StatusUnauthorized {
				t.Fatalf("direct guess %d: status %d, want 401", i+1, r.status)
			}
		}
		if r := signInSaying(direct, email, password, "X-Forwarded-For", "127.0.0.4"); r.status != http.StatusTooManyRequests {
			t.Fatalf("the direct guesser's own address: status %d, want 429", r.status)
		}
		if r := signInSaying(staffAt(s, lb, "127.0.0.4"), email, password); r.status != http.StatusSeeOther {
			t.Fatalf("the colleague the guesser claimed to be: status %d, want 303", r.status)
		}
	})
}

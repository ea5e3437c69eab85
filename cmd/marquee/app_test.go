package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee/branding"
	"marquee/tenant"
	tenantweb "marquee/tenant/web"
)

var (
	blue = branding.Colours{Primary: "#1d4ed8", Accent: "#f59e0b", Background: "#ffffff", Text: "#111827"}
	teal = branding.Colours{Primary: "#0f766e", Accent: "#f97316", Background: "#fffbeb", Text: "#1c1917"}
)

func TestHostRouting(t *testing.T) {
	s := startServer(t, defaultConfig())
	s.event("devcon", tenant.StatusActive, blue)
	s.event("gophercamp", tenant.StatusActive, teal)
	s.event("paused", tenant.StatusSuspended, teal)
	s.event("over", tenant.StatusArchived, blue)
	custom := s.event("customised", tenant.StatusActive, teal)
	ctx := context.Background()
	if err := s.db.AddDomain(ctx, custom.ID, "shop.customised.org", true); err != nil {
		t.Fatal(err)
	}
	if err := s.db.AddDomain(ctx, custom.ID, "unverified.customised.org", false); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, host string
		status     int
		title      string // text of the page's h1
		branded    bool
	}{
		{"an event answers on its subdomain", "devcon.shop.test", 200, "Welcome to devcon", true},
		{"another event shows its own title", "gophercamp.shop.test", 200, "Welcome to gophercamp", true},
		{"host case and port do not matter", "DevCon.Shop.Test:8080", 200, "Welcome to devcon", true},
		{"a trailing dot does not matter", "devcon.shop.test.", 200, "Welcome to devcon", true},
		{"a verified custom domain shows its event", "shop.customised.org", 200, "Welcome to customised", true},
		{"an unverified custom domain is unknown", "unverified.customised.org", 404, "Not found", false},
		{"an unknown slug is a plain 404", "nope.shop.test", 404, "Not found", false},
		{"a reserved slug never resolves", "admin.shop.test", 404, "Not found", false},
		{"the console host serves the console, not an event", "console.shop.test", 200, "Sign in to the Marquee console", false},
		{"www is reserved", "www.shop.test", 404, "Not found", false},
		{"the base domain is no event", "shop.test", 404, "Not found", false},
		{"a deeper subdomain is no event", "a.devcon.shop.test", 404, "Not found", false},
		{"an IP address is no event", "127.0.0.1", 404, "Not found", false},
		{"a malformed host is a 400", "bad_host.shop.test", 400, "Bad request", false},
		{"a suspended event shows a branded closed page", "paused.shop.test", 503, "Temporarily closed", true},
		{"an archived event shows a branded ended page", "over.shop.test", 410, "This event has ended", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.get(tc.host, "/")
			if r.status != tc.status {
				t.Fatalf("status %d, want %d", r.status, tc.status)
			}
			if got := r.text("h1"); got != tc.title {
				t.Errorf("h1 %q, want %q", got, tc.title)
			}
			if got := r.doc.Find("body.event").Length() == 1; got != tc.branded {
				t.Errorf("branded page: %v, want %v", got, tc.branded)
			}
			if strings.Contains(r.body, "goroutine") || strings.Contains(r.body, ".go:") {
				t.Errorf("page leaks internals: %s", r.body)
			}
		})
	}

	t.Run("the unknown host page says there is no event", func(t *testing.T) {
		r := s.get("nope.shop.test", "/")
		if got := r.text(".message"); got != "There is no event at this address." {
			t.Errorf("message %q", got)
		}
	})
	t.Run("each event is drawn in its own colours", func(t *testing.T) {
		devcon, gopher := s.get("devcon.shop.test", "/"), s.get("gophercamp.shop.test", "/")
		if !strings.Contains(devcon.doc.Find("head style").Text(), "--primary:#1d4ed8") {
			t.Errorf("devcon's colours missing: %q", devcon.doc.Find("head style").Text())
		}
		if !strings.Contains(gopher.doc.Find("head style").Text(), "--primary:#0f766e") {
			t.Errorf("gophercamp's colours missing: %q", gopher.doc.Find("head style").Text())
		}
	})
	t.Run("an unknown path on an event is a branded 404", func(t *testing.T) {
		r := s.get("devcon.shop.test", "/no-such-page")
		if r.status != 404 || r.doc.Find("body.event").Length() != 1 || r.text(".event-name") != "Welcome to devcon" {
			t.Fatalf("status %d, body %s", r.status, r.body)
		}
	})
	t.Run("the closed page is in the visitor's language", func(t *testing.T) {
		r := s.get("paused.shop.test", "/", "Accept-Language", "de")
		if r.status != 503 || r.text("h1") != "Vorübergehend geschlossen" {
			t.Fatalf("status %d, h1 %q", r.status, r.text("h1"))
		}
	})
}

func TestForwardedHost(t *testing.T) {
	t.Run("ignored from an untrusted client", func(t *testing.T) {
		s := startServer(t, defaultConfig())
		s.event("devcon", tenant.StatusActive, blue)
		r := s.get("nope.shop.test", "/", "X-Forwarded-Host", "devcon.shop.test")
		if r.status != 404 {
			t.Fatalf("X-Forwarded-Host from an untrusted client was believed: status %d", r.status)
		}
	})
	t.Run("believed from a trusted proxy", func(t *testing.T) {
		cfg := defaultConfig()
		cfg.TrustedProxies = tenantweb.Proxies{netip.MustParsePrefix("127.0.0.0/8")}
		s := startServer(t, cfg)
		s.event("devcon", tenant.StatusActive, blue)
		r := s.get("proxy.internal", "/", "X-Forwarded-Host", "devcon.shop.test, proxy.internal")
		if r.status != 200 || r.text("h1") != "Welcome to devcon" {
			t.Fatalf("status %d, h1 %q", r.status, r.text("h1"))
		}
	})
}

func TestHealth(t *testing.T) {
	s := startServer(t, defaultConfig())
	for _, host := range []string{"nope.shop.test", "shop.test", "127.0.0.1"} {
		for _, path := range []string{"/healthz", "/readyz"} {
			if r := s.get(host, path); r.status != 200 {
				t.Errorf("%s%s: status %d", host, path, r.status)
			}
		}
	}
	t.Run("readyz fails when the database is gone", func(t *testing.T) {
		s.db.Close()
		if r := s.get("shop.test", "/readyz"); r.status != 503 {
			t.Fatalf("status %d, want 503", r.status)
		}
		if r := s.get("shop.test", "/healthz"); r.status != 200 {
			t.Fatalf("healthz status %d, want 200: the process is alive", r.status)
		}
	})
}

func TestGracefulShutdown(t *testing.T) {
	s := startServer(t, defaultConfig())
	s.event("devcon", tenant.StatusActive, blue)
	addr := strings.TrimPrefix(s.url, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A request in flight: its headers are not finished yet.
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: devcon.shop.test\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- s.shutdown() }()

	t.Run("the listener closes first", func(t *testing.T) {
		deadline := time.Now().Add(2 * time.Second)
		for {
			c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
			if err != nil {
				break
			}
			c.Close()
			if time.Now().After(deadline) {
				t.Fatal("the server still accepts connections after shutdown began")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	t.Run("the request in flight still gets its page", func(t *testing.T) {
		if _, err := conn.Write([]byte("\r\n")); err != nil {
			t.Fatal(err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || !strings.Contains(string(body), "Welcome to devcon") {
			t.Fatalf("status %d, body %q", res.StatusCode, body)
		}
	})
	if err := <-stopped; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

func TestPanicShowsTheThemedErrorPage(t *testing.T) {
	s := startServer(t, defaultConfig())
	s.event("devcon", tenant.StatusActive, blue)
	app := s.platform.newApp()
	app.Get("/explode", func(*fiber.Ctx) error { panic("secret internal detail") })
	req := httptest.NewRequest(http.MethodGet, "/explode", nil)
	req.Host = "devcon.shop.test"
	res, err := app.Test(req, 5000)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 500 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{"Something went wrong", "Welcome to devcon"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, secret := range []string{"secret internal detail", "goroutine", ".go:"} {
		if strings.Contains(string(body), secret) {
			t.Errorf("page shows %q", secret)
		}
	}
}

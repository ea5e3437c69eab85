package main

import (
	"bufio"
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

// TestConsoleHostServesTheConsole: serve hands console.BASE_DOMAIN to the
// console, every other host to the event resolver (storefront/web's
// TestHostRouting has the event hosts).
func TestConsoleHostServesTheConsole(t *testing.T) {
	s := startServer(t, defaultConfig())
	s.event("devcon", tenant.StatusActive, blue)
	r := s.get("console.shop.test", "/")
	if r.status != 200 {
		t.Fatalf("status %d, want %d", r.status, 200)
	}
	if got := r.text("h1"); got != "Sign in to the Marquee console" {
		t.Errorf("h1 %q, want %q", got, "Sign in to the Marquee console")
	}
	if r.doc.Find("body.event").Length() == 1 {
		t.Errorf("branded page: %v, want %v", true, false)
	}
	if strings.Contains(r.body, "goroutine") || strings.Contains(r.body, ".go:") {
		t.Errorf("page leaks internals: %s", r.body)
	}
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
	// A first request answered proves the server accepted the connection:
	// one still in the kernel's accept queue when the listener closes is
	// reset, as a busy machine showed (the server never saw it).
	br := bufio.NewReader(conn)
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: devcon.shop.test\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	first, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, first.Body)
	first.Body.Close()
	// A request in flight: its headers are not finished yet. The server
	// reads its first bytes, so the connection is busy, not idle.
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: devcon.shop.test\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
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
		res, err := http.ReadResponse(br, nil)
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

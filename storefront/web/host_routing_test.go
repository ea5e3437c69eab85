package web

import (
	"context"
	"strings"
	"testing"

	"marquee/branding"
	"marquee/tenant"
)

var (
	blue = branding.Colours{Primary: "#1d4ed8", Accent: "#f59e0b", Background: "#ffffff", Text: "#111827"}
	teal = branding.Colours{Primary: "#0f766e", Accent: "#f97316", Background: "#fffbeb", Text: "#1c1917"}
)

func TestHostRouting(t *testing.T) {
	s := newStorefrontApp(t)
	s.welcomeEventIn("devcon", tenant.StatusActive, blue)
	s.welcomeEventIn("gophercamp", tenant.StatusActive, teal)
	s.welcomeEventIn("paused", tenant.StatusSuspended, teal)
	s.welcomeEventIn("over", tenant.StatusArchived, blue)
	custom := s.welcomeEventIn("customised", tenant.StatusActive, teal)
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
			r := s.visitor(tc.host).get("/")
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
		r := s.visitor("nope.shop.test").get("/")
		if got := r.text(".message"); got != "There is no event at this address." {
			t.Errorf("message %q", got)
		}
	})
	t.Run("each event is drawn in its own colours", func(t *testing.T) {
		devcon, gopher := s.visitor("devcon.shop.test").get("/"), s.visitor("gophercamp.shop.test").get("/")
		if !strings.Contains(devcon.doc.Find("head style").Text(), "--primary:#1d4ed8") {
			t.Errorf("devcon's colours missing: %q", devcon.doc.Find("head style").Text())
		}
		if !strings.Contains(gopher.doc.Find("head style").Text(), "--primary:#0f766e") {
			t.Errorf("gophercamp's colours missing: %q", gopher.doc.Find("head style").Text())
		}
	})
	t.Run("an unknown path on an event is a branded 404", func(t *testing.T) {
		r := s.visitor("devcon.shop.test").get("/no-such-page")
		if r.status != 404 || r.doc.Find("body.event").Length() != 1 || r.text(".event-name") != "Welcome to devcon" {
			t.Fatalf("status %d, body %s", r.status, r.body)
		}
	})
	t.Run("the closed page is in the visitor's language", func(t *testing.T) {
		r := s.visitor("paused.shop.test").get("/", "Accept-Language", "de")
		if r.status != 503 || r.text("h1") != "Vorübergehend geschlossen" {
			t.Fatalf("status %d, h1 %q", r.status, r.text("h1"))
		}
	})
}

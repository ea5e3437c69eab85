package web

import (
	"context"
	"net/url"
	"testing"
	"time"

	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/web/webtest"
)

// TestPlainViewsFollowTheEvent: the landing page as kept for a host (its
// lane) is served to the next plain views on that host only while it is
// what they would get anyway: a change of the event, the countdown's
// start, another language, a code, another event's host each get their
// own page.
func TestPlainViewsFollowTheEvent(t *testing.T) {
	s := newStorefrontApp(t)
	ev := s.welcomeEvent("lane")
	s.product(ev, storefront.Product{Name: storefront.Text{"en": "T-shirt"}})
	other := s.welcomeEvent("lane-other")
	s.product(other, storefront.Product{Name: storefront.Text{"en": "Mug"}})
	now := time.Now()
	s.handler.Now = func() time.Time { return now }
	v := s.visitor("lane." + testBase)
	plain := func() *page {
		t.Helper()
		p := v.get("/", "Accept-Language", "en")
		if p.status != 200 {
			t.Fatalf("status %d", p.status)
		}
		return p
	}
	first := plain()
	if got := first.text("h1"); got != "Welcome to lane" {
		t.Fatalf("h1 %q", got)
	}
	if again := plain(); again.body != first.body {
		t.Fatal("the second plain view differs from the first")
	}

	t.Run("each Accept-Encoding gets its encoding of the same page, again and again", func(t *testing.T) {
		for _, enc := range []struct{ accept, coding string }{
			{"gzip, deflate, br, zstd", "br"}, {"gzip, deflate, br, zstd", "br"},
			{"gzip", "gzip"}, {"gzip", "gzip"}, {"", ""}, {"gzip, deflate, br, zstd", "br"},
		} {
			p := v.get("/", "Accept-Language", "en", "Accept-Encoding", enc.accept)
			if got := p.header.Get("Content-Encoding"); got != enc.coding {
				t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", enc.accept, got, enc.coding)
			}
			if got := p.header.Get("Vary"); got != "Accept-Language, Accept-Encoding" {
				t.Errorf("Accept-Encoding %q: Vary %q", enc.accept, got)
			}
			if body := webtest.Decode(t, p.header.Get("Content-Encoding"), []byte(p.body)); string(body) != first.body {
				t.Errorf("Accept-Encoding %q: the page decoded differs from the plain one", enc.accept)
			}
		}
	})
	t.Run("another event's host shows that event, and this host still its own", func(t *testing.T) {
		if got := s.visitor("lane-other."+testBase).get("/", "Accept-Language", "en").text("h1"); got != "Welcome to lane-other" {
			t.Errorf("the other event's h1 %q", got)
		}
		if got := plain().text("h1"); got != "Welcome to lane" {
			t.Errorf("this event's h1 after the other's view %q", got)
		}
	})
	t.Run("another language, chosen or asked for, and back", func(t *testing.T) {
		if got := v.get("/", "Accept-Language", "de").text("h1"); got != "Willkommen bei lane" {
			t.Errorf("Accept-Language de: h1 %q", got)
		}
		if got := v.get("/?lang=de", "Accept-Language", "en").text("h1"); got != "Willkommen bei lane" {
			t.Errorf("?lang=de: h1 %q", got)
		}
		if got := plain().text("h1"); got != "Welcome to lane" {
			t.Errorf("English again: h1 %q", got)
		}
	})
	t.Run("a code typed on the page shows its form's answer", func(t *testing.T) {
		p := v.get("/?code="+url.QueryEscape("NOPE"), "Accept-Language", "en")
		if p.status != 422 || p.text("#code-error") != message(t, "en", storefront.MsgVoucherUnknown) {
			t.Errorf("an unknown code: status %d, error %q", p.status, p.text("#code-error"))
		}
	})
	t.Run("the event suspended, as only the resolver has read it, shows closed", func(t *testing.T) {
		plain()
		if _, err := s.db.SetTenantStatus(context.Background(), ev.ID, tenant.StatusSuspended); err != nil {
			t.Fatal(err)
		}
		s.resolver.Forget(ev.ID) // the resolver's entry aged out and was read again; the Site is as it was
		if p := v.get("/", "Accept-Language", "en"); p.status != 503 {
			t.Errorf("a suspended event's plain view: status %d, want 503", p.status)
		}
		if _, err := s.db.SetTenantStatus(context.Background(), ev.ID, tenant.StatusActive); err != nil {
			t.Fatal(err)
		}
		s.changed(ev.ID)
	})
	t.Run("the event's change shows on the next plain view", func(t *testing.T) {
		closes := now.Add(7*24*time.Hour + time.Hour)
		s.setFacts(ev, storefront.Settings{TimeZone: "Europe/Berlin"}, &closes)
		p := plain()
		if p.text("#closes-at") == "" {
			t.Fatal("the closing time set is not on the page")
		}
		if got := p.text("#countdown"); got != "" {
			t.Errorf("a countdown more than a week before the end: %q", got)
		}
	})
	t.Run("the countdown begins with nothing else changed", func(t *testing.T) {
		plain() // kept again, with the closing time
		now = now.Add(2 * time.Hour)
		if got := plain().text("#countdown"); got != "Orders close in 6 days" {
			t.Errorf("countdown %q, want %q", got, "Orders close in 6 days")
		}
	})
	t.Run("the closing time passes with nothing else changed", func(t *testing.T) {
		now = now.Add(7 * 24 * time.Hour)
		for range 2 {
			p := plain()
			if p.doc.Find("#countdown").Length() != 0 || p.doc.Find(`a[href="/order"]`).Length() != 0 {
				t.Errorf("after the end: countdown %q, order links %d", p.text("#countdown"), p.doc.Find(`a[href="/order"]`).Length())
			}
		}
	})
}

package main

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	tenantweb "marquee/tenant/web"
)

// TestSocialImageURLIsAbsoluteEndToEnd follows an uploaded social image
// from the console to the event's pages, through serve's TRUSTED_PROXIES
// wiring; storefront/web's TestSocialImageURLIsAbsolute has the rules.
func TestSocialImageURLIsAbsoluteEndToEnd(t *testing.T) {
	s, ev, _ := consoleServerWith(t, func(cfg *Config) {
		cfg.TrustedProxies = tenantweb.Proxies{netip.MustParsePrefix("127.0.0.0/8")}
	})
	if err := s.db.AddDomain(context.Background(), ev.ID, "shop.devcon.org", true); err != nil {
		t.Fatal(err)
	}
	b := signedInMember(t, s)
	_, page := editorForm(t, b, "devcon")
	ct, body := multipartUpload(t, csrfOf(page), "social", "share.png", pngBytes(t, 800, 400))
	if r := b.do(http.MethodPost, "/events/devcon/branding/image", ct, body); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.text(".problems"))
	}
	_, page = editorForm(t, b, "devcon")
	if r := b.post("/events/devcon/branding/publish", map[string][]string{"csrf": {csrfOf(page)}}); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", r.status, r.text(".problems"))
	}
	s.settle()
	ogImage := func(r *response) string {
		v, _ := r.doc.Find(`meta[property="og:image"]`).Attr("content")
		return v
	}
	path := ogImage(s.get("devcon.shop.test", "/"))
	path = path[strings.Index(path, "/media/"):]
	if !strings.HasPrefix(path, "/media/"+ev.ID.String()+"/") {
		t.Fatalf("og:image path %q", path)
	}

	tests := []struct {
		name, host string
		headers    []string
		want       string
	}{
		{"on the event's subdomain og:image is absolute on that host", "devcon.shop.test", nil, "http://devcon.shop.test" + path},
		{"on a custom domain og:image is on the custom domain", "shop.devcon.org", nil, "http://shop.devcon.org" + path},
		{"behind a trusted proxy the forwarded scheme and host count", "10.0.0.1", []string{"X-Forwarded-Host", "shop.devcon.org", "X-Forwarded-Proto", "https"}, "https://shop.devcon.org" + path},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.get(tc.host, "/", tc.headers...)
			if got := ogImage(r); r.status != 200 || got != tc.want {
				t.Fatalf("status %d, og:image %q, want %q", r.status, got, tc.want)
			}
			if strings.Contains(r.body, "origin.marquee.invalid") {
				t.Errorf("the page still holds the origin placeholder")
			}
		})
	}
	t.Run("the image is served at that address", func(t *testing.T) {
		res, err := http.DefaultClient.Do(mustRequest(t, s.url+path, "shop.devcon.org"))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
}

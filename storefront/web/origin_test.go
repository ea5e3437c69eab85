package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"marquee/branding"
	"marquee/tenant"
)

func TestSocialImageURLIsAbsolute(t *testing.T) {
	s := newStorefrontApp(t)
	ctx := context.Background()
	ev, err := s.db.CreateTenant(ctx, tenant.Tenant{Slug: "devcon", Name: "DevCon", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en"}},
		branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{"en": {Title: "DevCon"}},
			SocialImageKey: "events/devcon/share/1200.png"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.AddDomain(ctx, ev.ID, "shop.devcon.org", true); err != nil {
		t.Fatal(err)
	}
	const image = "/media/events/devcon/share/1200.png"

	tests := []struct {
		name, host string
		headers    []string
		want       string
	}{
		{"on the event's subdomain og:image is absolute on that host", "devcon.shop.test", nil, "http://devcon.shop.test" + image},
		{"on a verified custom domain og:image is on the custom domain", "shop.devcon.org", nil, "http://shop.devcon.org" + image},
		{"the host keeps the port the visitor used", "devcon.shop.test:8080", nil, "http://devcon.shop.test:8080" + image},
		{"a trusted proxy's forwarded scheme and host count", "10.0.0.7", []string{"X-Forwarded-Host", "shop.devcon.org", "X-Forwarded-Proto", "https"}, "https://shop.devcon.org" + image},
		{"the cached page keeps no earlier visitor's host", "devcon.shop.test", nil, "http://devcon.shop.test" + image},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/", "/order"} {
				p := s.visitor(tc.host).get(path, tc.headers...)
				got, _ := p.doc.Find(`meta[property="og:image"]`).Attr("content")
				if p.status != http.StatusOK || got != tc.want {
					t.Errorf("%s: status %d, og:image %q, want %q", path, p.status, got, tc.want)
				}
				if strings.Contains(p.body, "origin.marquee.invalid") {
					t.Errorf("%s: the origin placeholder reached the visitor", path)
				}
			}
		})
	}
	t.Run("the console's preview of a draft keeps site-relative URLs", func(t *testing.T) {
		site, err := s.sites.Get(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		h := &Handler{Themes: mustThemes(t), MediaURL: func(_ context.Context, key string) string { return "/media/" + key }}
		body, err := h.RenderPreview(site, "en")
		if err != nil || strings.Contains(string(body), "origin.marquee.invalid") || !strings.Contains(string(body), `content="`+image+`"`) {
			t.Fatalf("preview: %v, holds the placeholder or lost the image", err)
		}
	})
}

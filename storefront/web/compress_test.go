package web

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"marquee/branding"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/web/webtest"
)

func TestPagesServedCompressed(t *testing.T) {
	s := newStorefrontApp(t)
	ev := s.event("zipped", "en", "de")
	hoodie := s.product(ev, storefront.Product{Name: storefront.Text{"en": "Hoodie"}})
	v := s.visitor("zipped.shop.test")
	unzip := func(t *testing.T, encoding, body string) string {
		t.Helper()
		return string(webtest.Decode(t, encoding, []byte(body)))
	}
	for _, path := range []string{"/", "/products/" + hoodie.ID.String()} {
		for _, lang := range []string{"en", "de"} {
			plain := v.get(path, "Accept-Language", lang)
			if plain.status != 200 || plain.header.Get("Content-Encoding") != "" {
				t.Fatalf("%s plain: status %d, Content-Encoding %q", path, plain.status, plain.header.Get("Content-Encoding"))
			}
			for _, tc := range []struct{ accept, encoding string }{{"gzip, deflate, br", "br"}, {"gzip", "gzip"}, {"gzip;q=0", ""}} {
				r := v.get(path, "Accept-Language", lang, "Accept-Encoding", tc.accept)
				if got := r.header.Get("Content-Encoding"); got != tc.encoding {
					t.Errorf("%s %s, Accept-Encoding %q: Content-Encoding %q, want %q", path, lang, tc.accept, got, tc.encoding)
					continue
				}
				if unzip(t, tc.encoding, r.body) != plain.body {
					t.Errorf("%s %s, %s: the page does not decompress to the plain page's bytes", path, lang, tc.accept)
				}
				if vary := r.header.Get("Vary"); !strings.Contains(vary, "Accept-Encoding") || !strings.Contains(vary, "Accept-Language") {
					t.Errorf("%s: Vary %q, want Accept-Language and Accept-Encoding", path, vary)
				}
				if tc.encoding != "" && len(r.body) >= len(plain.body) {
					t.Errorf("%s %s: %d bytes, no smaller than the plain %d", path, tc.encoding, len(r.body), len(plain.body))
				}
			}
		}
	}
	t.Run("the order form, rendered for each visitor, is compressed for each", func(t *testing.T) {
		fresh := regexp.MustCompile(`name="idempotency_key" value="[^"]*"`) // new with every form
		v.get("/order")                                                     // the form token's cookie
		plain := v.get("/order")
		if plain.status != 200 || plain.header.Get("Content-Encoding") != "" || !strings.Contains(plain.body, `name="csrf"`) {
			t.Fatalf("/order plain: status %d, Content-Encoding %q", plain.status, plain.header.Get("Content-Encoding"))
		}
		for _, tc := range []struct{ accept, encoding string }{{"gzip, deflate, br", "br"}, {"gzip", "gzip"}, {"gzip;q=0", ""}} {
			r := v.get("/order", "Accept-Encoding", tc.accept)
			if got := r.header.Get("Content-Encoding"); got != tc.encoding {
				t.Errorf("/order, Accept-Encoding %q: Content-Encoding %q, want %q", tc.accept, got, tc.encoding)
				continue
			}
			if fresh.ReplaceAllString(unzip(t, tc.encoding, r.body), "") != fresh.ReplaceAllString(plain.body, "") {
				t.Errorf("/order, %s: the form does not decompress to the plain form's bytes", tc.accept)
			}
			if tc.encoding != "" && len(r.body) >= len(plain.body)/2 {
				t.Errorf("/order %s: %d bytes of %d", tc.encoding, len(r.body), len(plain.body))
			}
		}
	})
	t.Run("the origin the visitor came by is in every encoding", func(t *testing.T) {
		_, err := s.db.CreateTenant(t.Context(), tenant.Tenant{Slug: "sharezip", Name: "Share", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en"}},
			branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{"en": {Title: "Share"}}, SocialImageKey: "events/sharezip/share.png"})
		if err != nil {
			t.Fatal(err)
		}
		for _, host := range []string{"sharezip.shop.test", "sharezip.shop.test:8080", "sharezip.shop.test"} {
			r := s.visitor(host).get("/", "Accept-Encoding", "br")
			if page := unzip(t, "br", r.body); !strings.Contains(page, `content="http://`+host+`/media/events/sharezip/share.png"`) || strings.Contains(page, originMark) {
				t.Errorf("on %s the compressed page does not carry the visitor's origin", host)
			}
		}
	})
	t.Run("a sold-out flip is compressed again", func(t *testing.T) {
		site, err := s.sites.Get(t.Context(), ev)
		if err != nil {
			t.Fatal(err)
		}
		zero := 0
		site.SetStock(hoodie.Variants[0].ID, &zero)
		r := v.get("/", "Accept-Encoding", "gzip")
		if !bytes.Contains([]byte(unzip(t, "gzip", r.body)), []byte("sold-out")) {
			t.Error("the compressed page still shows the hoodie available")
		}
	})
}

package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront"
)

// The empty order form is served from what the Site keeps; it must be the
// form a per-request render draws, with each visitor's own token and a
// fresh idempotency key on every view.
func TestBlankOrderFormIsTheRenderedForm(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "blankform")
	hidden := func(p *page, name string) string {
		t.Helper()
		v, _ := p.doc.Find(`form.order-form input[type=hidden][name="` + name + `"]`).Attr("value")
		return v
	}
	for _, l := range []string{"en", "de"} {
		t.Run(l, func(t *testing.T) {
			first := sh.do(http.MethodGet, "/order", "", "", "Accept-Language", l)
			again := sh.do(http.MethodGet, "/order", "", "", "Accept-Language", l)
			// A product the event does not have preselects nothing: the
			// form rendered for this request, as before it was kept.
			rendered := sh.do(http.MethodGet, "/order?product="+uuid.NewString(), "", "", "Accept-Language", l)
			for _, p := range []*page{first, again, rendered} {
				if p.status != http.StatusOK || p.header.Get("Cache-Control") != "no-store" || p.header.Get("Content-Language") != l {
					t.Fatalf("status %d, Cache-Control %q, Content-Language %q", p.status, p.header.Get("Cache-Control"), p.header.Get("Content-Language"))
				}
			}
			token := hidden(first, "csrf")
			if token == "" || token != hidden(again, "csrf") || token != hidden(rendered, "csrf") {
				t.Errorf("CSRF tokens %q, %q, %q: want the visitor's one token", token, hidden(again, "csrf"), hidden(rendered, "csrf"))
			}
			keys := map[string]bool{}
			for _, p := range []*page{first, again, rendered} {
				key := hidden(p, "idempotency_key")
				if _, err := uuid.Parse(key); err != nil || keys[key] {
					t.Errorf("idempotency key %q: want a fresh uuid on every view", key)
				}
				keys[key] = true
			}
			want := strings.Replace(rendered.body, hidden(rendered, "idempotency_key"), hidden(first, "idempotency_key"), 1)
			if first.body != want {
				t.Errorf("the kept form differs from the rendered one:\n%s\n----\n%s", first.body, want)
			}
			if strings.Contains(first.body, csrfMark) || strings.Contains(first.body, keyMark) {
				t.Error("a mark was served")
			}
		})
	}
	t.Run("another visitor gets a token of their own", func(t *testing.T) {
		other := s.visitor(sh.visitor.host)
		mine := hidden(sh.do(http.MethodGet, "/order", "", ""), "csrf")
		if theirs := other.orderForm().Get("csrf"); theirs == "" || theirs == mine {
			t.Errorf("tokens %q and %q", mine, theirs)
		}
	})
}

// A product whose name holds a mark does not confuse the kept form: the
// form is rendered per request, the copy shown as written.
func TestBlankOrderFormWithAMarkInTheCopy(t *testing.T) {
	s := newStorefrontApp(t)
	ev := s.event("markcopy", "en")
	s.product(ev, storefront.Product{Name: storefront.Text{"en": "Mug " + csrfMark}})
	v := s.visitor("markcopy." + testBase)
	p := v.get("/order")
	token := v.orderForm().Get("csrf")
	if p.status != http.StatusOK || token == "" || token == csrfMark {
		t.Fatalf("status %d, token %q", p.status, token)
	}
	if !strings.Contains(p.doc.Find("fieldset.line legend").Text(), "Mug "+csrfMark) {
		t.Errorf("the mug's name is not shown as written: %q", p.doc.Find("fieldset.line legend").Text())
	}
}

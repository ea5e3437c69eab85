package main

import (
	"net/http"
	"net/url"
	"testing"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/web/webtest"
)

// shop is an event with a catalogue and an order form, and a visitor with
// a cookie jar.
type shop struct {
	s                    *testServer
	ev                   *tenant.Tenant
	shirt, hoodie, socks storefront.Product
	client               *http.Client
	host                 string
}

func newShop(t *testing.T, s *testServer, slug string) *shop {
	t.Helper()
	ev := s.event(slug, tenant.StatusActive, blue)
	fixture := dbtest.NewShop(t, s.db, ev.ID)
	return &shop{s: s, ev: ev, host: slug + ".shop.test", client: webtest.Browser(),
		shirt: fixture.Shirt, hoodie: fixture.Hoodie, socks: fixture.Socks}
}

func (sh *shop) web() webtest.Client {
	return webtest.Client{T: sh.s.t, HTTP: sh.client, URL: sh.s.url, Host: sh.host}
}

// do sends a request to the shop's host with the visitor's cookies.
func (sh *shop) do(method, path, contentType, body string, headers ...string) *response {
	sh.s.t.Helper()
	return fromPage(sh.web().Do(method, path, contentType, body, headers...))
}

// form opens the order form and returns its hidden values.
func (sh *shop) form() url.Values {
	sh.s.t.Helper()
	r := sh.do(http.MethodGet, "/order", "", "")
	if r.status != 200 {
		sh.s.t.Fatalf("order form: %d", r.status)
	}
	return webtest.FormValues(r.doc, "form.order-form input[type=hidden]")
}

// validOrder is a complete order: a shirt in M with a print name and a hoodie.
func (sh *shop) validOrder() url.Values {
	return dbtest.Shop{Shirt: sh.shirt, Hoodie: sh.hoodie, Socks: sh.socks}.ValidOrder(sh.form())
}

func (sh *shop) post(path string, v url.Values, headers ...string) *response {
	sh.s.t.Helper()
	return fromPage(sh.web().Post(path, v, headers...))
}

func (sh *shop) orders() int {
	sh.s.t.Helper()
	return dbtest.CountIn(sh.s.t, sh.s.db, sh.ev.ID, "SELECT count(*) FROM orders")
}

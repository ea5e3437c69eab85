package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"

	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/tenant"
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

func intp(n int) *int { return &n }

func newShop(t *testing.T, s *testServer, slug string) *shop {
	t.Helper()
	ctx := context.Background()
	ev := s.event(slug, tenant.StatusActive, blue)
	add := func(p storefront.Product) storefront.Product {
		p.Visible = true
		out, err := s.db.AddProduct(ctx, ev.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	sh := &shop{s: s, ev: ev, host: slug + ".shop.test"}
	sh.shirt = add(storefront.Product{Name: storefront.Text{"en": "T-shirt", "de": "T-Shirt"}, Position: 1, MaxPerAttendee: 1,
		Variants: []storefront.Variant{
			{Label: storefront.Text{"en": "S"}, Position: 1, Stock: intp(5)},
			{Label: storefront.Text{"en": "M"}, Position: 2, Stock: intp(5)},
			{Label: storefront.Text{"en": "XL"}, Position: 3, Stock: intp(0)},
		}})
	sh.hoodie = add(storefront.Product{Name: storefront.Text{"en": "Hoodie"}, Position: 2, PriceMinor: 3500,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}}}})
	sh.socks = add(storefront.Product{Name: storefront.Text{"en": "Socks"}, Position: 3, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "Pair"}, Stock: intp(0)}}})
	for _, f := range []form.Field{
		{Key: "company", Scope: form.ScopeCustomer, Type: form.TypeText, Label: map[string]string{"en": "Company", "de": "Firma"}, Position: 1},
		{Key: "consent", Scope: form.ScopeCustomer, Type: form.TypeCheckbox, Required: true, Label: map[string]string{"en": "I agree to the terms", "de": "Ich stimme zu"}, Position: 2},
		{Key: "print_name", Scope: form.ScopeItem, Type: form.TypeText, MaxLength: 12, Label: map[string]string{"en": "Name to print", "de": "Aufdruck"}, Position: 1},
	} {
		if err := s.db.AddFormField(ctx, ev.ID, f); err != nil {
			t.Fatal(err)
		}
	}
	jar, _ := cookiejar.New(nil)
	sh.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return sh
}

// do sends a request to the shop's host with the visitor's cookies.
func (sh *shop) do(method, path, contentType, body string, headers ...string) *response {
	sh.s.t.Helper()
	req, err := http.NewRequest(method, sh.s.url+path, strings.NewReader(body))
	if err != nil {
		sh.s.t.Fatal(err)
	}
	req.Host = sh.host
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := sh.client.Do(req)
	if err != nil {
		sh.s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		sh.s.t.Fatal(err)
	}
	return &response{status: res.StatusCode, header: res.Header, doc: doc, body: string(b)}
}

// form opens the order form and returns its hidden values.
func (sh *shop) form() url.Values {
	sh.s.t.Helper()
	r := sh.do(http.MethodGet, "/order", "", "")
	if r.status != 200 {
		sh.s.t.Fatalf("order form: %d", r.status)
	}
	v := url.Values{}
	r.doc.Find("form.order-form input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		value, _ := s.Attr("value")
		v.Set(name, value)
	})
	return v
}

// validOrder is a complete order: a shirt in M with a print name and a hoodie.
func (sh *shop) validOrder() url.Values {
	v := sh.form()
	v.Set("line.0.variant", sh.shirt.Variants[1].ID.String())
	v.Set("line.0.quantity", "1")
	v.Set("item.0.print_name", "ADA")
	v.Set("line.1.quantity", "1")
	v.Set("name", "Ada Lovelace")
	v.Set("email", "Ada@Example.com")
	v.Set("consent", "on")
	v.Set("action", "place")
	return v
}

func (sh *shop) post(path string, v url.Values, headers ...string) *response {
	return sh.do(http.MethodPost, path, "application/x-www-form-urlencoded", v.Encode(), headers...)
}

func (sh *shop) orders() int {
	sh.s.t.Helper()
	var n int
	err := sh.s.db.InTenant(context.Background(), sh.ev.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT count(*) FROM orders").Scan(&n)
	})
	if err != nil {
		sh.s.t.Fatal(err)
	}
	return n
}

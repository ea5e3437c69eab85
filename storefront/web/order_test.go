package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/tenant"
	"marquee/tenant/web/webtest"
)

// shop is an event with a catalogue and an order form, and a visitor of it
// with its cookies.
type shop struct {
	s                    *storefrontApp
	ev                   *tenant.Tenant
	shirt, hoodie, socks storefront.Product
	visitor              *visitor
}

func newShop(t testing.TB, s *storefrontApp, slug string) *shop {
	t.Helper()
	ev := s.event(slug, "en", "de")
	fixture := dbtest.NewShop(t, s.db, ev.ID)
	return &shop{s: s, ev: ev, visitor: s.visitor(slug + "." + testBase),
		shirt: fixture.Shirt, hoodie: fixture.Hoodie, socks: fixture.Socks}
}

// do sends a request to the shop's host with the visitor's cookies.
func (sh *shop) do(method, path, contentType, body string, headers ...string) *page {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return sh.visitor.do(req, headers...)
}

// form opens the order form and returns its hidden values.
func (sh *shop) form() url.Values { return sh.visitor.orderForm() }

// validOrder is a complete order: a shirt in M with a print name and a hoodie.
func (sh *shop) validOrder() url.Values {
	return dbtest.Shop{Shirt: sh.shirt, Hoodie: sh.hoodie, Socks: sh.socks}.ValidOrder(sh.form())
}

func (sh *shop) post(path string, v url.Values, headers ...string) *page {
	return sh.do(http.MethodPost, path, "application/x-www-form-urlencoded", v.Encode(), headers...)
}

func (sh *shop) orders() int {
	sh.s.t.Helper()
	return dbtest.CountIn(sh.s.t, sh.s.db, sh.ev.ID, "SELECT count(*) FROM orders")
}

func TestPlaceOrder(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "orders")

	t.Run("the order form lists the products and this event's fields", func(t *testing.T) {
		r := sh.do(http.MethodGet, "/order", "", "")
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
		}
		if got := r.doc.Find("fieldset.line legend").Length(); got != 3 {
			t.Errorf("%d lines, want 3", got)
		}
		soldOut := r.doc.Find(`input[type=radio][name="line.0.variant"][disabled]`)
		id, _ := soldOut.Attr("id")
		if soldOut.Length() != 1 || r.doc.Find(`label[for="`+id+`"]`).Text() != "XL · Sold out" {
			t.Errorf("sold-out size not marked: %d, %q", soldOut.Length(), r.doc.Find(`label[for="`+id+`"]`).Text())
		}
		if r.doc.Find(`select[name="line.1.variant"]`).Length() != 0 || r.doc.Find(`input[type=hidden][name="line.1.variant"]`).Length() != 1 {
			t.Errorf("a product with one variant should offer no choice of variant")
		}
		for _, name := range []string{"company", "consent", "item.0.print_name", "item.1.print_name"} {
			if r.doc.Find(`[name="`+name+`"]`).Length() != 1 {
				t.Errorf("no input %s", name)
			}
		}
	})

	t.Run("a valid order writes rows and redirects to its status page", func(t *testing.T) {
		before := sh.orders()
		r := sh.post("/order", sh.validOrder())
		loc := r.header.Get("Location")
		if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/orders/") || !strings.Contains(loc, "sig=") {
			t.Fatalf("status %d, Location %q, body %s", r.status, loc, r.body)
		}
		if sh.orders() != before+1 {
			t.Fatalf("orders %d, want %d", sh.orders(), before+1)
		}
		page := sh.do(http.MethodGet, loc, "", "")
		if page.status != 200 || page.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("status page %d, Cache-Control %q", page.status, page.header.Get("Cache-Control"))
		}
		if page.text(".notice h1") != "Thank you for your order!" || page.text("#current-status") != "Placed" {
			t.Errorf("confirmation %q, status %q", page.text(".notice h1"), page.text("#current-status"))
		}
		if got := page.text("#total"); got != "€35.00" {
			t.Errorf("total %q, want €35.00 (priced from the database)", got)
		}
		if !strings.Contains(page.text("table.items tbody"), "Name to print: ADA") {
			t.Errorf("item answer missing: %q", page.text("table.items tbody"))
		}
		if !strings.Contains(page.doc.Find("dl.answers").Text(), "ada@example.com") {
			t.Errorf("normalised email missing: %q", page.doc.Find("dl.answers").Text())
		}
	})

	t.Run("a resubmitted form makes no second order", func(t *testing.T) {
		v := sh.validOrder()
		v.Set("email", "twice@example.com")
		first := sh.post("/order", v)
		before := sh.orders()
		second := sh.post("/order", v)
		if second.status != http.StatusSeeOther || second.header.Get("Location") != first.header.Get("Location") {
			t.Fatalf("resubmission: %d to %q, first went to %q", second.status, second.header.Get("Location"), first.header.Get("Location"))
		}
		if sh.orders() != before {
			t.Fatal("a resubmission wrote an order")
		}
	})
}

func TestOrderFormRefusesBadInput(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "refusals")
	other := newShop(t, s, "elsewhere")

	tests := []struct {
		name   string
		change func(url.Values)
		status int
		input  string // where the message must be
		msg    string
	}{
		{"a missing email", func(v url.Values) { v.Del("email") }, 422, "email", "Please fill in this field."},
		{"an invalid email", func(v url.Values) { v.Set("email", "ada@") }, 422, "email", ""},
		{"consent not given", func(v url.Values) { v.Del("consent") }, 422, "consent", ""},
		{"an item answer too long", func(v url.Values) { v.Set("item.0.print_name", "A VERY LONG NAME") }, 422, "item.0.print_name", ""},
		{"a quantity that is no number", func(v url.Values) { v.Set("line.1.quantity", "lots") }, 422, "line.1.quantity", "Enter a quantity between 0 and 20."},
		{"nothing chosen", func(v url.Values) { v.Set("line.0.quantity", "0"); v.Set("line.1.quantity", "0") }, 422, "", "Choose at least one item."},
		{"a sold-out variant", func(v url.Values) { v.Set("line.0.variant", sh.shirt.Variants[2].ID.String()) }, 409, "line.0.product", "Sorry, this item is sold out."},
		{"another event's product", func(v url.Values) {
			v.Set("line.0.product", other.shirt.ID.String())
			v.Set("line.0.variant", other.shirt.Variants[0].ID.String())
		}, 422, "line.0.product", "This item is not available at this event."},
		{"a forged variant id", func(v url.Values) { v.Set("line.0.variant", "not-a-uuid") }, 422, "line.0.variant", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := sh.orders()
			v := sh.validOrder()
			tc.change(v)
			r := sh.post("/order", v)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.text(".problems"))
			}
			if sh.orders() != before {
				t.Fatal("a refused order wrote rows")
			}
			if tc.input != "" {
				where := r.doc.Find(`[name="` + tc.input + `"]`).First().Closest(".field, fieldset")
				msg := strings.TrimSpace(where.Find(".error").First().Text())
				if msg == "" || (tc.msg != "" && msg != tc.msg) {
					t.Errorf("message next to %s: %q, want %q", tc.input, msg, tc.msg)
				}
			}
			if tc.msg != "" && !strings.Contains(r.text(".problems"), tc.msg) {
				t.Errorf("summary %q lacks %q", r.text(".problems"), tc.msg)
			}
			if got, _ := r.doc.Find(`input[name="name"]`).Attr("value"); got != "Ada Lovelace" {
				t.Errorf("entered name not kept: %q", got)
			}
			if strings.Contains(r.body, "form.") || strings.Contains(r.body, "order.") {
				t.Errorf("an untranslated message ID is on the page")
			}
		})
	}

	t.Run("refused requests", func(t *testing.T) {
		before := sh.orders()
		valid := sh.validOrder()
		cases := []struct {
			name   string
			r      *page
			status int
		}{
			{"JSON instead of a form", sh.do(http.MethodPost, "/order", "application/json", `{"name":"x"}`), 415},
			{"no CSRF token", sh.post("/order", without(valid, "csrf")), 403},
			{"a forged CSRF token", sh.post("/order", with(valid, "csrf", "forged")), 403},
			{"another site's Origin", sh.post("/order", valid, "Origin", "https://evil.example"), 403},
		}
		for _, c := range cases {
			if c.r.status != c.status {
				t.Errorf("%s: status %d, want %d", c.name, c.r.status, c.status)
			}
		}
		if sh.orders() != before {
			t.Fatal("a refused request wrote an order")
		}
	})
}

func without(v url.Values, key string) url.Values { return webtest.Without(v, key) }

func with(v url.Values, key, value string) url.Values { return webtest.With(v, key, value) }

func TestOrderStatusLink(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "statuses")
	other := newShop(t, s, "elsewhere")
	loc := sh.post("/order", sh.validOrder()).header.Get("Location")
	u, _ := url.Parse(loc)
	sig := u.Query().Get("sig")

	for name, path := range map[string]string{
		"a tampered signature": u.Path + "?sig=" + strings.ToUpper(sig),
		"no signature":         u.Path,
		"another order number": "/orders/AAAA-AAAA?sig=" + sig,
	} {
		t.Run(name+" is a 404", func(t *testing.T) {
			if r := sh.do(http.MethodGet, path, "", ""); r.status != 404 {
				t.Fatalf("status %d", r.status)
			}
		})
	}
	t.Run("the link does not work on another event", func(t *testing.T) {
		if r := other.do(http.MethodGet, loc, "", ""); r.status != 404 {
			t.Fatalf("status %d", r.status)
		}
	})
	t.Run("the attendee cancels and the stock comes back", func(t *testing.T) {
		page := sh.do(http.MethodGet, loc, "", "")
		action, _ := page.doc.Find(`form.cancel[method="get"]`).Attr("action")
		sigIn, _ := page.doc.Find(`form.cancel input[name="sig"]`).Attr("value")
		confirm := sh.do(http.MethodGet, action+"?sig="+url.QueryEscape(sigIn), "", "")
		action, _ = confirm.doc.Find(`form.cancel-order[method="post"]`).Attr("action")
		csrf, _ := confirm.doc.Find(`form.cancel-order input[name="csrf"]`).Attr("value")
		r := sh.post(action, url.Values{"csrf": {csrf}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("cancel: %d %s", r.status, r.body)
		}
		page = sh.do(http.MethodGet, r.header.Get("Location"), "", "")
		if page.text("#current-status") != "Cancelled" || page.doc.Find("form.cancel").Length() != 0 {
			t.Fatalf("after cancel: status %q", page.text("#current-status"))
		}
		if got := page.doc.Find("ol.history li").Length(); got != 2 {
			t.Errorf("history has %d rows, want 2", got)
		}
		stock, _ := s.db.VariantStock(context.Background(), sh.ev.ID, sh.shirt.Variants[1].ID)
		if *stock != 5 {
			t.Errorf("stock after cancel %d, want 5", *stock)
		}
	})
}

func TestConditionalOrderField(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "conditions")
	ctx := context.Background()
	for _, f := range []form.Field{
		{Key: "is_company", Scope: form.ScopeCustomer, Type: form.TypeCheckbox, Label: map[string]string{"en": "For a company"}, Position: 5},
		{Key: "vat_id", Scope: form.ScopeCustomer, Type: form.TypeText, Required: true, Label: map[string]string{"en": "VAT ID"}, Position: 6,
			ShowIf: &form.Condition{Key: "is_company", Equals: "true"}},
	} {
		if err := s.db.AddFormField(ctx, sh.ev.ID, f); err != nil {
			t.Fatal(err)
		}
	}
	page := sh.do(http.MethodGet, "/order", "", "")
	if v, _ := page.doc.Find(`[data-show-if="is_company"]`).Attr("data-show-value"); v != "true" || page.doc.Find(`script[src="/static/conditional.js"]`).Length() != 1 {
		t.Fatalf("the conditional field is not marked for the script")
	}
	t.Run("not asked when its condition does not hold", func(t *testing.T) {
		v := sh.validOrder()
		v.Set("vat_id", "ignored")
		r := sh.post("/order", v)
		if r.status != http.StatusSeeOther {
			t.Fatalf("status %d: %s", r.status, r.text(".problems"))
		}
		status := sh.do(http.MethodGet, r.header.Get("Location"), "", "")
		if strings.Contains(status.text("dl.answers"), "ignored") {
			t.Fatal("the answer to a field that was not asked was stored")
		}
	})
	t.Run("required when its condition holds", func(t *testing.T) {
		v := sh.validOrder()
		v.Set("is_company", "on")
		r := sh.post("/order", v)
		if r.status != 422 || !strings.Contains(r.doc.Find(`[name="vat_id"]`).Closest(".field").Find(".error").Text(), "Please fill in this field.") {
			t.Fatalf("status %d", r.status)
		}
	})
}

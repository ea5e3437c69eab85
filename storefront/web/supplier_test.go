package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/suppliers"
	"marquee/tenant"
)

// supplierShop is a shop that ships, with a per-order supplier of its
// shirts (Acme) and one of its hoodies (Hood), and an order of both.
type supplierShop struct {
	*shop
	acme, hood uuid.UUID
	order      *storefront.Order
	links      storefront.SupplierLinks
}

func newSupplierShop(t *testing.T, s *storefrontApp, slug string) *supplierShop {
	t.Helper()
	ctx := context.Background()
	sh := &supplierShop{shop: newShop(t, s, slug), links: s.handler.SupplierLinks}
	settings := storefront.DefaultSettings()
	settings.Ships = true
	if err := s.db.SaveSettings(ctx, sh.ev.ID, settings); err != nil {
		t.Fatal(err)
	}
	save := func(name string, p storefront.Product) uuid.UUID {
		id, err := s.db.SaveSupplier(ctx, sh.ev.ID, suppliers.Supplier{Name: name, Emails: []string{"orders@" + strings.ToLower(name) + ".test"},
			Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{p.ID}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	sh.acme, sh.hood = save("Acme", sh.shirt), save("Hood", sh.hoodie)
	sh.order = sh.place(t, "ada@example.com")
	s.changed(sh.ev.ID)
	return sh
}

// place orders a shirt in M printed "ADA" and a hoodie, shipped to Berlin.
func (sh *supplierShop) place(t *testing.T, email string) *storefront.Order {
	t.Helper()
	o, err := sh.s.db.PlaceOrder(context.Background(), sh.ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: email, Name: "Ada",
		Locale: "en", Address: &address.Address{Name: "Ada Lovelace", Line1: "Friedrichstraße 123", Locality: "Berlin", PostalCode: "10117", CountryCode: "DE"},
		Lines: []storefront.Line{{ProductID: sh.shirt.ID, VariantID: sh.shirt.Variants[1].ID, Quantity: 1, Answers: map[string]any{"print_name": "ADA"}},
			{ProductID: sh.hoodie.ID, VariantID: sh.hoodie.Variants[0].ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// link is a supplier's link of order number ("" its list's), expiring in
// a month.
func (sh *supplierShop) link(supplier uuid.UUID, number string) string {
	return sh.links.Path(sh.ev.ID, storefront.SupplierGrant{SupplierID: supplier, Order: number, Expires: time.Now().AddDate(0, 1, 0).Truncate(time.Second)})
}

func TestSupplierPageShowsTheSuppliersOwnLines(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newSupplierShop(t, s, "supply")
	for name, path := range map[string]string{"the order's link": sh.link(sh.acme, sh.order.Number), "the list's link": sh.link(sh.acme, "")} {
		t.Run(name, func(t *testing.T) {
			p := sh.do(http.MethodGet, path, "", "")
			if p.status != http.StatusOK || p.text("h1") != "Dispatch for Acme" {
				t.Fatalf("%d %q\n%s", p.status, p.text("h1"), p.body)
			}
			if got := p.text("label[for='line-" + sh.order.Number + ".0']"); got != "1 × T-shirt (M)" {
				t.Errorf("the shirt's line %q", got)
			}
			if got := p.text(".dispatch-line small"); got != "Name to print: ADA" {
				t.Errorf("the print name %q", got)
			}
			if got := p.text(".dispatch-address"); !strings.Contains(got, "Friedrichstraße 123") {
				t.Errorf("the address %q", got)
			}
			if strings.Contains(p.body, "Hoodie") || strings.Contains(p.body, "ada@example.com") {
				t.Error("the page shows another supplier's line or the attendee's email")
			}
			if p.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", p.header.Get("Cache-Control"))
			}
		})
	}
}

func TestSupplierLinksThatAreNotTheirsAreRefused(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newSupplierShop(t, s, "supply")
	other := newSupplierShop(t, s, "elsewhere")
	good := sh.link(sh.acme, sh.order.Number)
	u, _ := url.Parse(good)
	q := u.Query()
	tampered := strings.Replace(good, "sig="+url.QueryEscape(q.Get("sig")), "sig=A"+url.QueryEscape(q.Get("sig")[1:]), 1)
	if q.Get("sig")[0] == 'A' {
		tampered = strings.Replace(good, "sig="+q.Get("sig")[:1], "sig=B", 1)
	}
	for name, c := range map[string]struct {
		shop   *supplierShop
		path   string
		status int
	}{
		"a tampered signature":          {sh, tampered, http.StatusNotFound},
		"a later expiry":                {sh, strings.Replace(good, "exp="+q.Get("exp"), "exp=4102444800", 1), http.StatusNotFound},
		"another supplier's id":         {sh, strings.Replace(good, sh.acme.String(), sh.hood.String(), 1), http.StatusNotFound},
		"another order":                 {sh, strings.Replace(good, "order="+sh.order.Number, "order="+other.order.Number, 1), http.StatusNotFound},
		"this event's link on another":  {other, good, http.StatusNotFound},
		"another event's link here":     {sh, other.link(other.acme, other.order.Number), http.StatusNotFound},
		"an order without the supplier": {sh, sh.link(sh.acme, "NONE-XXXX"), http.StatusNotFound},
		"no signature":                  {sh, "/supplier/" + sh.acme.String(), http.StatusNotFound},
		"not an id":                     {sh, "/supplier/acme?exp=1&sig=x", http.StatusNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			p := c.shop.do(http.MethodGet, c.path, "", "")
			if p.status != c.status {
				t.Fatalf("got %d, want %d", p.status, c.status)
			}
			if strings.Contains(p.body, "T-shirt") {
				t.Error("the refusal shows lines")
			}
		})
	}
	t.Run("an expired link says so", func(t *testing.T) {
		s.handler.Now = func() time.Time { return time.Now().AddDate(0, 1, 1) }
		defer func() { s.handler.Now = nil }()
		p := sh.do(http.MethodGet, good, "", "")
		if p.status != http.StatusForbidden || !strings.Contains(p.body, "This dispatch link has expired") {
			t.Fatalf("%d\n%s", p.status, p.body)
		}
	})
	t.Run("a suspended event's page is closed, an ended event's open", func(t *testing.T) {
		ctx := context.Background()
		for status, want := range map[tenant.Status]int{tenant.StatusSuspended: http.StatusServiceUnavailable, tenant.StatusArchived: http.StatusOK} {
			if _, err := s.db.SetTenantStatus(ctx, other.ev.ID, status); err != nil {
				t.Fatal(err)
			}
			s.changed(other.ev.ID)
			if p := other.do(http.MethodGet, other.link(other.acme, ""), "", ""); p.status != want {
				t.Errorf("%s: %d, want %d", status, p.status, want)
			}
		}
	})
}

func TestSuppliersMarkTheirLinesDispatched(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newSupplierShop(t, s, "supply")
	second := sh.place(t, "bob@example.com")
	list := sh.link(sh.acme, "")
	page := sh.do(http.MethodGet, list, "", "")
	action, _ := page.doc.Find("#dispatch-form").Attr("action")
	form := asBrowser(page, "#dispatch-form", "")
	form.Del("action")
	dispatched := func(number string, position int) *time.Time {
		items := orderItems(t, sh.shop, number)
		return items[position].DispatchedAt
	}
	t.Run("refusals write nothing", func(t *testing.T) {
		for name, c := range map[string]struct {
			change func(url.Values)
			status int
			text   string
		}{
			"no line ticked":          {func(v url.Values) { v.Del("line") }, http.StatusBadRequest, "Tick at least one item"},
			"another supplier's line": {func(v url.Values) { v.Add("line", sh.order.Number+".1") }, http.StatusForbidden, "Only your own items"},
			"a line of no order":      {func(v url.Values) { v.Add("line", "NONE-XXXX.0") }, http.StatusForbidden, "Only your own items"},
			"a line that is no line":  {func(v url.Values) { v.Add("line", "K7M3") }, http.StatusBadRequest, "could not be understood"},
			"a note too long":         {func(v url.Values) { v.Set("note", strings.Repeat("x", 501)) }, http.StatusBadRequest, "at most 500 characters"},
			"no form token":           {func(v url.Values) { v.Del("csrf") }, http.StatusForbidden, ""},
		} {
			t.Run(name, func(t *testing.T) {
				v := url.Values{}
				for k, vs := range form {
					v[k] = append([]string(nil), vs...)
				}
				c.change(v)
				p := sh.post(action, v)
				if p.status != c.status || !strings.Contains(p.body, c.text) {
					t.Fatalf("got %d, want %d with %q\n%s", p.status, c.status, c.text, p.body)
				}
				if dispatched(sh.order.Number, 0) != nil || dispatched(second.Number, 0) != nil {
					t.Fatal("a refused form marked a line")
				}
			})
		}
	})
	t.Run("the ticked lines are marked, once", func(t *testing.T) {
		v := url.Values{"csrf": form["csrf"], "line": {sh.order.Number + ".0"}, "note": {"  DHL 0034  "}}
		p := sh.post(action, v)
		if p.status != http.StatusSeeOther {
			t.Fatalf("got %d\n%s", p.status, p.body)
		}
		after := sh.do(http.MethodGet, p.header.Get("Location"), "", "")
		if got := after.text("#dispatch-marked"); got != "Items marked dispatched now: 1." {
			t.Errorf("the page says %q", got)
		}
		if got := after.text("#order-" + sh.order.Number + " .dispatch-note"); got != "DHL 0034" {
			t.Errorf("the line's note %q", got)
		}
		if after.doc.Find("input[value='"+sh.order.Number+".0']").Length() != 0 || after.doc.Find("input[value='"+second.Number+".0']").Length() != 1 {
			t.Error("the dispatched line can still be ticked, or the other cannot")
		}
		items := orderItems(t, sh.shop, sh.order.Number)
		if items[0].DispatchedAt == nil || items[0].DispatchNote != "DHL 0034" || items[0].DispatchedBy != "supplier:"+sh.acme.String() || items[1].DispatchedAt != nil {
			t.Fatalf("lines %+v", items)
		}
		status := sh.do(http.MethodGet, sh.s.handler.Links.Path(sh.ev.ID, sh.order.Number), "", "")
		if got := status.text("table.items tbody tr:first-child .line-dispatched"); !strings.HasPrefix(got, "Dispatched ") || !strings.HasSuffix(got, " · DHL 0034") {
			t.Errorf("the attendee's status page says %q of the shirt", got)
		}
		if status.doc.Find("table.items .line-dispatched").Length() != 1 {
			t.Error("the hoodie, not sent yet, says it was")
		}
		if again := sh.post(action, v); again.status != http.StatusSeeOther || !strings.Contains(again.header.Get("Location"), "marked=0") {
			t.Fatalf("again: %d %q", again.status, again.header.Get("Location"))
		}
		o, _ := s.db.OrderByNumber(context.Background(), sh.ev.ID, sh.order.Number)
		if o.Status != storefront.StatusPlaced || len(o.History) != 2 || o.History[1].Change != storefront.ChangeLinesDispatched {
			t.Fatalf("the order %s with history %+v; its hoodie is still to send", o.Status, o.History)
		}
	})
	t.Run("the hoodie's supplier sends the rest and the order is dispatched", func(t *testing.T) {
		hood := sh.do(http.MethodGet, sh.link(sh.hood, sh.order.Number), "", "")
		hoodAction, _ := hood.doc.Find("#dispatch-form").Attr("action")
		v := asBrowser(hood, "#dispatch-form", "")
		v.Set("note", "UPS 1Z")
		if p := sh.post(hoodAction, v); p.status != http.StatusSeeOther {
			t.Fatalf("got %d\n%s", p.status, p.body)
		}
		o, _ := s.db.OrderByNumber(context.Background(), sh.ev.ID, sh.order.Number)
		last := o.History[len(o.History)-1]
		if o.Status != storefront.StatusDispatched || last.Note != "DHL 0034\nUPS 1Z" || last.Actor != "supplier:"+sh.hood.String() {
			t.Fatalf("the order %s, last %+v", o.Status, last)
		}
		v.Set("line", second.Number+".1")
		if p := sh.post(hoodAction, v); p.status != http.StatusForbidden {
			t.Fatalf("an order's link marked another order's line: %d", p.status)
		}
	})
}

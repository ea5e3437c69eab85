package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/form"
)

func TestCatalogueEditor(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	b := signedInMember(t, s)
	page := b.do(http.MethodGet, "/events/devcon/catalogue", "", "")
	if page.status != 200 {
		t.Fatalf("catalogue: %d", page.status)
	}
	csrf := csrfOf(page)
	products := func() int {
		c, err := s.db.Catalogue(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(c.Products)
	}

	t.Run("a bad price re-renders the form with the message and writes nothing", func(t *testing.T) {
		r := b.post("/events/devcon/catalogue/products", url.Values{"csrf": {csrf}, "name.en": {"Cap"}, "price": {"abc"}, "variants": {"One size"}})
		if r.status != 422 || !strings.Contains(r.text(".problems"), "Enter the price as a number") {
			t.Fatalf("status %d, %q", r.status, r.text(".problems"))
		}
		if v, _ := r.doc.Find(`input[name="name.en"]`).Attr("value"); v != "Cap" {
			t.Errorf("name not kept: %q", v)
		}
		if products() != 0 {
			t.Fatal("a refused product was stored")
		}
	})
	t.Run("a new product with sizes appears on the storefront", func(t *testing.T) {
		r := b.post("/events/devcon/catalogue/products", url.Values{"csrf": {csrf}, "name.en": {"Cap"}, "name.de": {"Mütze"},
			"price": {"12,50"}, "variants": {"S = 3\nL"}, "visible": {"on"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.status, r.text(".problems"))
		}
		waitFor(t, time.Second, func() bool {
			return strings.Contains(s.get("devcon.shop.test", "/").text(".products"), "Cap")
		})
		if got := s.get("devcon.shop.test", "/", "Accept-Language", "de").text(".products"); !strings.Contains(got, "Mütze") || !strings.Contains(got, "12,50") {
			t.Errorf("German card %q", got)
		}
	})
	cat, err := s.db.Catalogue(ctx, ev.ID)
	if err != nil || len(cat.Products) != 1 {
		t.Fatalf("catalogue %+v, %v", cat, err)
	}
	small := cat.Products[0].Variants[0]
	t.Run("stock changes need a reason, never go below zero, and are kept in the history", func(t *testing.T) {
		path := "/events/devcon/catalogue/variants/" + small.ID.String() + "/stock"
		if r := b.post(path, url.Values{"csrf": {csrf}, "delta": {"5"}}); r.status != 422 || !strings.Contains(r.text(".problems"), "Say why") {
			t.Fatalf("no reason: %d %q", r.status, r.text(".problems"))
		}
		if r := b.post(path, url.Values{"csrf": {csrf}, "delta": {"-100"}, "reason": {"lost"}}); r.status != 422 || !strings.Contains(r.text(".problems"), "below zero") {
			t.Fatalf("below zero: %d %q", r.status, r.text(".problems"))
		}
		if r := b.post(path, url.Values{"csrf": {csrf}, "delta": {"5"}, "reason": {"delivery"}}); r.status != http.StatusSeeOther {
			t.Fatalf("adjust: %d %s", r.status, r.text(".problems"))
		}
		if stock, _ := s.db.VariantStock(ctx, ev.ID, small.ID); *stock != 8 {
			t.Fatalf("stock %d, want 8", *stock)
		}
		history, err := s.db.StockHistory(ctx, ev.ID, 10)
		if err != nil || len(history) != 1 || history[0].Reason != "delivery" || history[0].Stock != 8 || !strings.HasPrefix(history[0].Actor, "staff:") {
			t.Fatalf("history %+v, %v", history, err)
		}
	})
	t.Run("a hidden product leaves the storefront", func(t *testing.T) {
		r := b.post("/events/devcon/catalogue/products/"+cat.Products[0].ID.String()+"/visibility", url.Values{"csrf": {csrf}, "visible": {"false"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("hide: %d", r.status)
		}
		waitFor(t, time.Second, func() bool {
			return !strings.Contains(s.get("devcon.shop.test", "/").text("main"), "Cap")
		})
	})
	t.Run("fulfilment cannot edit the catalogue", func(t *testing.T) {
		f := fulfilmentMember(t, s, ev)
		if r := f.do(http.MethodGet, "/events/devcon/catalogue", "", ""); r.status != 404 {
			t.Fatalf("status %d", r.status)
		}
	})
}

func TestCatalogueDeleteAndOrder(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	b := signedInMember(t, s)
	csrf := csrfOf(b.do(http.MethodGet, "/events/devcon/catalogue", "", ""))
	for _, name := range []string{"Alpha", "Beta", "Gamma"} {
		if r := b.post("/events/devcon/catalogue/products", url.Values{"csrf": {csrf}, "name.en": {name}, "variants": {"One"}, "visible": {"on"}}); r.status != http.StatusSeeOther {
			t.Fatalf("create %s: %d", name, r.status)
		}
	}
	order := func() string {
		c, _ := s.db.Catalogue(ctx, ev.ID)
		var names []string
		for _, p := range c.Products {
			names = append(names, p.Name["en"])
		}
		return strings.Join(names, ",")
	}
	cat, _ := s.db.Catalogue(ctx, ev.ID)
	id := func(name string) string {
		for _, p := range cat.Products {
			if p.Name["en"] == name {
				return p.ID.String()
			}
		}
		t.Fatalf("no %s", name)
		return ""
	}
	if r := b.post("/events/devcon/catalogue/products/"+id("Gamma")+"/move", url.Values{"csrf": {csrf}, "direction": {"up"}}); r.status != http.StatusSeeOther {
		t.Fatalf("move: %d", r.status)
	}
	if got := order(); got != "Alpha,Gamma,Beta" {
		t.Fatalf("after moving Gamma up: %s", got)
	}
	if _, err := s.db.PlaceOrder(ctx, ev.ID, orderForProduct(cat, "Beta")); err != nil {
		t.Fatal(err)
	}
	r := b.post("/events/devcon/catalogue/products/"+id("Beta")+"/delete", url.Values{"csrf": {csrf}})
	if r.status != 409 || !strings.Contains(r.text(".problems"), "Hide it instead") {
		t.Fatalf("deleting an ordered product: %d %q", r.status, r.text(".problems"))
	}
	if r := b.post("/events/devcon/catalogue/products/"+id("Alpha")+"/delete", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.status)
	}
	if got := order(); got != "Gamma,Beta" {
		t.Fatalf("after deleting Alpha: %s", got)
	}
}

func orderForProduct(cat storefront.Catalogue, name string) storefront.OrderRequest {
	return dbtest.OrderFor(cat, name)
}

func TestStockOfAnotherEventIsNotFound(t *testing.T) {
	s, _, _ := consoleServer(t)
	ctx := context.Background()
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	stock := 5
	p, err := s.db.AddProduct(ctx, other.ID, storefront.Product{Name: storefront.Text{"en": "Theirs"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "One"}, Stock: &stock}}})
	if err != nil {
		t.Fatal(err)
	}
	b := signedInMember(t, s)
	csrf := csrfOf(b.do(http.MethodGet, "/events/devcon/catalogue", "", ""))
	r := b.post("/events/devcon/catalogue/variants/"+p.Variants[0].ID.String()+"/stock", url.Values{"csrf": {csrf}, "delta": {"-5"}, "reason": {"theft"}})
	if r.status != 404 {
		t.Fatalf("adjusting another event's variant through devcon: %d", r.status)
	}
	if left, _ := s.db.VariantStock(ctx, other.ID, p.Variants[0].ID); *left != 5 {
		t.Fatalf("the other event's stock changed to %d", *left)
	}
}

func TestCatalogueEditProductAndAddOptions(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	b := signedInMember(t, s)
	csrf := csrfOf(b.do(http.MethodGet, "/events/devcon/catalogue", "", ""))
	if r := b.post("/events/devcon/catalogue/products", url.Values{"csrf": {csrf}, "name.en": {"Cap"}, "price": {"10"}, "variants": {"S = 2"}, "visible": {"on"}}); r.status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.status)
	}
	cat, _ := s.db.Catalogue(ctx, ev.ID)
	id := cat.Products[0].ID.String()
	page := b.do(http.MethodGet, "/events/devcon/catalogue", "", "")
	if v, _ := page.doc.Find(`form.edit input[name="price"]`).Attr("value"); v != "10.00" {
		t.Errorf("price input %q, want 10.00", v)
	}
	if r := b.post("/events/devcon/catalogue/products/"+id, url.Values{"csrf": {csrf}, "name.en": {"Sun cap"}, "price": {"x"}}); r.status != 422 {
		t.Fatalf("a bad price: %d", r.status)
	}
	if r := b.post("/events/devcon/catalogue/products/"+id, url.Values{"csrf": {csrf}, "name.en": {"Sun cap"}, "price": {"1"},
		"sales_open": {"2030-01-02T10:00"}, "sales_close": {"2030-01-01T10:00"}}); r.status != 422 || !strings.Contains(r.text(".problems"), "the end after the start") {
		t.Fatalf("a window that ends before it starts: %d %q", r.status, r.text(".problems"))
	}
	if r := b.post("/events/devcon/catalogue/products/"+id, url.Values{"csrf": {csrf}, "name.en": {"Sun cap"}, "price": {"12.50"}, "max_per_order": {"2"},
		"description.en": {"Keeps the **sun** off."}, "sales_close": {"2099-12-31T23:00"}}); r.status != http.StatusSeeOther {
		t.Fatalf("update: %d %s", r.status, r.text(".problems"))
	}
	if r := b.post("/events/devcon/catalogue/products/"+id+"/variants", url.Values{"csrf": {csrf}, "variants": {"XL = 4"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add options: %d %s", r.status, r.text(".problems"))
	}
	cat, _ = s.db.Catalogue(ctx, ev.ID)
	p := cat.Products[0]
	if p.Name["en"] != "Sun cap" || p.PriceMinor != 1250 || p.MaxPerOrder != 2 || len(p.Variants) != 2 || p.Variants[1].Label["en"] != "XL" || *p.Variants[1].Stock != 4 ||
		p.Description["en"] != "Keeps the **sun** off." || p.SalesCloseAt == nil || p.SalesCloseAt.Year() != 2099 {
		t.Fatalf("after editing: %+v", p)
	}
	waitFor(t, time.Second, func() bool {
		return strings.Contains(s.get("devcon.shop.test", "/").text(".products"), "Sun cap")
	})
}

func TestDuplicateFromAnotherEvent(t *testing.T) {
	s, ev, st := consoleServer(t)
	ctx := context.Background()
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	stock := 7
	if _, err := s.db.AddProduct(ctx, other.ID, storefront.Product{Name: storefront.Text{"en": "Mug"}, Visible: true, PriceMinor: 900,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "White"}, Stock: &stock}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.db.AddFormField(ctx, other.ID, form.Field{Key: "tshirt_text", Scope: form.ScopeItem, Type: form.TypeText, Label: map[string]string{"en": "Print"}}); err != nil {
		t.Fatal(err)
	}
	b := signedInMember(t, s)
	csrf := csrfOf(b.do(http.MethodGet, "/events/devcon/catalogue", "", ""))
	t.Run("an event the member cannot edit is refused", func(t *testing.T) {
		r := b.post("/events/devcon/catalogue/duplicate", url.Values{"csrf": {csrf}, "from": {"other"}})
		if r.status != 422 || !strings.Contains(r.text(".problems"), "another event you may edit") {
			t.Fatalf("status %d %q", r.status, r.text(".problems"))
		}
		if c, _ := s.db.Catalogue(ctx, ev.ID); len(c.Products) != 0 {
			t.Fatal("a refused copy wrote products")
		}
	})
	if err := s.staff.SetRole(ctx, st.ID, other.ID, st.ID, "marketing"); err != nil {
		t.Fatal(err)
	}
	t.Run("products, stock and fields are copied", func(t *testing.T) {
		if r := b.post("/events/devcon/catalogue/duplicate", url.Values{"csrf": {csrf}, "from": {"other"}}); r.status != http.StatusSeeOther {
			t.Fatalf("copy: %d %s", r.status, r.text(".problems"))
		}
		c, _ := s.db.Catalogue(ctx, ev.ID)
		if len(c.Products) != 1 || c.Products[0].Name["en"] != "Mug" || c.Products[0].PriceMinor != 900 || *c.Products[0].Variants[0].Stock != 7 {
			t.Fatalf("copied catalogue %+v", c)
		}
		fields, _ := s.db.FormFields(ctx, ev.ID)
		if len(fields) != 1 || fields[0].Key != "tshirt_text" {
			t.Fatalf("copied fields %+v", fields)
		}
		src, _ := s.db.Catalogue(ctx, other.ID)
		if src.Products[0].Variants[0].ID == c.Products[0].Variants[0].ID {
			t.Fatal("the copy shares the source's variant")
		}
	})
}

package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"marquee/storefront/form"
	"marquee/storefront/suppliers"
	"marquee/tenant/staff"
)

// confirmOf checks a confirm page: a heading, what will happen, a form
// posting to the page's own address with the session's token, and a
// Cancel link to cancel.
func confirmOf(t *testing.T, r *response, path, heading, cancel string) url.Values {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d", path, r.status)
	}
	if got := r.text("h1"); got != heading {
		t.Errorf("GET %s asks %q, want %q", path, got, heading)
	}
	if r.text(".confirm-page .effects li") == "" {
		t.Errorf("GET %s says nothing of what will happen", path)
	}
	f := r.doc.Find("form.confirm")
	if action, _ := f.Attr("action"); action != path {
		t.Errorf("the confirm form posts to %q, want %q", action, path)
	}
	if method, _ := f.Attr("method"); method != "post" {
		t.Errorf("the confirm form's method is %q", method)
	}
	if href, _ := r.doc.Find(".confirm-page a.cancel").Attr("href"); href != cancel {
		t.Errorf("Cancel goes to %q, want %q", href, cancel)
	}
	values := url.Values{}
	f.Find("input[type=hidden]").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		value, _ := in.Attr("value")
		values.Add(name, value)
	})
	if values.Get("csrf") == "" {
		t.Errorf("the confirm form carries no token")
	}
	return values
}

// refused fails unless every path answers 404 to a GET of b.
func refused(t *testing.T, b *shop, paths ...string) {
	t.Helper()
	for _, path := range paths {
		if r := b.do(http.MethodGet, path, "", ""); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, r.status)
		}
	}
}

func TestConfirmBeforeDeletingSuppliersAndDomains(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	owner := consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
	marketing := signedInMember(t, s)
	ours, err := s.db.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: "Acme", Emails: []string{"a@acme.example"}, Mode: suppliers.ModePerOrder,
		ProductIDs: []uuid.UUID{addSizedProduct(t, s, ev, "Hoodie").ID}})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := s.db.SaveSupplier(ctx, other.ID, suppliers.Supplier{Name: "Theirs", Emails: []string{"t@other.example"}, Mode: suppliers.ModePerOrder,
		ProductIDs: []uuid.UUID{addSizedProduct(t, s, other, "Cap").ID}})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("deleting a supplier: the page asks, the POST deletes", func(t *testing.T) {
		page := "/events/devcon/suppliers/" + ours.String()
		if href, _ := consolePage(t, owner, page).doc.Find("a.delete").Attr("href"); href != page+"/delete" {
			t.Fatalf("the supplier's Delete goes to %q", href)
		}
		values := confirmOf(t, owner.do(http.MethodGet, page+"/delete", "", ""), page+"/delete", "Delete the supplier Acme?", page)
		if len(storedSuppliers(t, s, ev)) != 1 {
			t.Fatal("asking deleted the supplier")
		}
		refused(t, owner, "/events/devcon/suppliers/"+theirs.String()+"/delete", "/events/devcon/suppliers/"+uuid.NewString()+"/delete",
			"/events/devcon/suppliers/not-an-id/delete", "/events/other/suppliers/"+theirs.String()+"/delete")
		refused(t, marketing, page+"/delete")
		if r := owner.post(page+"/delete", url.Values{"csrf": {"forged"}}); r.status != http.StatusForbidden || len(storedSuppliers(t, s, ev)) != 1 {
			t.Fatalf("a forged token: %d", r.status)
		}
		if r := owner.post(page+"/delete", values); r.status != http.StatusSeeOther || len(storedSuppliers(t, s, ev)) != 0 {
			t.Fatalf("confirmed: %d, %d suppliers left", r.status, len(storedSuppliers(t, s, ev)))
		}
		if len(storedSuppliers(t, s, other)) != 1 {
			t.Fatal("the other event's supplier went too")
		}
	})
	t.Run("removing a domain: the page asks, the POST removes", func(t *testing.T) {
		for slug, name := range map[string]string{"devcon": "shop.devcon.org", "other": "shop.other.org"} {
			if _, _, err := s.provision.AddDomain(ctx, slug, name); err != nil {
				t.Fatal(err)
			}
		}
		path := "/events/devcon/domains/shop.devcon.org/remove"
		if href, _ := consolePage(t, owner, "/events/devcon/domains").doc.Find("a.remove").Attr("href"); href != path {
			t.Fatalf("Remove goes to %q", href)
		}
		values := confirmOf(t, owner.do(http.MethodGet, path, "", ""), path, "Remove the domain shop.devcon.org?", "/events/devcon/domains")
		refused(t, owner, "/events/devcon/domains/shop.other.org/remove", "/events/devcon/domains/nothing.example/remove")
		refused(t, marketing, path)
		if r := owner.post(path, values); r.status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d", r.status)
		}
		for slug, want := range map[string]int{"devcon": 0, "other": 1} {
			if list, err := s.provision.Domains(ctx, slug); err != nil || len(list) != want {
				t.Errorf("%s's domains: %v %v", slug, list, err)
			}
		}
	})
}

func TestConfirmBeforeDeletingFromTheCatalogueAndForm(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	b := signedInMember(t, s)
	hoodie, cap := addSizedProduct(t, s, ev, "Hoodie"), addSizedProduct(t, s, other, "Cap")
	for id, f := range map[uuid.UUID]form.Field{ev.ID: {Key: "company", Label: map[string]string{"en": "Company"}},
		other.ID: {Key: "secret", Label: map[string]string{"en": "Secret"}}} {
		f.Scope, f.Type, f.Position = form.ScopeCustomer, form.TypeText, 1
		if err := s.db.AddFormField(ctx, id, f); err != nil {
			t.Fatal(err)
		}
	}
	products := "/events/devcon/catalogue/products/"
	variants := "/events/devcon/catalogue/variants/"
	confirmOf(t, b.do(http.MethodGet, products+hoodie.ID.String()+"/delete", "", ""), products+hoodie.ID.String()+"/delete",
		"Delete the product Hoodie?", "/events/devcon/catalogue")
	values := confirmOf(t, b.do(http.MethodGet, variants+hoodie.Variants[2].ID.String()+"/delete", "", ""), variants+hoodie.Variants[2].ID.String()+"/delete",
		"Delete the option L of Hoodie?", "/events/devcon/catalogue")
	fields := confirmOf(t, b.do(http.MethodGet, "/events/devcon/form/fields/company/remove", "", ""), "/events/devcon/form/fields/company/remove",
		"Remove the field Company from the order form?", "/events/devcon/form")
	refused(t, b, products+cap.ID.String()+"/delete", products+uuid.NewString()+"/delete", products+"x/delete",
		variants+cap.Variants[0].ID.String()+"/delete", variants+hoodie.ID.String()+"/delete",
		"/events/devcon/form/fields/secret/remove", "/events/other/form/fields/secret/remove")
	refused(t, fulfilmentMember(t, s, ev), products+hoodie.ID.String()+"/delete", "/events/devcon/form/fields/company/remove")

	cat, err := s.db.Catalogue(ctx, ev.ID)
	if err != nil || len(cat.Products) != 1 || len(cat.Products[0].Variants) != 3 {
		t.Fatalf("asking changed the catalogue: %+v %v", cat, err)
	}
	if r := b.post(variants+hoodie.Variants[2].ID.String()+"/delete", values); r.status != http.StatusSeeOther {
		t.Fatalf("confirmed option: %d", r.status)
	}
	if cat, err := s.db.Catalogue(ctx, ev.ID); err != nil || len(cat.Products[0].Variants) != 2 {
		t.Fatalf("after confirming: %+v %v", cat, err)
	}
	if r := b.post("/events/devcon/form/fields/company/remove", fields); r.status != http.StatusSeeOther {
		t.Fatalf("confirmed field: %d", r.status)
	}
	if list, err := s.db.FormFields(ctx, ev.ID); err != nil || len(list) != 0 {
		t.Fatalf("fields after confirming: %+v %v", list, err)
	}
}

func TestConfirmBulkStatusChange(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	hoodie := addSizedProduct(t, s, ev, "Hoodie")
	first, second := placeOrderOf(t, s, ev, hoodie, 0, "Ada"), placeOrderOf(t, s, ev, hoodie, 1, "Grace")
	theirs := placeOrderOf(t, s, other, addSizedProduct(t, s, other, "Cap"), 0, "Eve")
	b := fulfilmentMember(t, s, ev)

	list := consolePage(t, b, "/events/devcon/orders")
	if method, _ := list.doc.Find("form.bulk").Attr("method"); method != "get" {
		t.Fatalf("the bulk form's method is %q: it should ask first", method)
	}
	ask := "/events/devcon/orders/status?" + url.Values{"number": {first.Number, second.Number}, "status": {"confirmed"}, "note": {"Packed"}}.Encode()
	r := b.do(http.MethodGet, ask, "", "")
	values := confirmOf(t, r, "/events/devcon/orders/status", "Change the status of the chosen orders (2)?", "/events/devcon/orders")
	if items := r.text(".confirm-items"); !strings.Contains(items, first.Number) || !strings.Contains(items, "Grace") {
		t.Errorf("the orders asked about: %q", items)
	}
	if got := values["number"]; len(got) != 2 || values.Get("status") != "confirmed" || values.Get("note") != "Packed" {
		t.Errorf("the confirm form carries %v", values)
	}
	for _, o := range []string{first.Number, second.Number} {
		if got, _ := s.db.OrderByNumber(ctx, ev.ID, o); got.Status != "placed" {
			t.Fatalf("asking moved %s to %s", o, got.Status)
		}
	}

	for query, want := range map[string]int{
		url.Values{"number": {first.Number, theirs.Number}, "status": {"confirmed"}}.Encode(): http.StatusNotFound,
		url.Values{"status": {"confirmed"}}.Encode():                                          http.StatusBadRequest,
		url.Values{"number": {first.Number}, "status": {"lost"}}.Encode():                     http.StatusBadRequest,
	} {
		r := b.do(http.MethodGet, "/events/devcon/orders/status?"+query, "", "")
		if r.status != want {
			t.Errorf("GET ?%s: %d, want %d", query, r.status, want)
		}
	}
	if r := b.do(http.MethodGet, "/events/devcon/orders/status?status=confirmed", "", ""); !strings.Contains(r.text("main"), "Choose at least one order") {
		t.Errorf("no order chosen says %q", r.text("main"))
	}
	refused(t, signedInMember(t, s), ask)

	if r := b.post("/events/devcon/orders/status", values); r.status != http.StatusSeeOther {
		t.Fatalf("confirmed: %d", r.status)
	}
	for _, o := range []string{first.Number, second.Number} {
		if got, _ := s.db.OrderByNumber(ctx, ev.ID, o); got.Status != "confirmed" {
			t.Errorf("%s is %s after confirming", o, got.Status)
		}
	}
}

func TestConfirmSuspendAndArchive(t *testing.T) {
	s, ev, _ := consoleServer(t)
	admin := platformAdmin(t, s)
	owner := consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
	page := consolePage(t, admin, "/platform/events/devcon")
	for _, kind := range []string{"suspend", "archive"} {
		if href, _ := page.doc.Find("a." + kind).Attr("href"); href != "/platform/events/devcon/"+kind {
			t.Errorf("%s goes to %q", kind, href)
		}
	}
	confirmOf(t, admin.do(http.MethodGet, "/platform/events/devcon/archive", "", ""), "/platform/events/devcon/archive",
		"Archive Name of devcon?", "/platform/events/devcon")
	values := confirmOf(t, admin.do(http.MethodGet, "/platform/events/devcon/suspend", "", ""), "/platform/events/devcon/suspend",
		"Suspend Name of devcon?", "/platform/events/devcon")
	refused(t, owner, "/platform/events/devcon/suspend", "/platform/events/devcon/archive")
	refused(t, admin, "/platform/events/nothing/suspend")
	if got, _ := s.db.TenantBySlug(context.Background(), "devcon"); got.Status != "active" {
		t.Fatalf("asking suspended the event: %s", got.Status)
	}
	if r := admin.post("/platform/events/devcon/suspend", values); r.status != http.StatusSeeOther {
		t.Fatalf("confirmed: %d", r.status)
	}
	if got, _ := s.db.TenantBySlug(context.Background(), "devcon"); got.Status != "suspended" {
		t.Fatalf("after confirming: %s", got.Status)
	}
}

// TestConfirmCancellingAnOrder: staff cancel one order from its page on a
// page of its own that asks first; the status list no longer offers it.
func TestConfirmCancellingAnOrder(t *testing.T) {
	ctx := context.Background()
	s, ev, _ := consoleServer(t)
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	hoodie := addSizedProduct(t, s, ev, "Hoodie")
	mine := placeOrderOf(t, s, ev, hoodie, 0, "Ada")
	theirs := placeOrderOf(t, s, other, addSizedProduct(t, s, other, "Cap"), 0, "Eve")
	b := fulfilmentMember(t, s, ev)
	page, ask := "/events/devcon/orders/"+mine.Number, "/events/devcon/orders/"+mine.Number+"/cancel"

	detail := consolePage(t, b, page)
	if href, _ := detail.doc.Find("p.cancel-order a.danger").Attr("href"); href != ask {
		t.Errorf("the order's page links %q to cancel, want %q", href, ask)
	}
	if n := detail.doc.Find(`select[name="status"] option[value="cancelled"]`).Length(); n != 0 {
		t.Errorf("the status list still offers cancelling at once")
	}
	values := confirmOf(t, b.do(http.MethodGet, ask+"?note=Duplicate", "", ""), ask, "Cancel order "+mine.Number+" of Ada?", page)
	if values.Get("note") != "Duplicate" {
		t.Errorf("the confirm form carries %v", values)
	}
	if got, _ := s.db.OrderByNumber(ctx, ev.ID, mine.Number); got.Status != "placed" {
		t.Fatalf("asking moved the order to %s", got.Status)
	}
	refused(t, b, "/events/devcon/orders/"+theirs.Number+"/cancel", "/events/devcon/orders/NOPE-NOPE/cancel")
	refused(t, signedInMember(t, s), ask)
	if r := b.post("/events/devcon/orders/"+theirs.Number+"/cancel", values); r.status != http.StatusNotFound {
		t.Errorf("cancelling another event's order: %d, want 404", r.status)
	}
	if got, _ := s.db.OrderByNumber(ctx, other.ID, theirs.Number); got.Status != "placed" {
		t.Errorf("the other event's order is %s", got.Status)
	}
	forged := url.Values{"csrf": {"forged"}, "note": {""}}
	if r := b.post(ask, forged); r.status != http.StatusForbidden {
		t.Errorf("a forged token: %d, want 403", r.status)
	}

	if r := b.post(ask, values); r.status != http.StatusSeeOther {
		t.Fatalf("confirmed: %d", r.status)
	}
	got, _ := s.db.OrderByNumber(ctx, ev.ID, mine.Number)
	if got.Status != "cancelled" || got.History[len(got.History)-1].Note != "Duplicate" {
		t.Errorf("after confirming: %s, history %+v", got.Status, got.History)
	}
	if consolePage(t, b, page).doc.Find("p.cancel-order").Length() != 0 {
		t.Errorf("a cancelled order still offers cancelling")
	}
}

package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront/suppliers"
	"marquee/tenant"
)

// storedSuppliers are the suppliers of ev in the database.
func storedSuppliers(t *testing.T, s *testServer, ev *tenant.Tenant) []suppliers.Supplier {
	t.Helper()
	list, err := s.db.Suppliers(context.Background(), ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// formWith is a copy of v with the keys and values of kv set; an empty
// value removes its key.
func formWith(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			out.Del(kv[i])
			continue
		}
		out.Set(kv[i], kv[i+1])
	}
	return out
}

func TestConsoleSuppliers(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	hoodie := addSizedProduct(t, s, ev, "Hoodie")
	shirt := addSizedProduct(t, s, ev, "T-shirt")
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	theirs := addSizedProduct(t, s, other, "Their hoodie")
	b := fulfilmentMember(t, s, ev)
	page := consolePage(t, b, "/events/devcon/suppliers")
	if page.doc.Find(`form.supplier-form input[name="product"]`).Length() != 2 || page.doc.Find(`form.supplier-form input[name="variant"]`).Length() != 6 {
		t.Fatalf("the form's checkboxes: %q", page.text("form.supplier-form .supplier-items"))
	}
	csrf := csrfOf(page)
	hoodieM := hoodie.Variants[1].ID.String()
	valid := url.Values{"csrf": {csrf}, "name": {"Acme Print"}, "emails": {"orders@acme.example\r\nboss@acme.example\r\n"},
		"mode": {"per_order"}, "variant": {hoodieM}}

	t.Run("every refusal shows its message, keeps the values and stores nothing", func(t *testing.T) {
		tests := []struct {
			name, field, message string
			form                 url.Values
		}{
			{"a name is required", "name", "supplier.name_required", formWith(valid, "name", "  ")},
			{"a name of 201 characters is too long", "name", "supplier.name_too_long", formWith(valid, "name", strings.Repeat("n", 201))},
			{"an email is required", "emails", "supplier.email_required", formWith(valid, "emails", "\n \n")},
			{"an address with a display name is refused", "emails", "supplier.email_invalid", formWith(valid, "emails", "Acme <orders@acme.example>")},
			{"eleven addresses are too many", "emails", "supplier.too_many_emails", formWith(valid, "emails", strings.Repeat("a@acme.example\n", 11))},
			{"a mode is required", "mode", "supplier.mode_invalid", formWith(valid, "mode", "")},
			{"an unknown mode is refused", "mode", "supplier.mode_invalid", formWith(valid, "mode", "weekly")},
			{"a send time must be a time", "send_at", "console.suppliers.send_at_invalid", formWith(valid, "mode", "batch", "send_at", "tomorrow")},
			{"at least one product or option", "items", "supplier.items_required", formWith(valid, "variant", "")},
			{"an option of another event is refused", "items", "supplier.items_required", formWith(valid, "variant", theirs.Variants[0].ID.String())},
			{"a product of another event is refused", "items", "supplier.items_required", formWith(valid, "product", theirs.ID.String())},
			{"an id that is no id is refused", "items", "supplier.items_required", formWith(valid, "product", "hoodie")},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := b.post("/events/devcon/suppliers", tc.form)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %s", r.status, r.text("#problem"))
				}
				if got, want := r.text("#problem"), enMessage(s, tc.message); got != want {
					t.Errorf("message %q, want %q", got, want)
				}
				if field, _ := r.doc.Find("#problem").Attr("data-field"); field != tc.field {
					t.Errorf("field %q, want %q", field, tc.field)
				}
				if v, _ := r.doc.Find(`form.supplier-form input[name="name"]`).Attr("value"); v != tc.form.Get("name") {
					t.Errorf("the name was not kept: %q", v)
				}
				if got := r.doc.Find(`form.supplier-form textarea[name="emails"]`).Text(); strings.TrimSpace(got) != strings.TrimSpace(strings.ReplaceAll(tc.form.Get("emails"), "\r\n", "\n")) {
					t.Errorf("the emails were not kept: %q", got)
				}
				if n := len(storedSuppliers(t, s, ev)); n != 0 {
					t.Fatalf("%d suppliers stored after a refusal", n)
				}
			})
		}
	})

	var id string
	t.Run("a valid supplier is created and listed", func(t *testing.T) {
		r := b.post("/events/devcon/suppliers", valid)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/events/devcon/suppliers?saved=supplier_created" {
			t.Fatalf("create: %d to %q: %s", r.status, r.header.Get("Location"), r.text("#problem"))
		}
		list := storedSuppliers(t, s, ev)
		if len(list) != 1 || list[0].Name != "Acme Print" || list[0].Mode != suppliers.ModePerOrder || len(list[0].ProductIDs) != 0 ||
			len(list[0].VariantIDs) != 1 || list[0].VariantIDs[0] != hoodie.Variants[1].ID || strings.Join(list[0].Emails, ",") != "orders@acme.example,boss@acme.example" {
			t.Fatalf("stored %+v", list)
		}
		id = list[0].ID.String()
		page := consolePage(t, b, "/events/devcon/suppliers?saved=supplier_created")
		row := page.doc.Find(`table.suppliers tr[data-supplier="` + id + `"]`)
		if page.text("#flash") != enMessage(s, "console.suppliers.created") || row.Find(".makes").Text() != "Hoodie · M" ||
			row.Find(".mode").Text() != enMessage(s, "console.suppliers.mode_per_order") || !strings.Contains(row.Find(".emails").Text(), "boss@acme.example") {
			t.Fatalf("listed %q (notice %q)", row.Text(), page.text("#flash"))
		}
	})
	t.Run("the edit form is filled in and saves", func(t *testing.T) {
		r := consolePage(t, b, "/events/devcon/suppliers/"+id)
		if v, _ := r.doc.Find(`input[name="name"]`).Attr("value"); v != "Acme Print" {
			t.Fatalf("name %q", v)
		}
		if _, ok := r.doc.Find(`input[name="mode"][value="per_order"]`).Attr("checked"); !ok {
			t.Error("per order is not ticked")
		}
		if _, ok := r.doc.Find(`input[name="variant"][value="` + hoodieM + `"]`).Attr("checked"); !ok {
			t.Error("Hoodie M is not ticked")
		}
		if got := r.doc.Find(`textarea[name="emails"]`).Text(); got != "orders@acme.example\nboss@acme.example" {
			t.Errorf("emails %q", got)
		}
		edit := url.Values{"csrf": {csrfOf(r)}, "name": {"Acme Print & Sons"}, "emails": {"orders@acme.example"}, "mode": {"batch"},
			"send_at": {"2030-01-02T10:00"}, "product": {shirt.ID.String()}, "variant": {shirt.Variants[0].ID.String(), hoodieM}}
		if r := b.post("/events/devcon/suppliers/"+id, formWith(edit, "name", "")); r.status != 422 || r.text("#problem") != enMessage(s, "supplier.name_required") {
			t.Fatalf("a refused edit: %d %q", r.status, r.text("#problem"))
		}
		if got := storedSuppliers(t, s, ev)[0]; got.Name != "Acme Print" || got.Mode != suppliers.ModePerOrder {
			t.Fatalf("a refused edit changed the supplier: %+v", got)
		}
		if r := b.post("/events/devcon/suppliers/"+id, edit); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text("#problem"))
		}
		got := storedSuppliers(t, s, ev)[0]
		want := time.Date(2030, 1, 2, 10, 0, 0, 0, time.UTC)
		if got.Name != "Acme Print & Sons" || got.Mode != suppliers.ModeBatch || got.SendAt == nil || !got.SendAt.Equal(want) ||
			len(got.ProductIDs) != 1 || got.ProductIDs[0] != shirt.ID || len(got.VariantIDs) != 1 || got.VariantIDs[0] != hoodie.Variants[1].ID {
			t.Fatalf("saved %+v (the shirt's own option must go: the whole shirt covers it)", got)
		}
		row := consolePage(t, b, "/events/devcon/suppliers").doc.Find(`table.suppliers tr[data-supplier="` + id + `"]`)
		if !strings.Contains(row.Find(".send-at").Text(), "2 Jan 2030, 10:00") || !strings.Contains(row.Find(".makes").Text(), enMessage(s, "console.suppliers.all_options", "Product", "T-shirt")) {
			t.Fatalf("listed %q", row.Text())
		}
	})
	t.Run("the list downloads with its lines, and the download is audited", func(t *testing.T) {
		o := placeOrderOf(t, s, ev, hoodie, 1, "Grace Hopper")
		placeOrderOf(t, s, ev, hoodie, 0, "Not Theirs") // size S: another supplier's
		r := b.do(http.MethodGet, "/events/devcon/suppliers/"+id+"/batch.csv", "", "")
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("csv: %d %q %q", r.status, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"))
		}
		lines := strings.Split(strings.TrimSpace(r.body), "\n")
		if !strings.HasPrefix(r.body, "\uFEFF") || strings.TrimSpace(strings.TrimPrefix(lines[0], "\uFEFF")) != "order,placed_at,product,variant,quantity,recipient,address,country_code" {
			t.Fatalf("csv head %q", lines[0])
		}
		if len(lines) != 2 || !strings.HasPrefix(lines[1], o.Number+",") || !strings.Contains(lines[1], ",Hoodie,M,1,Grace Hopper") {
			t.Fatalf("csv lines %q", lines)
		}
		x := b.do(http.MethodGet, "/events/devcon/suppliers/"+id+"/batch.xlsx", "", "")
		if x.status != 200 || !strings.Contains(x.header.Get("Content-Type"), "spreadsheetml") || !strings.HasPrefix(x.body, "PK") {
			t.Fatalf("xlsx: %d %q", x.status, x.header.Get("Content-Type"))
		}
		entries, err := s.staff.AuditLog(ctx, &ev.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		downloads := 0
		for _, e := range entries {
			if e.Action == "supplier_batch_download" && e.Subject == "Acme Print & Sons" {
				downloads++
			}
		}
		if downloads != 2 {
			t.Fatalf("%d downloads audited, want 2", downloads)
		}
	})
	t.Run("a supplier of another event is not found", func(t *testing.T) {
		theirID, err := s.db.SaveSupplier(ctx, other.ID, suppliers.Supplier{Name: "Their shop", Emails: []string{"shop@other.example"},
			Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{theirs.ID}})
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range []string{theirID.String(), uuid.NewString(), "not-an-id"} {
			base := "/events/devcon/suppliers/" + ref
			for _, path := range []string{base, base + "/batch.csv", base + "/batch.xlsx"} {
				if r := b.do(http.MethodGet, path, "", ""); r.status != 404 {
					t.Errorf("GET %s: %d", path, r.status)
				}
			}
			for _, path := range []string{base, base + "/delete", base + "/send"} {
				if r := b.post(path, formWith(valid, "name", "Hijacked")); r.status != 404 {
					t.Errorf("POST %s: %d", path, r.status)
				}
			}
		}
		if list := storedSuppliers(t, s, other); len(list) != 1 || list[0].Name != "Their shop" {
			t.Fatalf("the other event's supplier changed: %+v", list)
		}
	})
	t.Run("marketing staff do not see suppliers", func(t *testing.T) {
		m := signedInMember(t, s)
		for _, path := range []string{"/events/devcon/suppliers", "/events/devcon/suppliers/" + id, "/events/devcon/suppliers/" + id + "/batch.csv"} {
			if r := m.do(http.MethodGet, path, "", ""); r.status != 404 {
				t.Errorf("GET %s as marketing: %d", path, r.status)
			}
		}
		csrf := csrfOf(consolePage(t, m, "/events/devcon/branding"))
		if r := m.post("/events/devcon/suppliers", formWith(valid, "csrf", csrf)); r.status != 404 {
			t.Errorf("POST as marketing: %d", r.status)
		}
		overview := consolePage(t, m, "/events/devcon/dashboard")
		if overview.doc.Find("a.suppliers-link").Length() != 0 || overview.doc.Find(`nav.console-nav a.emails-link[href="/events/devcon/emails"]`).Length() != 1 {
			t.Errorf("marketing's links: %q", overview.text("nav.console-nav"))
		}
	})
	t.Run("a POST without the session's token is refused", func(t *testing.T) {
		if r := b.post("/events/devcon/suppliers/"+id+"/delete", url.Values{"csrf": {"forged"}}); r.status != 403 {
			t.Fatalf("status %d", r.status)
		}
	})
	t.Run("delete removes the supplier", func(t *testing.T) {
		r := b.post("/events/devcon/suppliers/"+id+"/delete", url.Values{"csrf": {csrf}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/events/devcon/suppliers?saved=supplier_deleted" {
			t.Fatalf("delete: %d %q", r.status, r.header.Get("Location"))
		}
		if n := len(storedSuppliers(t, s, ev)); n != 0 {
			t.Fatalf("%d suppliers left", n)
		}
		if r := b.do(http.MethodGet, "/events/devcon/suppliers/"+id, "", ""); r.status != 404 {
			t.Fatalf("a deleted supplier: %d", r.status)
		}
	})
}

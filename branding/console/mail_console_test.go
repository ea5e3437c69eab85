package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/storefront"
	"marquee/storefront/suppliers"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// wantEmailFrameCSP is the policy of an email's HTML part in the console.
const wantEmailFrameCSP = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-ancestors 'self'"

// enMessage is a message of en.toml, as the console shows it.
func enMessage(s *testServer, id string, kv ...any) string {
	return s.themes.Translations().T("en", id, kv...)
}

// addSizedProduct adds a product in S, M and L to ev.
func addSizedProduct(t *testing.T, s *testServer, ev *tenant.Tenant, name string) storefront.Product {
	t.Helper()
	p, err := s.db.AddProduct(context.Background(), ev.ID, storefront.Product{Name: storefront.Text{"en": name}, Visible: true, PriceMinor: 3000,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "S"}, Position: 1}, {Label: storefront.Text{"en": "M"}, Position: 2},
			{Label: storefront.Text{"en": "L"}, Position: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// placeOrderOf places an order of one variant of p for ev.
func placeOrderOf(t *testing.T, s *testServer, ev *tenant.Tenant, p storefront.Product, variant int, name string) *storefront.Order {
	t.Helper()
	o, err := s.db.PlaceOrder(context.Background(), ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "buyer@example.com",
		Name: name, Locale: "en", Lines: []storefront.Line{{ProductID: p.ID, VariantID: p.Variants[variant].ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

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
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/events/devcon/suppliers?notice=created" {
			t.Fatalf("create: %d to %q: %s", r.status, r.header.Get("Location"), r.text("#problem"))
		}
		list := storedSuppliers(t, s, ev)
		if len(list) != 1 || list[0].Name != "Acme Print" || list[0].Mode != suppliers.ModePerOrder || len(list[0].ProductIDs) != 0 ||
			len(list[0].VariantIDs) != 1 || list[0].VariantIDs[0] != hoodie.Variants[1].ID || strings.Join(list[0].Emails, ",") != "orders@acme.example,boss@acme.example" {
			t.Fatalf("stored %+v", list)
		}
		id = list[0].ID.String()
		page := consolePage(t, b, "/events/devcon/suppliers?notice=created")
		row := page.doc.Find(`table.suppliers tr[data-supplier="` + id + `"]`)
		if page.text("#notice") != enMessage(s, "console.suppliers.created") || row.Find(".makes").Text() != "Hoodie · M" ||
			row.Find(".mode").Text() != enMessage(s, "console.suppliers.mode_per_order") || !strings.Contains(row.Find(".emails").Text(), "boss@acme.example") {
			t.Fatalf("listed %q (notice %q)", row.Text(), page.text("#notice"))
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
		home := consolePage(t, m, "/")
		if home.doc.Find("a.suppliers-link").Length() != 0 || home.doc.Find(`a.emails-link[href="/events/devcon/emails"]`).Length() != 1 {
			t.Errorf("marketing's links: %q", home.text("table.events"))
		}
	})
	t.Run("a POST without the session's token is refused", func(t *testing.T) {
		if r := b.post("/events/devcon/suppliers/"+id+"/delete", url.Values{"csrf": {"forged"}}); r.status != 403 {
			t.Fatalf("status %d", r.status)
		}
	})
	t.Run("delete removes the supplier", func(t *testing.T) {
		r := b.post("/events/devcon/suppliers/"+id+"/delete", url.Values{"csrf": {csrf}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/events/devcon/suppliers?notice=deleted" {
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

func TestConsoleEmailPreviews(t *testing.T) {
	s, _, _ := consoleServer(t)
	b := signedInMember(t, s)
	list := consolePage(t, b, "/events/devcon/emails")
	rows := list.doc.Find("table.email-kinds tbody tr")
	if rows.Length() != 10 {
		t.Fatalf("%d kinds listed, want 10", rows.Length())
	}
	if got := list.text(`tr[data-kind="status_dispatched"] .name`); got != "Order dispatched" {
		t.Errorf("kind name %q", got)
	}
	titles := map[string]string{"en": "Welcome to devcon", "de": "Willkommen bei devcon"} // the event's title in each language
	rows.Each(func(_ int, row *goquery.Selection) {
		kind, _ := row.Attr("data-kind")
		for _, lang := range []string{"en", "de"} {
			href, ok := row.Find(`a[data-lang="` + lang + `"]`).Attr("href")
			if !ok || href != "/events/devcon/emails/"+kind+"?lang="+lang {
				t.Errorf("%s in %s: link %q", kind, lang, href)
				continue
			}
			r := b.do(http.MethodGet, href, "", "")
			if r.status != 200 || !strings.Contains(r.text("#subject"), titles[lang]) || r.text("#text-part") == "" {
				t.Errorf("%s in %s: %d, subject %q", kind, lang, r.status, r.text("#subject"))
			}
			if r.doc.Find("html").AttrOr("lang", "") != "en" {
				t.Errorf("%s in %s: the console left English", kind, lang)
			}
			src, _ := r.doc.Find("iframe.email-html[sandbox]").Attr("src")
			h := b.do(http.MethodGet, src, "", "")
			if h.status != 200 || h.header.Get("Content-Security-Policy") != wantEmailFrameCSP || h.doc.Find("script").Length() != 0 || h.doc.Find("body").Length() != 1 {
				t.Errorf("%s in %s: html %q: %d, CSP %q", kind, lang, src, h.status, h.header.Get("Content-Security-Policy"))
			}
		}
	})
	t.Run("the subject is in the chosen language", func(t *testing.T) {
		en := b.do(http.MethodGet, "/events/devcon/emails/status_dispatched?lang=en", "", "").text("#subject")
		de := b.do(http.MethodGet, "/events/devcon/emails/status_dispatched?lang=de", "", "").text("#subject")
		if want := s.themes.Translations().T("de", "email.status_dispatched.subject", "Number", "K7M3-Q9XZ", "Event", titles["de"]); de != want || en == de {
			t.Fatalf("German subject %q, want %q (English %q)", de, want, en)
		}
	})
	t.Run("an unknown kind or a language the event does not offer is not found", func(t *testing.T) {
		for _, path := range []string{"/events/devcon/emails/birthday", "/events/devcon/emails/birthday/html",
			"/events/devcon/emails/order_confirmation?lang=fr", "/events/devcon/emails/order_confirmation/html?lang=fr",
			"/events/devcon/emails/order_confirmation?lang=xx"} {
			if r := b.do(http.MethodGet, path, "", ""); r.status != 404 {
				t.Errorf("%s: %d", path, r.status)
			}
		}
	})
	t.Run("fulfilment staff do not see the previews", func(t *testing.T) {
		ev, err := s.db.TenantBySlug(context.Background(), "devcon")
		if err != nil {
			t.Fatal(err)
		}
		f := fulfilmentMember(t, s, ev)
		for _, path := range []string{"/events/devcon/emails", "/events/devcon/emails/order_confirmation", "/events/devcon/emails/order_confirmation/html"} {
			if r := f.do(http.MethodGet, path, "", ""); r.status != 404 {
				t.Errorf("%s as fulfilment: %d", path, r.status)
			}
		}
	})
}

func TestConsoleInboxOffWithSMTP(t *testing.T) {
	s := startServerWithSMTP(t, "smtp://127.0.0.1:1") // never dialled: no job is worked
	r := consolePage(t, platformAdmin(t, s), "/platform/inbox")
	if got := r.text("#inbox-off"); got != enMessage(s, "console.inbox.off") || r.doc.Find("table.inbox").Length() != 0 {
		t.Fatalf("inbox with SMTP: %q", r.text("main"))
	}
}

// unworkableArgs is a job no worker is registered for.
type unworkableArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	Note     string    `json:"note"`
}

func (unworkableArgs) Kind() string { return "test_unworkable" }

func TestConsoleInboxAndJobs(t *testing.T) {
	s, ev := consoleServerWithWorkers(t)
	hoodie := addSizedProduct(t, s, ev, "Hoodie")
	o := placeOrderOf(t, s, ev, hoodie, 1, "Grace Hopper")
	admin := platformAdmin(t, s)
	// An email names the event by its title in the email's language.
	subject := enMessage(s, "email.order_confirmation.subject", "Number", o.Number, "Event", "Welcome to devcon")

	var link string
	waitFor(t, 10*time.Second, func() bool {
		r := consolePage(t, admin, "/platform/inbox")
		link, _ = r.doc.Find("table.inbox td.subject a").FilterFunction(func(_ int, a *goquery.Selection) bool { return a.Text() == subject }).Attr("href")
		return link != ""
	})
	msg := consolePage(t, admin, link)
	if msg.text("#subject") != subject || !strings.Contains(msg.text("#text-part"), o.Number) || msg.text("#to") != "buyer@example.com" ||
		!strings.HasPrefix(msg.text("#message-id"), "<") {
		t.Fatalf("message: subject %q, to %q, text %q", msg.text("#subject"), msg.text("#to"), msg.text("#text-part"))
	}
	src, _ := msg.doc.Find("iframe.email-html[sandbox]").Attr("src")
	if src != link+"/html" {
		t.Fatalf("iframe src %q", src)
	}
	html := admin.do(http.MethodGet, src, "", "")
	if html.status != 200 || html.header.Get("Content-Security-Policy") != wantEmailFrameCSP ||
		!strings.Contains(html.body, o.Number) || html.doc.Find("script").Length() != 0 {
		t.Fatalf("html part: %d, CSP %q, XFO %q", html.status, html.header.Get("Content-Security-Policy"), html.header.Get("X-Frame-Options"))
	}
	// serve's headers on the message page and its HTML part are
	// cmd/marquee's TestInboxFramesOnlyTheEmail.

	t.Run("the order lists its confirmation once sent", func(t *testing.T) {
		f := fulfilmentMember(t, s, ev)
		r := consolePage(t, f, "/events/devcon/orders/"+o.Number)
		row := r.doc.Find("table.order-emails tbody tr")
		if row.Length() != 1 || row.Find(".kind").Contents().First().Text() != "Order confirmation" || row.Find(".to").Text() != "buyer@example.com" ||
			row.Find(".message-id").Text() != msg.text("#message-id") {
			t.Fatalf("emails of the order: %q", row.Text())
		}
	})
	t.Run("a supplier's list is queued, sent with its files and recorded", func(t *testing.T) {
		f := consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
		page := consolePage(t, f, "/events/devcon/suppliers")
		r := f.post("/events/devcon/suppliers", url.Values{"csrf": {csrfOf(page)}, "name": {"Acme"}, "emails": {"orders@acme.example"},
			"mode": {"batch"}, "product": {hoodie.ID.String()}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.status, r.text("#problem"))
		}
		id := storedSuppliers(t, s, ev)[0].ID.String()
		r = f.post("/events/devcon/suppliers/"+id+"/send", url.Values{"csrf": {csrfOf(page)}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/events/devcon/suppliers?notice=queued" {
			t.Fatalf("send now: %d %q", r.status, r.header.Get("Location"))
		}
		if got := consolePage(t, f, r.header.Get("Location")).text("#notice"); !strings.Contains(got, "queued") {
			t.Fatalf("notice %q", got)
		}
		var batch *goquery.Selection
		waitFor(t, 10*time.Second, func() bool {
			batch = consolePage(t, f, "/events/devcon/suppliers").doc.Find("table.batches tbody tr")
			return batch.Length() == 1
		})
		if batch.Find(".supplier").Text() != "Acme" || batch.Find(".lines").Text() != "1" {
			t.Fatalf("batch row %q", batch.Text())
		}
		listSubject := enMessage(s, "email.supplier_batch.subject", "Supplier", "Acme", "Event", "Welcome to devcon")
		inbox := consolePage(t, admin, "/platform/inbox")
		first := inbox.doc.Find("table.inbox tbody tr").First()
		if first.Find(".subject").Text() != listSubject {
			t.Fatalf("newest first: %q, want %q", first.Find(".subject").Text(), listSubject)
		}
		href, _ := first.Find(".subject a").Attr("href")
		m := consolePage(t, admin, href)
		att := m.doc.Find("ul.attachments a")
		if att.Length() != 2 {
			t.Fatalf("attachments %q", m.text("ul.attachments"))
		}
		file, _ := att.FilterFunction(func(_ int, a *goquery.Selection) bool { return strings.HasSuffix(a.Text(), ".csv") }).Attr("href")
		d := admin.do(http.MethodGet, file, "", "")
		if d.status != 200 || !strings.HasPrefix(d.header.Get("Content-Disposition"), "attachment;") || !strings.HasPrefix(d.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(d.body, o.Number) {
			t.Fatalf("attachment: %d %q %q", d.status, d.header.Get("Content-Disposition"), d.header.Get("Content-Type"))
		}
		if r := admin.do(http.MethodGet, href+"/attachments/2", "", ""); r.status != 404 {
			t.Errorf("a third attachment: %d", r.status)
		}
	})
	t.Run("the jobs page lists failed jobs and retries only those", func(t *testing.T) {
		r := consolePage(t, admin, "/platform/jobs")
		if r.text(".no-jobs") != enMessage(s, "console.jobs.none") {
			t.Fatalf("jobs page %q", r.text("main"))
		}
		csrf := csrfOf(consolePage(t, admin, "/")) // the jobs page has no form without a failed job
		if r := admin.post("/platform/jobs/1/retry", url.Values{"csrf": {csrf}}); r.status != 404 {
			t.Fatalf("retrying a job that did not fail: %d", r.status)
		}
		// No worker knows this kind: its one attempt fails and it is discarded.
		var id string
		err := s.db.InTenant(context.Background(), ev.ID, func(tx pgx.Tx) error {
			job, err := s.jobs.InsertTx(context.Background(), tx, unworkableArgs{TenantID: ev.ID, Note: "from the test"}, &river.InsertOpts{MaxAttempts: 1})
			if err == nil {
				id = strconv.FormatInt(job.Job.ID, 10)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		row := func() *goquery.Selection {
			return consolePage(t, admin, "/platform/jobs").doc.Find(`table.failed-jobs tr[data-id="` + id + `"]`)
		}
		waitFor(t, 10*time.Second, func() bool { return row().Length() == 1 })
		if got := row(); got.Find(".kind").Text() != "test_unworkable" || !strings.Contains(got.Find(".args").Text(), "from the test") ||
			got.Find(".attempts").Text() != "1" || got.Find(".last-error").Text() == "" {
			t.Fatalf("failed job row %q", got.Text())
		}
		r = admin.post("/platform/jobs/"+id+"/retry", url.Values{"csrf": {csrf}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/platform/jobs?notice=retried" {
			t.Fatalf("retry: %d %q", r.status, r.header.Get("Location"))
		}
		if got := consolePage(t, admin, "/platform/jobs?notice=retried").text("#notice"); got != enMessage(s, "console.jobs.retried") {
			t.Fatalf("notice %q", got)
		}
		waitFor(t, 10*time.Second, func() bool { return row().Find(".attempts").Text() == "2" })
		home := consolePage(t, admin, "/")
		if home.doc.Find(`#inbox-link[href="/platform/inbox"]`).Length() != 1 || home.doc.Find(`#jobs-link[href="/platform/jobs"]`).Length() != 1 {
			t.Fatalf("the admin's links: %q", home.text(".platform-link"))
		}
	})
	t.Run("staff who are not platform admins get 404", func(t *testing.T) {
		m := signedInMember(t, s)
		for _, path := range []string{"/platform/inbox", link, link + "/html", link + "/attachments/0", "/platform/jobs"} {
			if r := m.do(http.MethodGet, path, "", ""); r.status != 404 {
				t.Errorf("GET %s as a member: %d", path, r.status)
			}
		}
		csrf := csrfOf(consolePage(t, m, "/"))
		if r := m.post("/platform/jobs/1/retry", url.Values{"csrf": {csrf}}); r.status != 404 {
			t.Errorf("retry as a member: %d", r.status)
		}
		if home := consolePage(t, m, "/"); home.doc.Find("#inbox-link, #jobs-link").Length() != 0 {
			t.Errorf("a member sees the platform links")
		}
	})
	t.Run("a message that does not exist is not found", func(t *testing.T) {
		for _, path := range []string{"/platform/inbox/999999", "/platform/inbox/abc", "/platform/inbox/999999/html"} {
			if r := admin.do(http.MethodGet, path, "", ""); r.status != 404 {
				t.Errorf("%s: %d", path, r.status)
			}
		}
	})
}

package console

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// fulfilmentMember signs in a fulfilment member of ev.
func fulfilmentMember(t *testing.T, s *testServer, ev *tenant.Tenant) *shop {
	t.Helper()
	ctx := context.Background()
	st, err := s.staff.CreateStaff(ctx, "packer@example.com", "Pat", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.staff.SetPassword(ctx, st.ID, "correct horse battery", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := s.staff.SetRole(ctx, st.ID, ev.ID, st.ID, staff.RoleFulfilment); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	if r := signIn(b, "packer@example.com", "correct horse battery"); r.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.status)
	}
	return b
}

func TestFulfilmentOrders(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	shirt, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "T-shirt"}, Visible: true, PriceMinor: 1000,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "M"}}}})
	if err != nil {
		t.Fatal(err)
	}
	numbers := map[string]string{}
	for _, name := range []string{"Zoë Müller", `=HYPERLINK("http://evil.example")`, "Bob"} {
		o, err := s.db.PlaceOrder(ctx, ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: strings.ToLower(strings.Fields(name + " x")[0][:1]) + uuid.NewString()[:6] + "@example.com",
			Name: name, Locale: "en", Lines: []storefront.Line{{ProductID: shirt.ID, VariantID: shirt.Variants[0].ID, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		numbers[name] = o.Number
	}
	b := fulfilmentMember(t, s, ev)

	t.Run("the list filters and searches", func(t *testing.T) {
		if n := b.do(http.MethodGet, "/events/devcon/orders", "", "").doc.Find("table.orders tbody tr").Length(); n != 3 {
			t.Fatalf("%d orders listed, want 3", n)
		}
		r := b.do(http.MethodGet, "/events/devcon/orders?q=zo%C3%AB", "", "")
		if rows := r.doc.Find("table.orders tbody tr"); rows.Length() != 1 || !strings.Contains(rows.Text(), "Zoë Müller") {
			t.Fatalf("search: %q", rows.Text())
		}
		if r := b.do(http.MethodGet, "/events/devcon/orders?status=cancelled", "", ""); r.doc.Find("table.orders").Length() != 0 || r.text("main p:last-child") == "" {
			t.Fatalf("status filter: %q", r.text("main"))
		}
	})
	t.Run("a status change with a note is in the history; a wrong move is refused", func(t *testing.T) {
		n := numbers["Bob"]
		page := b.do(http.MethodGet, "/events/devcon/orders/"+n, "", "")
		csrf := csrfOf(page)
		if r := b.post("/events/devcon/orders/"+n+"/status", url.Values{"csrf": {csrf}, "status": {"dispatched"}, "note": {"DHL 123"}}); r.status != http.StatusSeeOther {
			t.Fatalf("dispatch: %d %s", r.status, r.text(".problems"))
		}
		page = b.do(http.MethodGet, "/events/devcon/orders/"+n, "", "")
		if page.text("#current-status") != "Dispatched" || !strings.Contains(page.text("ol.history"), "DHL 123") {
			t.Fatalf("after dispatch: %q, history %q", page.text("#current-status"), page.text("ol.history"))
		}
		rows := page.doc.Find("ol.history li small")
		if first, last := rows.First().Text(), rows.Last().Text(); first != "by the attendee" || last != "by you" {
			t.Errorf("the history says who: first %q, last %q; want by the attendee, by you", first, last)
		}
		r := b.post("/events/devcon/orders/"+n+"/status", url.Values{"csrf": {csrf}, "status": {"confirmed"}})
		if r.status != 422 || !strings.Contains(r.text(".problems"), "cannot move to this status") {
			t.Fatalf("a wrong move: %d %q", r.status, r.text(".problems"))
		}
		if r := b.post("/events/devcon/orders/"+n+"/status", url.Values{"csrf": {"forged"}, "status": {"delivered"}}); r.status != 403 {
			t.Fatalf("a forged token: %d", r.status)
		}
	})
	t.Run("the CSV export is neutralised and keeps Unicode", func(t *testing.T) {
		r := b.do(http.MethodGet, "/events/devcon/orders/export.csv", "", "")
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %q", r.status, r.header.Get("Content-Type"))
		}
		records, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil || len(records) != 4 {
			t.Fatalf("csv: %d records, %v\n%s", len(records), err, r.body)
		}
		byName := map[string]bool{}
		for _, rec := range records[1:] {
			byName[rec[3]] = true
		}
		if !byName["Zoë Müller"] || !byName[`'=HYPERLINK("http://evil.example")`] || !byName["Bob"] {
			t.Fatalf("names in the export: %v", byName)
		}
	})
	t.Run("views and exports are audited", func(t *testing.T) {
		entries, err := s.staff.AuditLog(ctx, &ev.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range entries {
			seen[e.Action] = true
		}
		if !seen["order_viewed"] || !seen["orders_exported"] {
			t.Fatalf("audit actions %v", seen)
		}
	})
	t.Run("marketing cannot see orders", func(t *testing.T) {
		m := signedInMember(t, s)
		if r := m.do(http.MethodGet, "/events/devcon/orders", "", ""); r.status != 404 {
			t.Fatalf("marketing opened the orders: %d", r.status)
		}
	})
}

func TestDashboardNumbers(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	shirt, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Shirt"}, Visible: true, Variants: []storefront.Variant{
		{Label: storefront.Text{"en": "S"}, Stock: intp(3)}, {Label: storefront.Text{"en": "M"}, Position: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	place := func(variant, qty int) string { return dbtest.PlaceLine(t, s.db, ev.ID, shirt, variant, qty).Number }
	place(0, 2)
	place(1, 1)
	place(1, 1)
	cancelled := place(1, 1)
	if _, err := s.db.ChangeOrderStatus(ctx, ev.ID, cancelled, storefront.StatusCancelled, "", uuid.New()); err != nil {
		t.Fatal(err)
	}
	b := fulfilmentMember(t, s, ev)
	r := b.do(http.MethodGet, "/events/devcon/dashboard", "", "")
	if r.status != 200 {
		t.Fatalf("dashboard: %d", r.status)
	}
	if got := r.text("#total-orders"); got != "3 orders in these days" {
		t.Errorf("total %q, want 3 (the cancelled order left out)", got)
	}
	if today, _ := r.doc.Find("g.bar").Last().Attr("data-orders"); today != "3" {
		t.Errorf("today's bar shows %q orders, want 3", today)
	}
	if n := r.doc.Find("g.bar").Length(); n != 14 {
		t.Errorf("%d days in the chart, want 14", n)
	}
	rows := r.doc.Find("table.matrix tbody tr")
	small, medium := rows.Eq(0), rows.Eq(1)
	if small.Find(".units").Text() != "2" || !strings.HasPrefix(small.Find(".stock").Text(), "1") || !small.HasClass("low-stock") {
		t.Errorf("S: units %q, stock %q, low %v", small.Find(".units").Text(), small.Find(".stock").Text(), small.HasClass("low-stock"))
	}
	if medium.Find(".units").Text() != "2" || medium.Find(".stock").Text() != "∞" || medium.HasClass("low-stock") {
		t.Errorf("M: units %q, stock %q", medium.Find(".units").Text(), medium.Find(".stock").Text())
	}
	if n := r.doc.Find("ul.latest li").Length(); n != 4 {
		t.Errorf("%d latest orders, want 4", n)
	}
}

func TestOrderFiltersAndBulkStatus(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	shirt, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Shirt"}, Visible: true, Variants: []storefront.Variant{
		{Label: storefront.Text{"en": "S"}}, {Label: storefront.Text{"en": "M"}, Position: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	socks, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Socks"}, Visible: true, Position: 1,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "Pair"}}}})
	if err != nil {
		t.Fatal(err)
	}
	place := func(p storefront.Product, v int) string {
		o, err := s.db.PlaceOrder(ctx, ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: uuid.NewString()[:8] + "@example.com",
			Name: "Buyer", Locale: "en", Lines: []storefront.Line{{ProductID: p.ID, VariantID: p.Variants[v].ID, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		return o.Number
	}
	small, medium, pair := place(shirt, 0), place(shirt, 1), place(socks, 0)
	b := fulfilmentMember(t, s, ev)
	listed := func(query string) []string {
		var numbers []string
		b.do(http.MethodGet, "/events/devcon/orders?"+query, "", "").doc.Find("table.orders tbody tr td a").Each(func(_ int, sel *goquery.Selection) {
			numbers = append(numbers, sel.Text())
		})
		return numbers
	}
	if got := listed("product=" + shirt.ID.String()); len(got) != 2 {
		t.Errorf("by product: %v, want %s and %s", got, small, medium)
	}
	if got := listed("variant=" + shirt.Variants[1].ID.String()); len(got) != 1 || got[0] != medium {
		t.Errorf("by variant: %v, want %s", got, medium)
	}
	today := time.Now().In(berlin(t)).Format(time.DateOnly) // the event's day
	if got := listed("from=" + today + "&until=" + today); len(got) != 3 {
		t.Errorf("placed today: %v", got)
	}
	if got := listed("until=2000-01-01"); len(got) != 0 {
		t.Errorf("placed before 2000: %v", got)
	}

	if _, err := s.db.ChangeOrderStatus(ctx, ev.ID, pair, storefront.StatusCancelled, "", uuid.New()); err != nil {
		t.Fatal(err)
	}
	// The bulk form asks first (a GET), and its confirm form makes the change.
	chosen := url.Values{"number": {small, medium, pair}, "status": {"confirmed"}, "note": {"Packed"}}
	confirm := b.do(http.MethodGet, "/events/devcon/orders/status?"+chosen.Encode(), "", "")
	values := url.Values{}
	confirm.doc.Find(`form.confirm[action="/events/devcon/orders/status"] input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		value, _ := in.Attr("value")
		values.Add(name, value)
	})
	if values.Get("csrf") == "" || len(values["number"]) != 3 {
		t.Fatalf("confirm page %d carries %v", confirm.status, values)
	}
	r := b.post("/events/devcon/orders/status", values)
	if r.status != http.StatusSeeOther {
		t.Fatalf("bulk: %d", r.status)
	}
	notice := b.do(http.MethodGet, r.header.Get("Location"), "", "").text("#flash")
	if !strings.HasPrefix(notice, "2 orders changed; 1 could not move") {
		t.Fatalf("notice %q", notice)
	}
	for _, n := range []string{small, medium} {
		o, err := s.db.OrderByNumber(ctx, ev.ID, n)
		if err != nil || o.Status != storefront.StatusConfirmed || o.History[len(o.History)-1].Note != "Packed" {
			t.Fatalf("%s after bulk: %+v, %v", n, o, err)
		}
	}
	if o, _ := s.db.OrderByNumber(ctx, ev.ID, pair); o.Status != storefront.StatusCancelled {
		t.Fatalf("the cancelled order moved to %s", o.Status)
	}
}

package console

import (
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"marquee/branding"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/storefront/suppliers"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// answeredOrder gives devcon a shipping shop with questions of every
// scope, another event a question of its own, and places one order on
// devcon answering them all.
func answeredOrder(t *testing.T, s *testServer, devcon, other uuid.UUID) *storefront.Order {
	t.Helper()
	ctx := context.Background()
	settings := storefront.DefaultSettings()
	settings.Ships = true
	if err := s.db.SaveSettings(ctx, devcon, settings); err != nil {
		t.Fatal(err)
	}
	for _, f := range []form.Field{
		{Key: "consent", Scope: form.ScopeCustomer, Type: form.TypeCheckbox, Label: map[string]string{"en": "I agree to the terms", "de": "Ich stimme den Bedingungen zu"}, Position: 1},
		{Key: "diet", Scope: form.ScopeCustomer, Type: form.TypeSingleChoice, Label: map[string]string{"en": "Diet", "de": "Ernährung"}, Position: 2,
			Options: []form.Option{{Value: "veg", Label: map[string]string{"en": "Vegetarian", "de": "Vegetarisch"}}, {Value: "all", Label: map[string]string{"en": "Anything", "de": "Alles"}}}},
		{Key: "newsletter", Scope: form.ScopeCustomer, Type: form.TypeCheckbox, Label: map[string]string{"en": "Newsletter"}, Position: 3},
		{Key: "doorbell", Scope: form.ScopeShipping, Type: form.TypeText, Label: map[string]string{"en": "Name on the doorbell", "de": "Name an der Klingel"}, Position: 1},
		{Key: "print_name", Scope: form.ScopeItem, Type: form.TypeText, Label: map[string]string{"en": "Name to print", "de": "Aufdruck"}, Position: 1},
	} {
		if err := s.db.AddFormField(ctx, devcon, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.db.AddFormField(ctx, other, form.Field{Key: "other_secret", Scope: form.ScopeCustomer, Type: form.TypeText, Label: map[string]string{"en": "Secret"}, Position: 1}); err != nil {
		t.Fatal(err)
	}
	shirt, err := s.db.AddProduct(ctx, devcon, storefront.Product{Name: storefront.Text{"en": "T-shirt", "de": "T-Shirt"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "M"}}}})
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.db.PlaceOrder(ctx, devcon, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "ada@example.com", Name: "Ada Lovelace", Locale: "en",
		Answers: map[string]any{"consent": true, "diet": "veg", "newsletter": false, "doorbell": "Lovelace/Byron"},
		Address: &address.Address{Name: "Ada Lovelace", Line1: "Musterstraße 1", Locality: "Berlin", PostalCode: "10115", CountryCode: "DE"},
		Lines: []storefront.Line{
			{ProductID: shirt.ID, VariantID: shirt.Variants[0].ID, Quantity: 1, Answers: map[string]any{"print_name": "ADA"}},
			{ProductID: shirt.ID, VariantID: shirt.Variants[0].ID, Quantity: 1, Answers: map[string]any{"print_name": "=1+1"}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestConsoleOrderShowsAnswersAndAddress(t *testing.T) {
	s := startServer(t)
	ev, other := s.event("devcon", tenant.StatusActive, branding.DefaultColours), s.event("other", tenant.StatusActive, branding.DefaultColours)
	o := answeredOrder(t, s, ev.ID, other.ID)
	b := consoleMember(t, s, "packer@example.com", false, ev, staff.RoleFulfilment)
	orderPage := "/events/devcon/orders/" + o.Number
	answer := func(r *response, scope, key string) (label, value string) {
		return r.text(scope + ` dt[data-key="` + key + `"]`), r.text(scope + ` dd[data-key="` + key + `"]`)
	}

	t.Run("answers show as the field's label with a human value, in the staff member's language", func(t *testing.T) {
		for _, tc := range []struct {
			lang, key, label, value string
		}{
			{"en", "consent", "I agree to the terms", "Yes"},
			{"en", "newsletter", "Newsletter", "No"},
			{"en", "diet", "Diet", "Vegetarian"},
			{"en", "doorbell", "Name on the doorbell", "Lovelace/Byron"},
			{"de", "consent", "Ich stimme den Bedingungen zu", message(t, "de", "answer.yes")},
			{"de", "newsletter", "Newsletter", message(t, "de", "answer.no")},
			{"de", "diet", "Ernährung", "Vegetarisch"},
		} {
			r := b.get(orderPage + "?lang=" + tc.lang)
			if r.status != 200 {
				t.Fatalf("status %d", r.status)
			}
			if label, value := answer(r, "dl.answers", tc.key); label != tc.label || value != tc.value {
				t.Errorf("%s %s: %q = %q, want %q = %q", tc.lang, tc.key, label, value, tc.label, tc.value)
			}
			if strings.Contains(r.text("dl.answers"), "true") || strings.Contains(r.text("dl.answers"), "consent") {
				t.Errorf("%s: raw keys or values shown: %q", tc.lang, r.text("dl.answers"))
			}
		}
	})
	t.Run("each item shows its own answers", func(t *testing.T) {
		r := b.get(orderPage)
		rows := r.doc.Find("table.items tbody tr")
		if rows.Length() != 2 {
			t.Fatalf("%d item rows", rows.Length())
		}
		for i, want := range []string{"ADA", "=1+1"} {
			row := rows.Eq(i)
			label := strings.TrimSpace(row.Find(`dt[data-key="print_name"]`).Text())
			value := strings.TrimSpace(row.Find(`dd[data-key="print_name"]`).Text())
			if label != "Name to print" || value != want {
				t.Errorf("item %d: %q = %q, want Name to print = %q", i, label, value, want)
			}
		}
	})
	t.Run("a line its supplier dispatched says when, with the tracking note", func(t *testing.T) {
		ctx := context.Background()
		sup, err := s.db.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: "Acme", Emails: []string{"orders@acme.example"},
			Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{o.Items[0].ProductID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.db.DispatchLines(ctx, ev.ID, storefront.Dispatch{SupplierID: sup, Order: o.Number, Positions: []int{0}, Note: "DHL 0034", Ships: true}); err != nil {
			t.Fatal(err)
		}
		rows := b.get(orderPage).doc.Find("table.items tbody tr")
		if got := strings.TrimSpace(rows.Eq(0).Find(".line-dispatched").Text()); !strings.HasPrefix(got, "Dispatched by the supplier ") || !strings.HasSuffix(got, " · DHL 0034") {
			t.Errorf("the first line says %q", got)
		}
		if rows.Eq(1).Find(".line-dispatched").Length() != 0 {
			t.Error("the line not dispatched says it was")
		}
	})
	t.Run("the shipping address is shown as written for its country", func(t *testing.T) {
		for lang, country := range map[string]string{"en": "Germany", "de": "Deutschland"} {
			r := b.get(orderPage + "?lang=" + lang)
			var lines []string
			for _, l := range strings.Split(mustHTML(t, r, "address.shipping-address"), "<br/>") {
				lines = append(lines, strings.TrimSpace(l))
			}
			want := []string{"Ada Lovelace", "Musterstraße 1", "10115 Berlin", country}
			if !slices.Equal(lines, want) {
				t.Errorf("%s: address %q, want %q", lang, lines, want)
			}
		}
	})
	t.Run("the CSV has one column per form field, headed by its key, and the address columns", func(t *testing.T) {
		r := b.get("/events/devcon/orders/export.csv")
		rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil || r.status != 200 || len(rows) != 3 {
			t.Fatalf("status %d, %d rows, %v", r.status, len(rows), err)
		}
		header := rows[0]
		for _, key := range []string{"consent", "diet", "newsletter", "doorbell", "print_name", "address_name", "address_line1",
			"address_locality", "address_postal_code", "address_country_code"} {
			if !slices.Contains(header, key) {
				t.Errorf("no %q column in %q", key, header)
			}
		}
		if slices.Contains(header, "other_secret") {
			t.Errorf("another event's field is a column: %q", header)
		}
		cell := func(row []string, col string) string {
			if i := slices.Index(header, col); i >= 0 && i < len(row) {
				return row[i]
			}
			return "(no such column)"
		}
		for i, print := range []string{"ADA", "'=1+1"} {
			row := rows[i+1]
			for col, want := range map[string]string{"consent": "TRUE", "newsletter": "FALSE", "diet": "Vegetarian", "doorbell": "Lovelace/Byron",
				"print_name": print, "address_line1": "Musterstraße 1", "address_postal_code": "10115", "address_locality": "Berlin", "address_country_code": "DE"} {
				if got := cell(row, col); got != want {
					t.Errorf("row %d %s = %q, want %q", i+1, col, got, want)
				}
			}
		}
	})
	t.Run("another event's CSV has its own field and none of devcon's", func(t *testing.T) {
		ob := consoleMember(t, s, "other-packer@example.com", false, other, staff.RoleFulfilment)
		r := ob.get("/events/other/orders/export.csv")
		rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil || r.status != 200 || len(rows) != 1 {
			t.Fatalf("status %d, %d rows, %v", r.status, len(rows), err)
		}
		if !slices.Contains(rows[0], "other_secret") || slices.ContainsFunc(rows[0], func(c string) bool { return c == "consent" || c == "print_name" }) {
			t.Fatalf("header %q", rows[0])
		}
	})
}

func TestOrdersListHeadsNameAndOrderTime(t *testing.T) {
	s := startServer(t)
	ev, other := s.event("devcon", tenant.StatusActive, branding.DefaultColours), s.event("other", tenant.StatusActive, branding.DefaultColours)
	answeredOrder(t, s, ev.ID, other.ID)
	b := consoleMember(t, s, "packer@example.com", false, ev, staff.RoleFulfilment)
	t.Run("the name and order time columns are headed Name and Placed, not the form's and the branding's words", func(t *testing.T) {
		r := b.get("/events/devcon/orders")
		var heads []string
		r.doc.Find("table.orders thead th").Each(func(_ int, th *goquery.Selection) { heads = append(heads, strings.TrimSpace(th.Text())) })
		if len(heads) != 8 || heads[2] != "Name" || heads[3] != "Email" || heads[5] != "Payment" || heads[7] != "Placed" {
			t.Fatalf("headers %q", heads)
		}
		de := b.get("/events/devcon/orders?lang=de")
		if got := strings.TrimSpace(de.doc.Find("table.orders thead th").Eq(7).Text()); got != message(t, "de", "console.orders.placed_at") {
			t.Errorf("German order time header %q", got)
		}
	})
}

// mustHTML is the inner HTML of the first element matching selector.
func mustHTML(t *testing.T, r *response, selector string) string {
	t.Helper()
	h, err := r.doc.Find(selector).First().Html()
	if err != nil || h == "" {
		t.Fatalf("%s: %q %v", selector, h, err)
	}
	return h
}

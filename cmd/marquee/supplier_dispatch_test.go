package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/suppliers"
)

var supplierLink = regexp.MustCompile(`https://dispatch\.shop\.test(/supplier/[^\s"<>]+)`)

// TestSupplierDispatchEndToEnd: the supplier follows the link of their
// order email, ticks their lines with a tracking note, and the attendee
// receives one "on its way" email with it through the real SMTP server;
// sending the form again changes nothing and sends nothing.
func TestSupplierDispatchEndToEnd(t *testing.T) {
	s, smtp := mailServer(t)
	ctx := context.Background()
	sh := newShop(t, s, "dispatch")
	settings := storefront.DefaultSettings()
	settings.Ships = true
	if err := s.db.SaveSettings(ctx, sh.ev.ID, settings); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.SaveSupplier(ctx, sh.ev.ID, suppliers.Supplier{Name: "Acme", Emails: []string{"orders@acme.example"},
		Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{sh.shirt.ID, sh.hoodie.ID}}); err != nil {
		t.Fatal(err)
	}
	o, err := s.db.PlaceOrder(ctx, sh.ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "ada@example.com", Name: "Ada", Locale: "en",
		Address: &address.Address{Name: "Ada Lovelace", Line1: "Friedrichstraße 123", Locality: "Berlin", PostalCode: "10117", CountryCode: "DE"},
		Lines: []storefront.Line{{ProductID: sh.shirt.ID, VariantID: sh.shirt.Variants[1].ID, Quantity: 1, Answers: map[string]any{"print_name": "ADA"}},
			{ProductID: sh.hoodie.ID, VariantID: sh.hoodie.Variants[0].ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	supplierMail := waitForMail(t, smtp, "orders@acme.example", 1)[0]
	m := supplierLink.FindStringSubmatch(supplierMail.Text)
	if m == nil {
		t.Fatalf("no dispatch link in the supplier's email:\n%s", supplierMail.Text)
	}
	page := sh.do(http.MethodGet, m[1], "", "")
	if page.status != http.StatusOK || page.doc.Find("#dispatch-form input[name=line][checked]").Length() != 2 {
		t.Fatalf("the supplier's page: %d\n%s", page.status, page.body)
	}
	action, _ := page.doc.Find("#dispatch-form").Attr("action")
	csrf, _ := page.doc.Find("#dispatch-form input[name=csrf]").Attr("value")
	form := url.Values{"csrf": {csrf}, "line": {o.Number + ".0", o.Number + ".1"}, "note": {"DHL 00340434161094042557"}}
	for i := range 2 {
		r := sh.post(action, form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("marking dispatched (%d): %d\n%s", i+1, r.status, r.body)
		}
		after := sh.do(http.MethodGet, r.header.Get("Location"), "", "")
		want := []string{"Items marked dispatched now: 2.", "Items marked dispatched now: 0."}[i]
		if got := after.text("#dispatch-marked"); got != want {
			t.Errorf("after marking (%d) the page says %q, want %q", i+1, got, want)
		}
	}
	var dispatched []string
	waitFor(t, 20*time.Second, func() bool {
		dispatched = nil
		for _, p := range messagesTo(t, smtp, "ada@example.com") {
			if p.Header.Get("X-Marquee-Kind") == "status_dispatched" {
				dispatched = append(dispatched, p.Text)
			}
		}
		return len(dispatched) > 0
	})
	time.Sleep(time.Second) // a second email would be here by now
	n := 0
	for _, p := range messagesTo(t, smtp, "ada@example.com") {
		if p.Header.Get("X-Marquee-Kind") == "status_dispatched" {
			n++
		}
	}
	if n != 1 || !strings.Contains(dispatched[0], "DHL 00340434161094042557") {
		t.Fatalf("the attendee got %d dispatched emails, want 1 with the note:\n%s", n, dispatched[0])
	}
	if got, _ := s.db.OrderByNumber(ctx, sh.ev.ID, o.Number); got.Status != storefront.StatusDispatched {
		t.Errorf("the order is %s", got.Status)
	}
}

package jobs_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/suppliers"
)

var dispatchLink = regexp.MustCompile(`https://devcon\.shop\.test/supplier/[^\s"<>]+`)

// grantIn reads the supplier link in an email's text and checks its
// signature as the supplier's page does.
func grantIn(t *testing.T, tenantID uuid.UUID, text string) storefront.SupplierGrant {
	t.Helper()
	raw := dispatchLink.FindString(text)
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		t.Fatalf("no dispatch link in:\n%s", text)
	}
	q := u.Query()
	g, ok := storefront.SupplierLinks{Key: []byte(testSecret)}.Grant(tenantID, strings.TrimPrefix(u.Path, "/supplier/"), q.Get("order"), q.Get("exp"), q.Get("sig"))
	if !ok {
		t.Fatalf("the link %s does not verify", raw)
	}
	return g
}

// TestSupplierLinksInEmailsAndTheAttendeeHearsOnce: the per-order and the
// list email carry the supplier's signed link, expiring when the event's
// retention period ends; marking the lines dispatched through it emails
// the attendee once, with the tracking note, however often it is marked.
func TestSupplierLinksInEmailsAndTheAttendeeHearsOnce(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	settings := storefront.DefaultSettings()
	settings.Ships = true
	closes := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	settings.RetentionDays = 30
	if err := h.db.SaveSettings(ctx, h.event.ID, settings); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.SetTenantClosesAt(ctx, h.event.ID, &closes); err != nil {
		t.Fatal(err)
	}
	hoodie, capLine := h.line("Hoodie", "M", 2, "ADA"), h.line("Cap", "One size", 1, "")
	acme, err := h.db.SaveSupplier(ctx, h.event.ID, suppliers.Supplier{Name: "Acme Print", Emails: []string{"acme@example.com"},
		Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{hoodie.ProductID, capLine.ProductID}})
	if err != nil {
		t.Fatal(err)
	}
	stitch, err := h.db.SaveSupplier(ctx, h.event.ID, suppliers.Supplier{Name: "Stitch", Emails: []string{"stitch@example.com"},
		Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{hoodie.ProductID}})
	if err != nil {
		t.Fatal(err)
	}
	o := h.placeOrder(t, "jana@example.com", hoodie, capLine)

	order := h.waitFor(t, "acme@example.com", "supplier_order", o.Number)
	g := grantIn(t, h.event.ID, order.Text)
	if g.SupplierID != acme || g.Order != o.Number || !g.Expires.Equal(closes.AddDate(0, 0, 30)) {
		t.Fatalf("the order email's grant %+v", g)
	}
	if !strings.Contains(order.HTML, `id="dispatch-link"`) {
		t.Errorf("the HTML part has no dispatch link:\n%s", order.HTML)
	}
	if err := h.db.SendBatchNow(ctx, h.event.ID, stitch); err != nil {
		t.Fatal(err)
	}
	list := h.waitFor(t, "stitch@example.com", "supplier_batch", "")
	if g := grantIn(t, h.event.ID, list.Text); g.SupplierID != stitch || g.Order != "" {
		t.Fatalf("the list's grant %+v", g)
	}

	mark := func(note string, positions ...int) int {
		_, n, err := h.db.DispatchLines(ctx, h.event.ID, storefront.Dispatch{SupplierID: g.SupplierID, Order: g.Order, Positions: positions, Note: note, Ships: true})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := mark("DHL 0034", 0); n != 1 {
		t.Fatalf("marked %d", n)
	}
	if n := mark("DHL 0034", 0, 1); n != 1 {
		t.Fatalf("marked %d the second time, want only the cap", n)
	}
	if n := mark("again", 0, 1); n != 0 {
		t.Fatalf("marked %d the third time", n)
	}
	got := h.waitFor(t, "jana@example.com", "status_dispatched", o.Number)
	if !strings.Contains(got.Text, "DHL 0034") {
		t.Errorf("the dispatched email lacks the tracking note:\n%s", got.Text)
	}
	time.Sleep(time.Second) // a second email would be here by now
	if n := len(h.received(t, "jana@example.com", "status_dispatched", o.Number)); n != 1 {
		t.Errorf("the attendee got %d dispatched emails, want 1", n)
	}
	if n := h.count(t, "SELECT count(*) FROM order_items WHERE dispatched_by = $1", "supplier:"+acme.String()); n != 2 {
		t.Errorf("%d lines dispatched by the supplier, want 2", n)
	}
}

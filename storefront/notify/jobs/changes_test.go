package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront/suppliers"
)

// TestChangesEmailTheAttendeeAndTheirSuppliers: an attendee's change to
// their order (a swapped size, a cancelled line) is an email to them,
// saying what changed, and a notice to each per-order supplier of a line
// it concerns, with what that supplier makes for the order now; nothing
// to the suppliers of other lines, nor to batch suppliers. Each arrives
// once, over real SMTP.
func TestChangesEmailTheAttendeeAndTheirSuppliers(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	hoodieM, capLine := h.line("Hoodie", "M", 2, "ADA"), h.line("Cap", "One size", 1, "")
	hoodieS := h.line("Hoodie", "S", 1, "")
	for _, s := range []suppliers.Supplier{
		{Name: "Acme Print", Emails: []string{"acme@example.com"}, Mode: suppliers.ModePerOrder, VariantIDs: []uuid.UUID{hoodieM.VariantID}},
		{Name: "Small Sizes", Emails: []string{"small@example.com"}, Mode: suppliers.ModePerOrder, VariantIDs: []uuid.UUID{hoodieS.VariantID}},
		{Name: "Caps Inc", Emails: []string{"caps@example.com"}, Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{capLine.ProductID}},
		{Name: "Stitch & Co", Emails: []string{"stitch@example.com"}, Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{hoodieM.ProductID}},
	} {
		if _, err := h.db.SaveSupplier(ctx, h.event.ID, s); err != nil {
			t.Fatal(err)
		}
	}
	o := h.placeOrder(t, "jana@example.com", hoodieM, capLine)
	h.waitFor(t, "acme@example.com", "supplier_order", o.Number)

	if _, err := h.db.SwapOrderOption(ctx, h.event.ID, o.Number, 0, hoodieS.VariantID); err != nil {
		t.Fatal(err)
	}
	mail := h.waitFor(t, "jana@example.com", "order_changed", o.Number)
	for _, part := range []string{mail.Text, mail.HTML} {
		for _, want := range []string{"Option swapped", "Hoodie: M → S", "Jana", "/orders/" + o.Number + "?sig="} {
			if !strings.Contains(part, want) {
				t.Errorf("the attendee's email lacks %q:\n%s", want, part)
			}
		}
	}
	small := h.waitFor(t, "small@example.com", "supplier_changed", o.Number)
	if !strings.Contains(small.Text, "Hoodie: M → S") || !strings.Contains(small.Text, "Quantity: 2") || !strings.Contains(small.Text, "ADA") {
		t.Errorf("the new size's supplier's notice:\n%s", small.Text)
	}
	acme := h.waitFor(t, "acme@example.com", "supplier_changed", o.Number)
	if !strings.Contains(acme.Text, "Nothing of this order is for you any more") || strings.Contains(acme.Text, "jana@") {
		t.Errorf("the old size's supplier's notice:\n%s", acme.Text)
	}

	if _, err := h.db.CancelOrderLine(ctx, h.event.ID, o.Number, 1); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(h.received(t, "jana@example.com", "order_changed", o.Number)) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	changes := h.received(t, "jana@example.com", "order_changed", o.Number)
	if len(changes) != 2 {
		t.Fatalf("%d change emails to the attendee, want 2", len(changes))
	}
	cancelled := changes[1]
	if !strings.Contains(cancelled.Text, "Item cancelled") || !strings.Contains(cancelled.Text, "1 × Cap (One size)") {
		t.Errorf("the attendee's email about the cancelled cap:\n%s", cancelled.Text)
	}
	caps := h.waitFor(t, "caps@example.com", "supplier_changed", o.Number)
	if !strings.Contains(caps.Text, "1 × Cap (One size)") || !strings.Contains(caps.Text, "Nothing of this order is for you any more") {
		t.Errorf("the cap supplier's notice:\n%s", caps.Text)
	}

	time.Sleep(time.Second) // a second notice, or one to the wrong supplier, would be here by now
	for rcpt, want := range map[string]int{"small@example.com": 1, "acme@example.com": 1, "caps@example.com": 1, "stitch@example.com": 0} {
		if n := len(h.received(t, rcpt, "supplier_changed", o.Number)); n != want {
			t.Errorf("%s got %d change notices, want %d", rcpt, n, want)
		}
	}
	if n := h.count(t, "SELECT count(*) FROM email_log WHERE kind = 'order_changed'"); n != 2 {
		t.Errorf("%d change emails in the send log, want 2", n)
	}
}

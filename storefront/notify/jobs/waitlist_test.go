package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/db"
	"marquee/storefront"
)

// limitedShirt adds a Shirt with one option of stock units.
func (h *harness) limitedShirt(t *testing.T, stock int) storefront.Product {
	t.Helper()
	p, err := h.db.AddProduct(context.Background(), h.event.ID, storefront.Product{Name: storefront.Text{"en": "Shirt"}, Visible: true,
		PriceMinor: 2000, Variants: []storefront.Variant{{Label: storefront.Text{"en": "XL"}, Stock: &stock}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (h *harness) join(t *testing.T, variantID uuid.UUID, email string, qty int) db.WaitlistEntry {
	t.Helper()
	e, err := h.db.JoinWaitlist(context.Background(), h.event.ID, variantID, email, "en", qty)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// entryState waits up to 20 s for the entry of email to reach want.
func (h *harness) entryState(t *testing.T, email, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for h.count(t, "SELECT count(*) FROM waitlist_entries WHERE email = $1 AND state = $2", email, want) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the waiting list entry of %s is not %s within 20s", email, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (h *harness) stock(t *testing.T, variantID uuid.UUID) int {
	t.Helper()
	s, err := h.db.VariantStock(context.Background(), h.event.ID, variantID)
	if err != nil || s == nil {
		t.Fatalf("stock: %v %v", s, err)
	}
	return *s
}

// TestReturnedStockIsOfferedToTheNextInLine: a cancelled order's unit goes
// to the first person waiting (held: the shop's stock stays at 0), and a
// unit staff add goes to the second; someone who wants more units than are
// back keeps their place.
func TestReturnedStockIsOfferedToTheNextInLine(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	shirt := h.limitedShirt(t, 1)
	xl := shirt.Variants[0].ID
	o := h.placeOrder(t, "buyer@example.com", storefront.Line{ProductID: shirt.ID, VariantID: xl, Quantity: 1})
	if _, err := h.db.JoinWaitlist(ctx, h.event.ID, xl, "early@example.com", "en", 1); err != nil {
		t.Fatal(err)
	}
	h.join(t, xl, "three@example.com", 3)
	h.join(t, xl, "late@example.com", 1)

	if _, err := h.db.CancelOrder(ctx, h.event.ID, o.Number, "attendee"); err != nil {
		t.Fatal(err)
	}
	h.entryState(t, "early@example.com", "offered")
	if got := h.stock(t, xl); got != 0 {
		t.Fatalf("stock after the offer = %d, want 0 (the unit is held)", got)
	}
	if n := h.count(t, "SELECT count(*) FROM waitlist_offers WHERE state = 'held' AND quantity = 1"); n != 1 {
		t.Fatalf("%d held offers, want 1", n)
	}

	if _, err := h.db.AdjustStock(ctx, h.event.ID, xl, 1, "found one in the van", "staff:test"); err != nil {
		t.Fatal(err)
	}
	h.entryState(t, "late@example.com", "offered")
	h.entryState(t, "three@example.com", "waiting")
	if got := h.stock(t, xl); got != 0 {
		t.Fatalf("stock after the second offer = %d, want 0", got)
	}
}

// TestAnUnusedOfferPassesOn: at its end (the database's clock moved past
// the hold time) an offer's unit goes to the next in line, and the first
// person's entry is expired.
func TestAnUnusedOfferPassesOn(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	shirt := h.limitedShirt(t, 0)
	xl := shirt.Variants[0].ID
	h.join(t, xl, "first@example.com", 1)
	h.join(t, xl, "second@example.com", 1)
	if _, err := h.db.AdjustStock(ctx, h.event.ID, xl, 1, "restock", "staff:test"); err != nil {
		t.Fatal(err)
	}
	h.entryState(t, "first@example.com", "offered")
	var expires time.Time
	if err := h.db.InTenant(ctx, h.event.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT expires_at FROM waitlist_offers").Scan(&expires)
	}); err != nil {
		t.Fatal(err)
	}
	if d := time.Until(expires); d < 23*time.Hour || d > 25*time.Hour {
		t.Fatalf("the offer holds for %v, want the default 24 h", d)
	}

	later := time.Now().Add(25 * time.Hour)
	h.db.Now = func() time.Time { return later }
	h.admin(t, "UPDATE river_job SET scheduled_at = now() WHERE kind = 'waitlist_offer_expire'")
	h.entryState(t, "first@example.com", "expired")
	h.entryState(t, "second@example.com", "offered")
	if n := h.count(t, "SELECT count(*) FROM waitlist_offers WHERE state = 'held'"); n != 1 {
		t.Fatalf("%d held offers, want 1 (the second person's)", n)
	}
	if got := h.stock(t, xl); got != 0 {
		t.Fatalf("stock = %d, want 0 (held for the second person)", got)
	}
}

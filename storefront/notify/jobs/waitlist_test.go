package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

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

func (h *harness) join(t *testing.T, variantID uuid.UUID, email string, qty int) storefront.WaitlistEntry {
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
	h.entryStateWithin(t, email, want, 20*time.Second)
}

// entryStateWithin is entryState waiting up to d.
func (h *harness) entryStateWithin(t *testing.T, email, want string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for h.count(t, "SELECT count(*) FROM waitlist_entries WHERE email = $1 AND state = $2", email, want) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the waiting list entry of %s is not %s within %v", email, want, d)
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
	if _, err := h.db.JoinWaitlist(ctx, h.event.ID, xl, "late@example.com", "de", 1); err != nil {
		t.Fatal(err)
	}

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
	h.offerEmail(t, "early@example.com", "Shirt is back at DevCon: reserved for you")

	if _, err := h.db.AdjustStock(ctx, h.event.ID, xl, 1, "found one in the van", "staff:test"); err != nil {
		t.Fatal(err)
	}
	h.entryState(t, "late@example.com", "offered")
	h.entryState(t, "three@example.com", "waiting")
	if got := h.stock(t, xl); got != 0 {
		t.Fatalf("stock after the second offer = %d, want 0", got)
	}
	h.offerEmail(t, "late@example.com", "Shirt ist bei DevCon wieder da: für dich reserviert")
	if n := len(h.received(t, "three@example.com", "waitlist_offer", "")); n != 0 {
		t.Fatalf("%d offers to the person who wants 3, want none", n)
	}
}

// offerEmail waits for the offer email to rcpt over SMTP and checks it
// carries the offer's order link and the entry's leave link.
func (h *harness) offerEmail(t *testing.T, rcpt, subject string) {
	t.Helper()
	m := h.waitFor(t, rcpt, "waitlist_offer", subject)
	var token, leave string
	if err := h.db.InTenant(context.Background(), h.event.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT o.token, e.leave_token FROM waitlist_offers o
			JOIN waitlist_entries e ON e.id = o.entry_id WHERE e.email = $1`, rcpt).Scan(&token, &leave)
	}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"https://devcon.shop.test/order?offer=" + token, "https://devcon.shop.test/waitlist/leave?token=" + leave, "XL"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("the offer email to %s lacks %q:\n%s", rcpt, want, m.Text)
		}
	}
	if m.Subject != subject {
		t.Errorf("subject %q, want %q", m.Subject, subject)
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

// TestWaitlistJobsSurviveAKilledWorker: an offer email job left running by
// a worker killed after the send was recorded runs again and sends no
// second copy; an expiry job left the same way still passes the unit on.
func TestWaitlistJobsSurviveAKilledWorker(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	xl := h.limitedShirt(t, 0).Variants[0].ID
	h.join(t, xl, "first@example.com", 1)
	h.join(t, xl, "second@example.com", 1)
	if _, err := h.db.AdjustStock(ctx, h.event.ID, xl, 1, "restock", "staff:test"); err != nil {
		t.Fatal(err)
	}
	h.offerEmail(t, "first@example.com", "Shirt is back at DevCon: reserved for you")
	h.jobState(t, "waitlist_offer_email", "completed")

	// As a killed worker leaves them: running, attempted a minute ago.
	later := time.Now().Add(25 * time.Hour)
	h.db.Now = func() time.Time { return later }
	h.admin(t, `UPDATE river_job SET state = 'running', finalized_at = NULL, attempted_at = now() - interval '1 minute', attempt = 1,
		attempted_by = ARRAY['a-killed-worker'] WHERE kind IN ('waitlist_offer_email', 'waitlist_offer_expire')`)

	// River's rescuer looks for abandoned jobs every 30 s: a minute, as
	// in TestARescuedJobDoesNotSendTwice.
	h.entryStateWithin(t, "first@example.com", "expired", time.Minute)
	h.offerEmail(t, "second@example.com", "Shirt is back at DevCon: reserved for you")
	deadline := time.Now().Add(time.Minute)
	for h.count(t, "SELECT count(*) FROM river_job WHERE kind = 'waitlist_offer_email' AND attempt >= 2 AND state = 'completed'") < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the abandoned email job did not run again within a minute")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := len(h.received(t, "first@example.com", "waitlist_offer", "")); n != 1 {
		t.Fatalf("%d offer emails to the first person, want exactly 1", n)
	}
}

// jobState waits up to a minute until every job of kind is in state.
func (h *harness) jobState(t *testing.T, kind, state string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for h.count(t, "SELECT count(*) FROM river_job WHERE kind = $1 AND state::text <> $2", kind, state) != 0 ||
		h.count(t, "SELECT count(*) FROM river_job WHERE kind = $1", kind) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the %s jobs are not all %s within a minute", kind, state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestErasingTheOfferHolderPassesTheUnitOn: staff erase the person whose
// offer holds the option's last unit; the unit goes to the next in line,
// who is emailed an offer, and the first offer's email keeps no address.
func TestErasingTheOfferHolderPassesTheUnitOn(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	xl := h.limitedShirt(t, 0).Variants[0].ID
	h.join(t, xl, "holder@example.com", 1)
	h.join(t, xl, "next@example.com", 1)
	if _, err := h.db.AdjustStock(ctx, h.event.ID, xl, 1, "found one in the van", "staff:test"); err != nil {
		t.Fatal(err)
	}
	h.entryState(t, "holder@example.com", "offered")
	h.offerEmail(t, "holder@example.com", "Shirt is back at DevCon: reserved for you")

	e, err := h.db.ErasePerson(ctx, h.event.ID, "Holder@Example.com", uuid.New())
	if err != nil || e.WaitlistEntries != 1 || len(e.Orders) != 0 {
		t.Fatalf("erased %+v (%v), want the holder's one entry", e, err)
	}
	h.entryState(t, "next@example.com", "offered")
	h.offerEmail(t, "next@example.com", "Shirt is back at DevCon: reserved for you")
	if got := h.stock(t, xl); got != 0 {
		t.Errorf("stock %d, want 0: the unit is held for the next in line", got)
	}
	if n := h.count(t, "SELECT count(*) FROM email_log WHERE 'holder@example.com' = ANY (recipients)"); n != 0 {
		t.Errorf("%d emails still name the erased holder", n)
	}
	if n := h.count(t, "SELECT count(*) FROM waitlist_entries WHERE email = 'holder@example.com'"); n != 0 {
		t.Errorf("%d entries of the erased holder left", n)
	}
}

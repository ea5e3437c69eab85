package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/notify/jobs"
	"marquee/storefront/notify/mail/smtptest"
	"marquee/storefront/suppliers"
	"marquee/tenant/provision"
)

// failingEvents returns the real hook's jobs and fails the placed order,
// as any step of an order's transaction might.
type failingEvents struct{ *jobs.Enqueuer }

func (f failingEvents) OrderPlaced(o *storefront.Order, perOrderSupplier bool) ([]db.Job, error) {
	jobs, err := f.Enqueuer.OrderPlaced(o, perOrderSupplier)
	if err != nil {
		return nil, err
	}
	return jobs, errors.New("a later step failed")
}

// order is an order request by email in locale.
func order(email, name, locale string, lines ...storefront.Line) storefront.OrderRequest {
	return storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: email, Name: name, Locale: locale, Lines: lines}
}

// TestARolledBackOrderLeavesNoJob: jobs ride in the order's transaction.
func TestARolledBackOrderLeavesNoJob(t *testing.T) {
	h := newHarness(t)
	s, ev := h, h.event
	ctx := context.Background()
	h.stockHoodies(t, 10)
	jobCount := func() int { return h.adminCount(t, "SELECT count(*) FROM river_job") }
	capLine := h.line("Cap", "One size", 1, "")
	if _, err := s.db.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: "Caps Inc", Emails: []string{"caps@example.com"},
		Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{capLine.ProductID}}); err != nil {
		t.Fatal(err)
	}

	first := order("a@example.com", "A", "en", capLine)
	if _, err := s.db.PlaceOrder(ctx, ev.ID, first); err != nil {
		t.Fatal(err)
	}
	if got := jobCount(); got != 2 { // the confirmation and the supplier job
		t.Fatalf("%d jobs after a committed order, want 2", got)
	}
	// The same form sent again returns the same order and queues nothing.
	if _, err := s.db.PlaceOrder(ctx, ev.ID, first); err != nil {
		t.Fatal(err)
	}
	if got := jobCount(); got != 2 {
		t.Fatalf("%d jobs after a resubmitted order, want still 2", got)
	}
	real := s.db.Events.(*jobs.Enqueuer)
	s.db.Events = failingEvents{real}
	defer func() { s.db.Events = real }()
	if _, err := s.db.PlaceOrder(ctx, ev.ID, order("b@example.com", "B", "en", h.line("Cap", "One size", 1, ""))); err == nil {
		t.Fatal("the failing order was accepted")
	}
	if got := jobCount(); got != 2 {
		t.Fatalf("%d jobs after a rolled-back order, want still 2", got)
	}
	if got := h.adminCount(t, "SELECT count(*) FROM orders WHERE email = 'b@example.com'"); got != 0 {
		t.Fatalf("the rolled-back order was stored")
	}
	// Sold out: refused inside the transaction, so no job either.
	if _, err := s.db.PlaceOrder(ctx, ev.ID, order("c@example.com", "C", "en", h.line("Hoodie", "S", 11, ""))); err == nil {
		t.Fatal("an order beyond the stock was accepted")
	}
	if got := jobCount(); got != 2 {
		t.Fatalf("%d jobs after a refused order, want still 2", got)
	}
}

// TestTheClosingTimeSendsTheList: a batch supplier without a send time of
// its own gets its list at the event's closing time; a closing time moved
// later leaves the earlier job with nothing to do.
func TestTheClosingTimeSendsTheList(t *testing.T) {
	h := newHarness(t)
	s, ev := h, h.event
	events := &provision.Service{Store: h.db}
	ctx := context.Background()
	cap := h.line("Cap", "One size", 1, "")
	if _, err := s.db.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: "Caps Inc", Emails: []string{"caps@example.com"},
		Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{cap.ProductID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.PlaceOrder(ctx, ev.ID, order("a@example.com", "A", "en", cap)); err != nil {
		t.Fatal(err)
	}
	first := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339)
	if _, err := events.SetClosesAt(ctx, "devcon", first); err != nil {
		t.Fatal(err)
	}
	// Moved an hour later before it fires: the first job must do nothing.
	later := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	if _, err := events.SetClosesAt(ctx, "devcon", later); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 30*time.Second, func() bool {
		return h.adminCount(t, "SELECT count(*) FROM river_job WHERE kind = 'supplier_batch' AND state = 'completed'") == 1
	})
	if n := len(h.messagesTo(t, "caps@example.com")); n != 0 {
		t.Fatalf("%d lists sent for a closing time that was moved", n)
	}
	// Back to a moment from now: the list goes.
	soon := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339)
	if _, err := events.SetClosesAt(ctx, "devcon", soon); err != nil {
		t.Fatal(err)
	}
	var got []smtptest.Parsed
	waitUntil(t, 20*time.Second, func() bool {
		got = h.messagesTo(t, "caps@example.com")
		return len(got) >= 1
	})
	if len(got[0].Attachments) != 2 {
		t.Fatalf("the list came with %d attachments", len(got[0].Attachments))
	}
}

// stockHoodies gives each of the Hoodie's options n in stock.
func (h *harness) stockHoodies(t *testing.T, n int) {
	t.Helper()
	for _, p := range h.cat.Products {
		if p.Name["en"] == "Hoodie" {
			for _, v := range p.Variants {
				h.admin(t, "UPDATE variants SET stock = $1 WHERE id = $2", n, v.ID)
			}
		}
	}
}

// adminCount runs a counting query as a superuser, past row-level security.
func (h *harness) adminCount(t *testing.T, query string, args ...any) int {
	t.Helper()
	return dbtest.CountRows(t, h.adminURL, query, args...)
}

// messagesTo are the received messages addressed to rcpt, of any kind.
func (h *harness) messagesTo(t *testing.T, rcpt string) []smtptest.Parsed {
	t.Helper()
	return h.smtp.To(t, rcpt)
}

// waitUntil polls cond until it holds, failing after within.
func waitUntil(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	dbtest.WaitFor(t, within, cond)
}

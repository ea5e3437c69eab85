package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/storefront"
	"marquee/storefront/notify/jobs"
	"marquee/storefront/suppliers"
	"marquee/tenant"
)

// TestStaffNotesReachTheAttendee: the console says a status change's note
// is shown to the attendee, so every status email carries it, not only
// the dispatch's.
func TestStaffNotesReachTheAttendee(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		rule     string
		statuses []storefront.Status
		kind     string
	}{
		{"the note on ready for pick-up is in the attendee's email", []storefront.Status{storefront.StatusReadyForPickup}, "status_ready"},
		{"the note on a confirmation is in the attendee's email", []storefront.Status{storefront.StatusConfirmed}, "status_confirmed"},
		{"the note on a collection is in the attendee's email", []storefront.Status{storefront.StatusReadyForPickup, storefront.StatusCollected}, "status_collected"},
		{"the note on a cancellation is in the attendee's email", []storefront.Status{storefront.StatusCancelled}, "status_cancelled"},
		{"the note on a dispatch is in the attendee's email", []storefront.Status{storefront.StatusDispatched}, "status_dispatched"},
	} {
		t.Run(c.rule, func(t *testing.T) {
			email := uuid.NewString()[:8] + "@example.com"
			o := h.placeOrder(t, email, h.line("Cap", "One size", 1, ""))
			const note = "Desk B, from 8am"
			for _, st := range c.statuses {
				if _, err := h.db.ChangeOrderStatus(context.Background(), h.event.ID, o.Number, st, note, uuid.Nil); err != nil {
					t.Fatal(err)
				}
			}
			m := h.waitFor(t, email, c.kind, o.Number)
			if !strings.Contains(m.Text, note) {
				t.Errorf("the text part lacks the note %q:\n%s", note, m.Text)
			}
			if !strings.Contains(m.HTML, note) {
				t.Errorf("the HTML part lacks the note %q:\n%s", note, m.HTML)
			}
		})
	}
}

// TestPerOrderSuppliersHearOfCancellations: when an order is cancelled,
// by its attendee (the status page's db.CancelOrder) or by staff (the
// console's db.ChangeOrderStatus), each per-order supplier of its lines
// gets one notice with those lines, queued in the cancelling transaction;
// suppliers of none of its lines, and batch suppliers, get none.
func TestPerOrderSuppliersHearOfCancellations(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	hoodieM, capLine := h.line("Hoodie", "M", 2, "ADA"), h.line("Cap", "One size", 1, "")
	hoodieS := h.line("Hoodie", "S", 1, "")
	for _, s := range []suppliers.Supplier{
		{Name: "Acme Print", Emails: []string{"acme@example.com"}, Mode: suppliers.ModePerOrder, VariantIDs: []uuid.UUID{hoodieM.VariantID}},
		{Name: "Caps Inc", Emails: []string{"caps@example.com"}, Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{capLine.ProductID}},
		{Name: "Small Sizes", Emails: []string{"small@example.com"}, Mode: suppliers.ModePerOrder, VariantIDs: []uuid.UUID{hoodieS.VariantID}},
		{Name: "Stitch & Co", Emails: []string{"stitch@example.com"}, Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{hoodieM.ProductID}},
	} {
		if _, err := h.db.SaveSupplier(ctx, h.event.ID, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		rule   string
		cancel func(number string) error
	}{
		{"an attendee's cancellation tells the per-order suppliers of its lines", func(number string) error {
			_, err := h.db.CancelOrder(ctx, h.event.ID, number, "attendee")
			return err
		}},
		{"staff's cancellation tells the per-order suppliers of its lines", func(number string) error {
			_, err := h.db.ChangeOrderStatus(ctx, h.event.ID, number, storefront.StatusCancelled, "", uuid.Nil)
			return err
		}},
	} {
		t.Run(c.rule, func(t *testing.T) {
			o := h.placeOrder(t, "jana@example.com", hoodieM, capLine)
			h.waitFor(t, "acme@example.com", "supplier_order", o.Number)
			if err := c.cancel(o.Number); err != nil {
				t.Fatal(err)
			}
			acme := h.waitFor(t, "acme@example.com", "supplier_cancelled", o.Number)
			for _, part := range []string{acme.Text, acme.HTML} {
				for _, want := range []string{o.Number, "cancelled", "Hoodie", "ADA"} {
					if !strings.Contains(part, want) {
						t.Errorf("the hoodie supplier's notice lacks %q:\n%s", want, part)
					}
				}
				for _, not := range []string{"Cap", "jana@"} {
					if strings.Contains(part, not) {
						t.Errorf("the hoodie supplier's notice shows %q (another supplier's line or the attendee):\n%s", not, part)
					}
				}
			}
			if !strings.Contains(acme.Text, "Quantity: 2") {
				t.Errorf("the notice does not say how many:\n%s", acme.Text)
			}
			caps := h.waitFor(t, "caps@example.com", "supplier_cancelled", o.Number)
			if !strings.Contains(caps.Text, "Cap") || strings.Contains(caps.Text, "Hoodie") {
				t.Errorf("the cap supplier's notice:\n%s", caps.Text)
			}
			time.Sleep(time.Second) // a second notice, or one to the wrong supplier, would be here by now
			for rcpt, want := range map[string]int{"acme@example.com": 1, "caps@example.com": 1, "small@example.com": 0, "stitch@example.com": 0} {
				if n := len(h.received(t, rcpt, "supplier_cancelled", o.Number)); n != want {
					t.Errorf("%s got %d cancellation notices, want %d", rcpt, n, want)
				}
			}
			if n := h.count(t, "SELECT count(*) FROM email_log WHERE kind = 'supplier_cancelled' AND dedup_key LIKE $1", "%:cancelled:"+o.Number); n != 2 {
				t.Errorf("%d notices in the send log, want 2", n)
			}
		})
	}
}

// TestTheBatchEmailSaysWhyItIsSent: a supplier's list says orders have
// closed only when they have (the closing time passed, the event ended);
// at the supplier's own send time, or when staff send it now, while the
// shop is open, it says orders are still open.
func TestTheBatchEmailSaysWhyItIsSent(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	hoodie := h.line("Hoodie", "M", 1, "ADA")
	h.placeOrder(t, "jana@example.com", hoodie)
	enqueue := &jobs.Enqueuer{Client: h.inserter}
	supplier := func(t *testing.T, email string, sendAt *time.Time) uuid.UUID {
		id, err := h.db.SaveSupplier(ctx, h.event.ID, suppliers.Supplier{Name: "Stitch", Emails: []string{email},
			Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{hoodie.ProductID}, SendAt: sendAt})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// schedule queues a list as saving a supplier or setting the closing
	// time does; sendNow as the console's "send now" does.
	schedule := func(t *testing.T, id uuid.UUID, at time.Time) {
		if err := h.db.InTenant(ctx, h.event.ID, func(tx pgx.Tx) error { return enqueue.ScheduleBatch(ctx, tx, h.event.ID, id, at) }); err != nil {
			t.Fatal(err)
		}
	}
	sendNow := func(t *testing.T, id uuid.UUID) {
		if err := h.db.InTenant(ctx, h.event.ID, func(tx pgx.Tx) error {
			_, err := h.inserter.InsertTx(ctx, tx, jobs.SupplierBatchArgs{TenantID: h.event.ID, SupplierID: id}, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	const stillOpen, closed = "are still open", "have closed"
	says := func(t *testing.T, rcpt, want, not, because string) {
		t.Helper()
		m := h.waitFor(t, rcpt, "supplier_batch", "")
		for name, part := range map[string]string{"text": m.Text, "HTML": m.HTML} {
			if !strings.Contains(part, want) || strings.Contains(part, not) || !strings.Contains(part, because) {
				t.Errorf("the %s part does not say orders %q (%q), or says %q:\n%s", name, want, because, not, part)
			}
		}
	}
	closesAt := func(t *testing.T, at *time.Time) {
		if _, err := h.db.SetTenantClosesAt(ctx, h.event.ID, at); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("a list at the supplier's send time while the shop is open says orders are still open", func(t *testing.T) {
		at := time.Now().Add(time.Second).Truncate(time.Second) // the console sets whole minutes
		schedule(t, supplier(t, "scheduled@example.com", &at), at)
		says(t, "scheduled@example.com", stillOpen, closed, "As planned")
	})
	t.Run("a list staff send now while the shop is open says it was sent now and orders are still open", func(t *testing.T) {
		sendNow(t, supplier(t, "now@example.com", nil))
		says(t, "now@example.com", stillOpen, closed, "sent you this list now")
	})
	t.Run("a list at the closing time says orders have closed", func(t *testing.T) {
		at := time.Now().Add(time.Second).Truncate(time.Second)
		closesAt(t, &at)
		schedule(t, supplier(t, "closing@example.com", nil), at)
		says(t, "closing@example.com", closed, stillOpen, "Orders for")
	})
	t.Run("a list sent now after the closing time says orders have closed", func(t *testing.T) {
		sendNow(t, supplier(t, "late@example.com", nil))
		says(t, "late@example.com", closed, stillOpen, "Orders for")
	})
	t.Run("the list when the event ends says orders have closed", func(t *testing.T) {
		closesAt(t, nil)
		if _, err := h.db.SetTenantStatus(ctx, h.event.ID, tenant.StatusArchived); err != nil {
			t.Fatal(err)
		}
		sendNow(t, supplier(t, "archived@example.com", nil))
		says(t, "archived@example.com", closed, stillOpen, "Orders for")
	})
}

// TestSupplierJobsOnlyWhereSuppliersGetOrders: an event without per-order
// suppliers queues no supplier job for an order or its cancellation (the
// job would find nothing to send); once it has one, the supplier gets the
// order.
func TestSupplierJobsOnlyWhereSuppliersGetOrders(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	capLine := h.line("Cap", "One size", 1, "")
	supplierJobs := func(t *testing.T, number string) int {
		return h.count(t, "SELECT count(*) FROM river_job WHERE kind IN ('supplier_order', 'supplier_cancellation') AND args->>'order_number' = $1", number)
	}
	t.Run("an order and its cancellation queue no supplier job without per-order suppliers", func(t *testing.T) {
		o := h.placeOrder(t, "jana@example.com", capLine)
		if _, err := h.db.CancelOrder(ctx, h.event.ID, o.Number, "attendee"); err != nil {
			t.Fatal(err)
		}
		h.waitFor(t, "jana@example.com", "status_cancelled", o.Number)
		if n := supplierJobs(t, o.Number); n != 0 {
			t.Errorf("%d supplier jobs queued, want 0", n)
		}
	})
	t.Run("a per-order supplier of another product: an order of a cap queues no supplier job", func(t *testing.T) {
		hoodieLine := h.line("Hoodie", "M", 1, "")
		if _, err := h.db.SaveSupplier(ctx, h.event.ID, suppliers.Supplier{Name: "Hoodies Ltd", Emails: []string{"hoodies@example.com"},
			Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{hoodieLine.ProductID}}); err != nil {
			t.Fatal(err)
		}
		o := h.placeOrder(t, "lena@example.com", capLine)
		h.waitFor(t, "lena@example.com", "order_confirmation", o.Number)
		if n := supplierJobs(t, o.Number); n != 0 {
			t.Errorf("%d supplier jobs queued for a cap with only a hoodie supplier, want 0", n)
		}
	})
	t.Run("with a per-order supplier, an order queues its supplier job", func(t *testing.T) {
		if _, err := h.db.SaveSupplier(ctx, h.event.ID, suppliers.Supplier{Name: "Caps Inc", Emails: []string{"caps@example.com"},
			Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{capLine.ProductID}}); err != nil {
			t.Fatal(err)
		}
		o := h.placeOrder(t, "ken@example.com", capLine)
		h.waitFor(t, "caps@example.com", "supplier_order", o.Number)
		if n := supplierJobs(t, o.Number); n != 1 {
			t.Errorf("%d supplier jobs queued, want 1", n)
		}
	})
}

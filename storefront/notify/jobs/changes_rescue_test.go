package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/storefront/suppliers"
)

// TestARescuedChangeNoticeIsNotSentTwice: a worker that dies after a
// supplier's change notice was sent and recorded, before its job was
// marked done, leaves the job running; rescued and run again, it sends
// nothing more.
func TestARescuedChangeNoticeIsNotSentTwice(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	hoodieM, hoodieS := h.line("Hoodie", "M", 1, ""), h.line("Hoodie", "S", 1, "")
	if _, err := h.db.SaveSupplier(ctx, h.event.ID, suppliers.Supplier{Name: "Acme Print", Emails: []string{"acme@example.com"},
		Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{hoodieM.ProductID}}); err != nil {
		t.Fatal(err)
	}
	o := h.placeOrder(t, "jana@example.com", hoodieM)
	if _, err := h.db.SwapOrderOption(ctx, h.event.ID, o.Number, 0, hoodieS.VariantID); err != nil {
		t.Fatal(err)
	}
	h.waitFor(t, "acme@example.com", "supplier_changed", o.Number)
	state := func() (attempt int, s string) {
		err := h.db.InTenant(ctx, h.event.ID, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, "SELECT attempt, state::text FROM river_job WHERE kind = 'supplier_change' AND args->>'order_number' = $1", o.Number).Scan(&attempt, &s)
		})
		if err != nil {
			t.Fatal(err)
		}
		return attempt, s
	}
	waitState(t, time.Now().Add(10*time.Second), func() bool { _, s := state(); return s == "completed" })
	h.admin(t, `UPDATE river_job SET state = 'running', finalized_at = NULL, attempted_at = now() - interval '1 minute',
		attempted_by = ARRAY['a-killed-worker'] WHERE kind = 'supplier_change' AND args->>'order_number' = $1`, o.Number)
	waitState(t, time.Now().Add(time.Minute), func() bool { a, s := state(); return a >= 2 && s == "completed" })
	if n := len(h.received(t, "acme@example.com", "supplier_changed", o.Number)); n != 1 {
		t.Fatalf("%d change notices received, want exactly 1", n)
	}
}

// TestACancelledLineOfAPaidOrderIsRefunded: cancelling one line of an
// order paid online queues the refund of that line's price in the same
// transaction; an order paid at the desk queues none.
func TestACancelledLineOfAPaidOrderIsRefunded(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	refunds := func(number string) (n int, amount int64) {
		err := h.db.InTenant(ctx, h.event.ID, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*), coalesce(sum((args->>'amount_minor')::bigint), 0) FROM river_job
				WHERE kind = 'payment_refund' AND args->>'order_number' = $1`, number).Scan(&n, &amount)
		})
		if err != nil {
			t.Fatal(err)
		}
		return n, amount
	}
	paid := h.placeOrder(t, "paid@example.com", h.line("Hoodie", "M", 1, ""), h.line("Cap", "One size", 2, ""))
	h.admin(t, `UPDATE orders SET payment_state = 'paid', payment_intent_id = 'pi_test' WHERE number = $1`, paid.Number)
	after, err := h.db.CancelOrderLine(ctx, h.event.ID, paid.Number, 1)
	if err != nil {
		t.Fatal(err)
	}
	if n, amount := refunds(paid.Number); n != 1 || amount != 2*1200 || after.TotalMinor != 3500 {
		t.Errorf("%d refunds of %d in all, total now %d; want one of 2400, total 3500", n, amount, after.TotalMinor)
	}
	desk := h.placeOrder(t, "desk@example.com", h.line("Hoodie", "M", 1, ""), h.line("Cap", "One size", 1, ""))
	h.admin(t, `UPDATE orders SET payment_state = 'at_pickup' WHERE number = $1`, desk.Number)
	if _, err := h.db.CancelOrderLine(ctx, h.event.ID, desk.Number, 1); err != nil {
		t.Fatal(err)
	}
	if n, _ := refunds(desk.Number); n != 0 {
		t.Errorf("an order paid at the desk queued %d refunds", n)
	}
}

func waitState(t *testing.T, deadline time.Time, done func() bool) {
	t.Helper()
	for !done() {
		if time.Now().After(deadline) {
			t.Fatal("the job did not get there in time")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront/notify"
	"marquee/storefront/notify/jobs"
)

// TestAnOrdersJobIsRiversOwn: an order's confirmation job, which PlaceOrder
// inserts with its own statement in its last batch, is the row River's
// client inserts for the same args (every column but the id and the
// times), and the first order tells River's workers as River's client
// does (a notification on <schema>.river_insert); the next orders within
// the Enqueuer's NotifyEvery (100 ms in production) do not. A River upgrade that changes its rows fails here.
func TestAnOrdersJobIsRiversOwn(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	inserter, err := jobs.NewInserter(database.Pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	// An hour between notifications, so that the second order falls within
	// it however slowly a busy machine places them (100 ms in production).
	database.Events = &jobs.Enqueuer{Client: inserter, PerOrderSuppliers: db.HasPerOrderSuppliers, NotifyEvery: time.Hour}
	h := &harness{t: t, db: database, adminURL: d.AdminURL} // no workers: the rows stay as inserted
	h.event, h.cat = h.newEvent(ctx)

	listener, err := pgx.Connect(ctx, d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close(ctx)
	if _, err := listener.Exec(ctx, `LISTEN "public.river_insert"`); err != nil {
		t.Fatal(err)
	}

	first := h.placeOrder(t, "a@example.com", h.line("Cap", "One size", 1, ""))
	h.placeOrder(t, "b@example.com", h.line("Cap", "One size", 1, ""))
	waitCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	n, err := listener.WaitForNotification(waitCtx)
	cancel()
	if err != nil {
		t.Fatalf("no notification for the workers after an order: %v", err)
	}
	if n.Payload != `{"queue" : "default"}` {
		t.Errorf("notification %q", n.Payload)
	}
	waitCtx, cancel = context.WithTimeout(ctx, 300*time.Millisecond)
	if n, err := listener.WaitForNotification(waitCtx); err == nil {
		t.Errorf("a second notification within the hour: %q", n.Payload)
	}
	cancel()

	// River's own insert of the first order's confirmation, beside it.
	if err := database.InTenant(ctx, h.event.ID, func(tx pgx.Tx) error {
		_, err := inserter.InsertManyTx(ctx, tx, []river.InsertManyParams{{Args: jobs.OrderEmailArgs{
			TenantID: h.event.ID, OrderNumber: first.Number, Email: notify.KindOrderConfirmation, Seq: 1}}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	rows := `SELECT to_jsonb(j) - 'id' - 'created_at' - 'scheduled_at' FROM river_job j WHERE args->>'order_number' = $1`
	if got := h.adminCount(t, "SELECT count(*) FROM ("+rows+") r", first.Number); got != 2 {
		t.Fatalf("%d jobs for the first order and River's own, want 2", got)
	}
	if got := h.adminCount(t, "SELECT count(DISTINCT r) FROM ("+rows+") r(r)", first.Number); got != 1 {
		t.Fatalf("the order's job and River's own differ: %d distinct rows", got)
	}
	if got := h.adminCount(t, "SELECT count(*) FROM river_job WHERE scheduled_at <= now() AND state = 'available'"); got != 3 {
		t.Fatalf("%d jobs available now, want 3", got)
	}
}

package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"marquee"
	"marquee/storefront/suppliers"
	"marquee/tenant"
	"marquee/tenant/provision"
)

// refusal is what the queue answers while refuseBatches holds.
const refusal = "the queue refuses supplier batches"

// refuseBatches makes every insert of a supplier's batch job fail in the
// database, as a full disk or a broken queue table would, until
// acceptBatches.
func (h *harness) refuseBatches(t *testing.T) {
	t.Helper()
	h.admin(t, `CREATE OR REPLACE FUNCTION refuse_supplier_batch() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION '`+refusal+`'; END $$`)
	h.admin(t, `CREATE TRIGGER refuse_supplier_batch BEFORE INSERT ON river_job
		FOR EACH ROW WHEN (NEW.kind = 'supplier_batch') EXECUTE FUNCTION refuse_supplier_batch()`)
	t.Cleanup(func() { h.acceptBatches(t) })
}

// acceptBatches lets the queue take supplier batches again.
func (h *harness) acceptBatches(t *testing.T) {
	t.Helper()
	h.admin(t, `DROP TRIGGER IF EXISTS refuse_supplier_batch ON river_job`)
}

// refused fails t unless err is the queue's refusal, answered as an
// internal error (the console's 500 page, the API's 500).
func refused(t *testing.T, what string, err error) {
	t.Helper()
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Message != refusal {
		t.Fatalf("%s answered %v, want the queue's refusal", what, err)
	}
	if code := marquee.ErrorCode(err); code != marquee.EINTERNAL {
		t.Fatalf("%s answered %s, want %s", what, code, marquee.EINTERNAL)
	}
}

// TestABatchThatCannotBeQueuedCommitsNothing: a supplier's list is queued
// in the transaction of the change that schedules it (saving the
// supplier, setting the closing time, archiving the event). When the
// queue refuses it, the change is not committed and the caller hears the
// error; the same change tried again succeeds and queues the list.
func TestABatchThatCannotBeQueuedCommitsNothing(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ops := &provision.Service{Store: h.db}
	hoodie := h.line("Hoodie", "M", 1, "ADA")
	h.placeOrder(t, "jana@example.com", hoodie)
	batchJobs := func(t *testing.T, supplierID uuid.UUID) int {
		t.Helper()
		return h.count(t, "SELECT count(*) FROM river_job WHERE kind = 'supplier_batch' AND args->>'supplier_id' = $1", supplierID.String())
	}
	event := func(t *testing.T) *tenant.Tenant {
		t.Helper()
		ev, err := h.db.TenantByID(ctx, h.event.ID)
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	// A batch supplier without a send time of its own waits for the
	// closing time, or else for the end of the event.
	closing, err := h.db.SaveSupplier(ctx, h.event.ID, suppliers.Supplier{Name: "Closing Co", Emails: []string{"closing@example.com"},
		Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{hoodie.ProductID}})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("a supplier whose list cannot be queued is not saved, and saving it again schedules the list", func(t *testing.T) {
		sendAt := time.Now().Add(time.Hour).Truncate(time.Minute).UTC()
		stitch := suppliers.Supplier{Name: "Stitch", Emails: []string{"stitch@example.com"}, Mode: suppliers.ModeBatch,
			ProductIDs: []uuid.UUID{hoodie.ProductID}, SendAt: &sendAt}
		stored := func(t *testing.T) int {
			return h.count(t, "SELECT count(*) FROM suppliers WHERE name = 'Stitch'")
		}
		h.refuseBatches(t)
		_, err := h.db.SaveSupplier(ctx, h.event.ID, stitch)
		refused(t, "saving the supplier", err)
		if n := stored(t); n != 0 {
			t.Fatalf("the supplier was saved (%d rows) though its list was not queued", n)
		}
		h.acceptBatches(t)
		id, err := h.db.SaveSupplier(ctx, h.event.ID, stitch)
		if err != nil {
			t.Fatalf("saving again: %v", err)
		}
		if n := stored(t); n != 1 {
			t.Fatalf("%d suppliers saved, want 1", n)
		}
		if n := h.count(t, "SELECT count(*) FROM river_job WHERE kind = 'supplier_batch' AND args->>'supplier_id' = $1 AND scheduled_at = $2",
			id.String(), sendAt); n != 1 {
			t.Fatalf("%d batch jobs at the supplier's send time %v, want 1", n, sendAt)
		}
	})
	t.Run("a closing time whose lists cannot be queued is not set, and setting it again schedules them", func(t *testing.T) {
		closesAt := time.Now().Add(2 * time.Hour).Truncate(time.Minute).UTC()
		h.refuseBatches(t)
		_, err := ops.SetClosesAt(ctx, h.event.Slug, closesAt.Format("2006-01-02T15:04"))
		refused(t, "setting the closing time", err)
		if ev := event(t); ev.ClosesAt != nil {
			t.Fatalf("the closing time %v was set though the lists were not queued", ev.ClosesAt)
		}
		h.acceptBatches(t)
		if _, err := ops.SetClosesAt(ctx, h.event.Slug, closesAt.Format("2006-01-02T15:04")); err != nil {
			t.Fatalf("setting it again: %v", err)
		}
		if ev := event(t); ev.ClosesAt == nil || !ev.ClosesAt.Equal(closesAt) {
			t.Fatalf("the event closes at %v, want %v", ev.ClosesAt, closesAt)
		}
		if n := batchJobs(t, closing); n != 1 {
			t.Fatalf("%d batch jobs for the supplier waiting for the closing time, want 1", n)
		}
	})
	t.Run("an event whose lists cannot be queued is not archived, and archiving it again sends them", func(t *testing.T) {
		h.refuseBatches(t)
		_, err := ops.Archive(ctx, h.event.Slug)
		refused(t, "archiving the event", err)
		if st := event(t).Status; st != tenant.StatusActive {
			t.Fatalf("the event is %s though its lists were not queued, want active", st)
		}
		if n := batchJobs(t, closing); n != 1 {
			t.Fatalf("%d batch jobs after the refused archive, want still the 1 of the closing time", n)
		}
		h.acceptBatches(t)
		if _, err := ops.Archive(ctx, h.event.Slug); err != nil {
			t.Fatalf("archiving again: %v", err)
		}
		if st := event(t).Status; st != tenant.StatusArchived {
			t.Fatalf("the event is %s, want archived", st)
		}
		if n := batchJobs(t, closing); n != 2 {
			t.Fatalf("%d batch jobs after archiving, want 2 (the closing time's and the end's)", n)
		}
		h.waitFor(t, "closing@example.com", "supplier_batch", "")
	})
}

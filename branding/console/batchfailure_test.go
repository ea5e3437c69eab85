package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/db/dbtest"
	"marquee/storefront/suppliers"
	"marquee/tenant"
)

// queueRefusal is what the queue answers while refuseBatches holds.
const queueRefusal = "the queue refuses supplier batches"

// refuseBatches makes every insert of a supplier's batch job fail in the
// database, as a full disk or a broken queue table would, until
// acceptBatches (as storefront/notify/jobs' TestABatchThatCannotBeQueuedCommitsNothing).
func refuseBatches(t *testing.T, s *testServer) {
	t.Helper()
	asAdmin(t, s, `CREATE OR REPLACE FUNCTION refuse_supplier_batch() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION '`+queueRefusal+`'; END $$`)
	asAdmin(t, s, `CREATE TRIGGER refuse_supplier_batch BEFORE INSERT ON river_job
		FOR EACH ROW WHEN (NEW.kind = 'supplier_batch') EXECUTE FUNCTION refuse_supplier_batch()`)
	t.Cleanup(func() { acceptBatches(t, s) })
}

// acceptBatches lets the queue take supplier batches again.
func acceptBatches(t *testing.T, s *testServer) {
	t.Helper()
	asAdmin(t, s, `DROP TRIGGER IF EXISTS refuse_supplier_batch ON river_job`)
}

// asAdmin runs sql as a superuser.
func asAdmin(t *testing.T, s *testServer, sql string) {
	t.Helper()
	dbtest.Exec(t, s.adminURL, sql)
}

// batchJobs counts the queued lists of supplier (all suppliers: uuid.Nil).
func batchJobs(t *testing.T, s *testServer, supplier uuid.UUID) int {
	t.Helper()
	return dbtest.CountRows(t, s.adminURL, `SELECT count(*) FROM river_job WHERE kind = 'supplier_batch'
		AND ($1 = '00000000-0000-0000-0000-000000000000' OR args->>'supplier_id' = $1)`, supplier.String())
}

// wantInternalErrorPage fails t unless r is the console's 500 page, with
// nothing of the cause on it.
func wantInternalErrorPage(t *testing.T, s *testServer, what string, r *response) {
	t.Helper()
	if r.status != http.StatusInternalServerError || r.text("h1") != enMessage(s, "error.heading.internal") ||
		r.text("p.message") != enMessage(s, "error.internal") {
		t.Fatalf("%s: %d, h1 %q, message %q; want the 500 page", what, r.status, r.text("h1"), r.text("p.message"))
	}
	if strings.Contains(r.body, queueRefusal) || strings.Contains(r.body, "river_job") {
		t.Errorf("%s: the cause reached the page", what)
	}
}

// TestABatchThatCannotBeQueuedFailsTheRequest: the test at the
// request level. When the queue refuses a supplier's list, saving the
// supplier from its form and archiving the event from the platform page
// answer the 500 page and commit nothing; the same POST again succeeds
// and queues the list.
func TestABatchThatCannotBeQueuedFailsTheRequest(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	hoodie := addSizedProduct(t, s, ev, "Hoodie")

	t.Run("the supplier form", func(t *testing.T) {
		b := fulfilmentMember(t, s, ev)
		sendAt := time.Now().Add(time.Hour).Truncate(time.Minute).UTC()
		stitch := url.Values{"csrf": {csrfOf(consolePage(t, b, "/events/devcon/suppliers"))}, "name": {"Stitch"},
			"emails": {"stitch@example.com"}, "mode": {"batch"}, "send_at": {sendAt.Format("2006-01-02T15:04")},
			"variant": {hoodie.Variants[0].ID.String()}}
		refuseBatches(t, s)
		wantInternalErrorPage(t, s, "saving the supplier", b.post("/events/devcon/suppliers", stitch))
		if list := storedSuppliers(t, s, ev); len(list) != 0 {
			t.Fatalf("the supplier was saved (%+v) though its list was not queued", list)
		}
		if n := batchJobs(t, s, uuid.Nil); n != 0 {
			t.Fatalf("%d batch jobs after the refusal", n)
		}
		acceptBatches(t, s)
		r := b.post("/events/devcon/suppliers", stitch)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/events/devcon/suppliers?saved=supplier_created" {
			t.Fatalf("the retry: %d to %q: %s", r.status, r.header.Get("Location"), r.text("#problem"))
		}
		list := storedSuppliers(t, s, ev)
		if len(list) != 1 || list[0].Name != "Stitch" || list[0].Mode != suppliers.ModeBatch {
			t.Fatalf("after the retry: %+v", list)
		}
		if n := batchJobs(t, s, list[0].ID); n != 1 {
			t.Fatalf("%d batch jobs for the saved supplier, want 1", n)
		}
	})

	t.Run("archiving the event on the platform page", func(t *testing.T) {
		// A batch supplier without a send time of its own gets its list
		// when the event ends.
		closing, err := s.db.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: "Closing Co", Emails: []string{"closing@example.com"},
			Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{hoodie.ID}})
		if err != nil {
			t.Fatal(err)
		}
		before := batchJobs(t, s, closing)
		admin := platformAdmin(t, s)
		archive := url.Values{"csrf": {csrfOf(consolePage(t, admin, "/platform/events/devcon"))}}
		status := func() tenant.Status {
			got, err := s.db.TenantBySlug(ctx, "devcon")
			if err != nil {
				t.Fatal(err)
			}
			return got.Status
		}
		refuseBatches(t, s)
		wantInternalErrorPage(t, s, "archiving the event", admin.post("/platform/events/devcon/archive", archive))
		if st := status(); st != tenant.StatusActive {
			t.Fatalf("the event is %s though its lists were not queued, want active", st)
		}
		if n := batchJobs(t, s, closing); n != before {
			t.Fatalf("%d batch jobs for the closing supplier after the refusal, want %d", n, before)
		}
		acceptBatches(t, s)
		r := admin.post("/platform/events/devcon/archive", archive)
		if r.status != http.StatusSeeOther {
			t.Fatalf("the retry: %d: %s", r.status, r.text("#problem"))
		}
		if st := status(); st != tenant.StatusArchived {
			t.Fatalf("after the retry the event is %s, want archived", st)
		}
		if n := batchJobs(t, s, closing); n != before+1 {
			t.Fatalf("%d batch jobs for the closing supplier after archiving, want %d", n, before+1)
		}
	})
}

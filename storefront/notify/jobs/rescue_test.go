package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestARescuedJobDoesNotSendTwice: a worker that dies after the mail
// server accepted an email and the send log recorded it, but before the
// job was marked done, leaves the job running. With the default rescue
// time the job runs again within a minute, and the send log keeps the
// attendee from a second copy.
func TestARescuedJobDoesNotSendTwice(t *testing.T) {
	h := newHarness(t)
	o := h.placeOrder(t, "jana@example.com", h.line("Cap", "One size", 1, ""))
	h.waitFor(t, "jana@example.com", "order_confirmation", o.Number)
	completed := func() int {
		return h.count(t, "SELECT count(*) FROM river_job WHERE kind = 'order_email' AND state = 'completed' AND args->>'order_number' = $1", o.Number)
	}
	deadline := time.Now().Add(10 * time.Second)
	for completed() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the confirmation job did not complete")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// As a worker killed after recording the email leaves its job: still
	// running, attempted a minute ago, by a client that is gone.
	h.admin(t, `UPDATE river_job SET state = 'running', finalized_at = NULL, attempted_at = now() - interval '1 minute',
		attempted_by = ARRAY['a-killed-worker'] WHERE kind = 'order_email' AND args->>'order_number' = $1`, o.Number)
	rescued := time.Now()

	deadline = rescued.Add(time.Minute)
	for !rerun(t, h, o.Number) {
		if time.Now().After(deadline) {
			t.Fatal("the abandoned job did not run again within a minute")
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("the abandoned job ran again %v after it was left", time.Since(rescued).Round(100*time.Millisecond))
	if n := len(h.received(t, "jana@example.com", "order_confirmation", o.Number)); n != 1 {
		t.Fatalf("%d confirmations received, want exactly 1", n)
	}
	if n := h.count(t, "SELECT count(*) FROM email_log WHERE dedup_key LIKE $1", "order:"+o.Number+":order_confirmation:%"); n != 1 {
		t.Fatalf("%d confirmations in the send log, want 1", n)
	}
}

// rerun reports whether the confirmation job of order number finished a
// second attempt.
func rerun(t *testing.T, h *harness, number string) bool {
	var attempt int
	var state string
	err := h.db.InTenant(context.Background(), h.event.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT attempt, state::text FROM river_job WHERE kind = 'order_email' AND args->>'order_number' = $1", number).Scan(&attempt, &state)
	})
	if err != nil {
		t.Fatal(err)
	}
	return attempt >= 2 && state == "completed"
}

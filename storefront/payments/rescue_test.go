package payments_test

import (
	"context"
	"testing"
	"time"

	"marquee/storefront"
	"marquee/storefront/notify/jobs"
)

// TestKilledPaymentJobsRunAgainSafely: a worker that dies after a refund
// was made and recorded, or after an expiry gave the stock back, leaves its
// job running; River's rescuer runs it again, and the rerun refunds nothing
// more at Stripe (the job's key), records nothing twice and releases no
// stock twice.
func TestKilledPaymentJobsRunAgainSafely(t *testing.T) {
	h := newHarness(t, harnessOptions{workers: jobs.Options{JobTimeout: time.Second, RescueAfter: 2 * time.Second}})
	paid, session := h.order(t, "ada@example.com", 1)
	if _, err := h.stripe.Pay(session); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.CancelOrder(context.Background(), h.event.ID, paid.Number, "attendee"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the refund", func() bool { return h.reload(t, paid).PaymentState == storefront.PaymentRefunded })
	h.offset.Store(int64(-20 * time.Minute))
	expired, _ := h.order(t, "bob@example.com", 1)
	h.offset.Store(0)
	eventually(t, "the expiry", func() bool { return h.reload(t, expired).PaymentState == storefront.PaymentExpired })
	completed := func(kind string) bool {
		return h.count(t, "SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'completed'", kind) == 1
	}
	eventually(t, "both jobs completed", func() bool { return completed("payment_refund") && completed("payment_expire") })
	stock := h.stock(t)

	// As a worker killed after its work but before the job was marked done
	// leaves it: running, attempted a minute ago, by a client that is gone.
	abandon := `UPDATE river_job SET state = 'running', finalized_at = NULL, attempted_at = now() - interval '1 minute',
		attempted_by = ARRAY['a-killed-worker'] WHERE kind IN ('payment_refund', 'payment_expire')`
	h.admin(t, abandon)
	rerun := func() bool {
		return h.count(t, "SELECT count(*) FROM river_job WHERE kind IN ('payment_refund', 'payment_expire') AND state = 'completed' AND attempt >= 2") == 2
	}
	deadline := time.Now().Add(90 * time.Second)
	for !rerun() {
		if time.Now().After(deadline) {
			t.Fatal("the abandoned payment jobs did not run again within 90s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n := len(h.stripe.Refunds()); n != 1 {
		t.Fatalf("%d refunds at Stripe after the rerun, want 1", n)
	}
	if n := h.count(t, "SELECT count(*) FROM payment_refunds"); n != 1 {
		t.Fatalf("%d refund rows after the rerun, want 1", n)
	}
	if s := h.stock(t); s != stock {
		t.Fatalf("stock %d after the expiry ran again, was %d: released twice", s, stock)
	}
}

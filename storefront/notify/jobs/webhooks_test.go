package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront/notify/jobs"
	"marquee/storefront/webhooks"
	"marquee/storefront/webhooks/webhooktest"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// testWebhooks deliver to the receivers on 127.0.0.1 and retry every
// 100 ms instead of over a day; an endpoint is disabled after failing for
// production's day (TestAFailingEndpointIsDisabled moves its failures
// back in time).
var testWebhooks = &jobs.Webhooks{
	Sender:        webhooks.NewSender(true, nil),
	RetrySchedule: []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond},
	ConsoleURL:    "https://console.shop.test",
}

// hookTo registers rcv as an endpoint of the event for types, created by
// staffID, and makes rcv trust its secret.
func hookTo(t *testing.T, h *harness, eventID, staffID uuid.UUID, rcv *webhooktest.Receiver, types ...string) webhooks.Endpoint {
	t.Helper()
	h.db.WebhooksAllowPrivate = true
	e, secret, err := h.db.CreateWebhookEndpoint(context.Background(), eventID, staffID, webhooks.EndpointInput{URL: rcv.URL(), Types: types, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	rcv.Trust(t, secret)
	return e
}

// deliveriesOf are an endpoint's deliveries, newest first.
func deliveriesOf(t *testing.T, h *harness, scope uuid.UUID, e webhooks.Endpoint) []webhooks.Delivery {
	t.Helper()
	list, err := h.db.WebhookDeliveries(context.Background(), scope, e.ID, webhooks.Cursor{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestAWebhookArrivesAfterAnOrder: the order's placement reaches the
// event's receiver once, signed, with the order's data; another event's
// receiver, subscribed to the same type, gets nothing of it.
func TestAWebhookArrivesAfterAnOrder(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	rcv := webhooktest.Start(t)
	e := hookTo(t, h, h.event.ID, uuid.Nil, rcv, webhooks.OrderPlaced)
	other, err := h.db.CreateTenant(ctx, tenant.Tenant{Slug: "othercon", Name: "OtherCon", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en"}},
		branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{"en": {Title: "OtherCon"}}})
	if err != nil {
		t.Fatal(err)
	}
	theirs := webhooktest.Start(t)
	hookTo(t, h, other.ID, uuid.Nil, theirs, webhooks.OrderPlaced)

	o := h.placeOrder(t, "jana@example.com", h.line("Cap", "One size", 1, ""))
	got := rcv.WaitFor(t, webhooks.OrderPlaced, 1, 20*time.Second)
	var data webhooks.OrderData
	if err := json.Unmarshal(got[0].Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Number != o.Number || data.EventID != h.event.ID || data.Email != "jana@example.com" || len(data.Items) != 1 || data.Items[0].ProductName["en"] != "Cap" {
		t.Fatalf("order.placed data %s, want order %s of the event with its Cap", got[0].Data, o.Number)
	}
	list := deliveriesOf(t, h, h.event.ID, e)
	if len(list) != 1 || got[0].ID != webhooks.MessageID(list[0].MessageID) {
		t.Fatalf("webhook-id %s, deliveries %+v: want the one delivery's message id", got[0].ID, list)
	}
	waitDelivery(t, h, h.event.ID, e, webhooks.DeliverySucceeded, 1)
	time.Sleep(300 * time.Millisecond) // another delivery would have come by now
	if n := len(rcv.Accepted()); n != 1 {
		t.Fatalf("%d deliveries, want 1", n)
	}
	if n := len(theirs.Accepted()); n != 0 || theirs.Refused() != 0 {
		t.Fatalf("the other event's receiver got %d deliveries (%d refused), want none", n, theirs.Refused())
	}
}

// waitDelivery waits for the endpoint's newest delivery to be in state
// after attempts attempts, and returns it.
func waitDelivery(t *testing.T, h *harness, scope uuid.UUID, e webhooks.Endpoint, state string, attempts int) webhooks.Delivery {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		list := deliveriesOf(t, h, scope, e)
		if len(list) > 0 && list[0].State == state && list[0].Attempts == attempts {
			return list[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries %+v, want the newest %s after %d attempts", list, state, attempts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAWebhookIsRetriedWhileTheReceiverFails: two 500s, then the
// receiver takes it; every attempt is in the log with its status.
func TestAWebhookIsRetriedWhileTheReceiverFails(t *testing.T) {
	h := newHarness(t)
	rcv := webhooktest.Start(t)
	e := hookTo(t, h, h.event.ID, uuid.Nil, rcv, webhooks.OrderPlaced)
	rcv.FailNext(2)
	o := h.placeOrder(t, "jana@example.com", h.line("Cap", "One size", 1, ""))
	got := rcv.WaitFor(t, webhooks.OrderPlaced, 1, 20*time.Second)
	d := waitDelivery(t, h, h.event.ID, e, webhooks.DeliverySucceeded, 3)
	if rcv.Failed() != 2 || len(got) != 1 || !strings.Contains(string(got[0].Data), o.Number) {
		t.Fatalf("failed %d, accepted %d: want 2 failures then the order", rcv.Failed(), len(got))
	}
	if d.StatusCode != 204 {
		t.Fatalf("the delivery's last status %d, want 204", d.StatusCode)
	}
	if n := h.count(t, "SELECT count(*) FROM webhook_attempts WHERE delivery_id = $1 AND status_code = 500 AND error = 'HTTP 500' AND response_excerpt LIKE 'receiver told to fail%'", d.ID); n != 2 {
		t.Fatalf("%d failed attempts logged with their answer, want 2", n)
	}
	if n := h.count(t, "SELECT count(*) FROM webhook_endpoints WHERE id = $1 AND enabled AND failing_since IS NULL", e.ID); n != 1 {
		t.Fatal("the endpoint is not enabled and healthy after its success")
	}
}

// TestWebhooksArriveOnceAfterAWorkerRestart: orders placed while no
// worker runs are delivered once each when one starts; a worker killed
// after a delivery, before its job was marked done, leaves a job that is
// rescued and finds the delivery done: still one each.
func TestWebhooksArriveOnceAfterAWorkerRestart(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	rcv := webhooktest.Start(t)
	hookTo(t, h, h.event.ID, uuid.Nil, rcv, webhooks.OrderPlaced)
	stopCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := h.workers.Stop(stopCtx); err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for _, who := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		numbers = append(numbers, h.placeOrder(t, who, h.line("Cap", "One size", 1, "")).Number)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(rcv.Accepted()); n != 0 {
		t.Fatalf("%d deliveries with no worker running, want 0", n)
	}
	h.workers = h.startWorkers(ctx, h.ownerURL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rcv.WaitFor(t, webhooks.OrderPlaced, 3, 20*time.Second)
	completed := func() int {
		return h.count(t, "SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'completed'", webhooks.JobKind)
	}
	dbtest.WaitFor(t, 20*time.Second, func() bool { return completed() == 3 })

	// As a worker killed after its send leaves its job: running, attempted
	// a minute ago, by a client that is gone.
	h.admin(t, `UPDATE river_job SET state = 'running', finalized_at = NULL, attempted_at = now() - interval '1 minute',
		attempted_by = ARRAY['a-killed-worker'] WHERE kind = $1`, webhooks.JobKind)
	deadline := time.Now().Add(90 * time.Second)
	for h.count(t, "SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'completed' AND attempt >= 2", webhooks.JobKind) != 3 {
		if time.Now().After(deadline) {
			t.Fatal("the abandoned jobs did not run again")
		}
		time.Sleep(100 * time.Millisecond)
	}
	got := rcv.Accepted()
	seen := map[string]int{}
	for _, d := range got {
		var data webhooks.OrderData
		if err := json.Unmarshal(d.Data, &data); err != nil {
			t.Fatal(err)
		}
		seen[data.Number]++
	}
	for _, n := range numbers {
		if seen[n] != 1 {
			t.Errorf("order %s delivered %d times, want exactly once (all: %v)", n, seen[n], seen)
		}
	}
}

// TestARotatedSecretIsAcceptedDuringItsOverlap: after a rotation a
// receiver still on the old secret and one already on the new accept the
// deliveries; once the overlap is over, only the new one verifies.
func TestARotatedSecretIsAcceptedDuringItsOverlap(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	old := webhooktest.Start(t)
	e := hookTo(t, h, h.event.ID, uuid.Nil, old, webhooks.OrderPlaced)
	var oldSecret string
	if err := h.db.InTenant(ctx, h.event.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT secret FROM webhook_endpoints WHERE id = $1", e.ID).Scan(&oldSecret)
	}); err != nil {
		t.Fatal(err)
	}
	secret, _, err := h.db.RotateWebhookSecret(ctx, h.event.ID, uuid.Nil, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.placeOrder(t, "a@example.com", h.line("Cap", "One size", 1, ""))
	got := old.WaitFor(t, webhooks.OrderPlaced, 1, 20*time.Second)
	if sigs := strings.Fields(got[0].Signature); len(sigs) != 2 {
		t.Fatalf("webhook-signature %q during the overlap, want two signatures", got[0].Signature)
	}
	old.Trust(t, secret) // the receiver switches to the new secret
	h.placeOrder(t, "b@example.com", h.line("Cap", "One size", 1, ""))
	old.WaitFor(t, webhooks.OrderPlaced, 2, 20*time.Second)

	h.admin(t, "UPDATE webhook_endpoints SET previous_secret_until = now() - interval '1 second' WHERE id = $1", e.ID)
	old.Trust(t, oldSecret) // a receiver that never switched
	h.placeOrder(t, "c@example.com", h.line("Cap", "One size", 1, ""))
	dbtest.WaitFor(t, 20*time.Second, func() bool { return old.Refused() >= 1 })
	if n := len(old.Accepted()); n != 2 {
		t.Fatalf("%d accepted after the overlap with the old secret only, want still 2", n)
	}
	old.Trust(t, secret)
	got = old.WaitFor(t, webhooks.OrderPlaced, 3, 20*time.Second)
	if sigs := strings.Fields(got[2].Signature); len(sigs) != 1 {
		t.Fatalf("webhook-signature %q after the overlap, want one signature", got[2].Signature)
	}
}

// TestAFailingEndpointIsDisabled: an endpoint failing for more than a day
// is disabled at its next failure, its creator gets the email, and its
// delivery is not tried again.
func TestAFailingEndpointIsDisabled(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	owner, err := db.NewStaffStore(h.db, staff.Policy{}).CreateStaff(ctx, "owner@example.com", "Owner", false)
	if err != nil {
		t.Fatal(err)
	}
	rcv := webhooktest.Start(t)
	e := hookTo(t, h, h.event.ID, owner.ID, rcv, webhooks.OrderPlaced)
	h.admin(t, "UPDATE webhook_endpoints SET failing_since = now() - interval '25 hours' WHERE id = $1", e.ID)
	rcv.FailNext(1000)
	h.placeOrder(t, "a@example.com", h.line("Cap", "One size", 1, ""))
	m := h.waitFor(t, "owner@example.com", "webhook_disabled", "DevCon")
	if !strings.Contains(m.Text, rcv.URL()) || !strings.Contains(m.Text, "https://console.shop.test/events/devcon/webhooks") {
		t.Fatalf("the email says %q, want the endpoint and the console's page", m.Text)
	}
	got, err := h.db.WebhookEndpoint(ctx, h.event.ID, e.ID)
	if err != nil || got.Enabled || got.DisabledReason != webhooks.DisabledFailing {
		t.Fatalf("endpoint %+v %v, want disabled for failing", got, err)
	}
	d := waitDelivery(t, h, h.event.ID, e, webhooks.DeliveryFailed, 1)
	if rcv.Failed() != 1 || d.StatusCode != 500 {
		t.Fatalf("%d attempts reached the receiver, delivery %+v: want one, then none once disabled", rcv.Failed(), d)
	}
}

// TestEventClosedArrivesAtTheClosingTime: the job queued with the closing
// time emits event.closed then; a time changed since emits nothing.
func TestEventClosedArrivesAtTheClosingTime(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	rcv := webhooktest.Start(t)
	hookTo(t, h, h.event.ID, uuid.Nil, rcv, webhooks.EventClosed)
	first := time.Now().Add(200 * time.Millisecond).Truncate(time.Microsecond)
	if _, err := h.db.SetTenantClosesAt(ctx, h.event.ID, &first); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Second).Truncate(time.Microsecond)
	if _, err := h.db.SetTenantClosesAt(ctx, h.event.ID, &later); err != nil {
		t.Fatal(err)
	}
	got := rcv.WaitFor(t, webhooks.EventClosed, 1, 20*time.Second)
	if time.Now().Before(later) {
		t.Fatal("event.closed arrived before the closing time")
	}
	var data webhooks.EventData
	if err := json.Unmarshal(got[0].Data, &data); err != nil || data.Slug != "devcon" || data.ClosesAt == nil || !data.ClosesAt.Equal(later) {
		t.Fatalf("event.closed data %s (%v), want devcon closing at %v", got[0].Data, err, later)
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(rcv.Accepted()); n != 1 {
		t.Fatalf("%d event.closed, want 1 (the first time was moved)", n)
	}
}

package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"marquee/storefront/notify/jobs"
	"marquee/storefront/webhooks"
	"marquee/storefront/webhooks/webhooktest"
	"marquee/tenant/staff"
)

// The delivery log against a real receiver on loopback (webhooktest,
// which checks every signature with the Standard Webhooks reference
// library) and the job queue's workers: the log shows what the endpoint
// answered, attempt by attempt.
func TestWebhookLogShowsWhatTheEndpointAnswered(t *testing.T) {
	s := start(t, "", 0)
	s.db.WebhooksAllowPrivate = true // the receiver is on 127.0.0.1
	s.mail.Webhooks = &jobs.Webhooks{Sender: webhooks.NewSender(true, nil), RetrySchedule: []time.Duration{time.Hour}}
	s.startWorkers(2)
	s, ev, _ := withConsoleMember(t, s)
	owner := consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
	receiver := webhooktest.Start(t)
	csrf := csrfOf(consolePage(t, owner, "/events/devcon/webhooks"))

	created := owner.post("/events/devcon/webhooks", url.Values{"csrf": {csrf}, "url": {receiver.URL()}, "types": {webhooks.OrderPlaced}})
	secret, _ := created.doc.Find("#webhook-secret").Attr("value")
	if created.status != http.StatusCreated || secret == "" {
		t.Fatalf("create: %d %s", created.status, created.text("#problem"))
	}
	receiver.Trust(t, secret) // the receiver is given the secret the page showed once
	link, _ := created.doc.Find("form.webhook-test").Attr("action")
	link = strings.TrimSuffix(link, "/test")

	// The first attempt is answered 500: the delivery waits for its next
	// attempt (an hour away), and the endpoint is failing.
	receiver.FailNext(1)
	if r := owner.post(link+"/test", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("test: %d", r.status)
	}
	deliveries := func() *response { return consolePage(t, owner, link+"/deliveries") }
	waitFor(t, 20*time.Second, func() bool { return deliveries().text("table.deliveries tbody tr td.status") == "500" })
	tr := deliveries().doc.Find("table.deliveries tbody tr")
	if tr.Length() != 1 || tr.Find("td.type").Text() != "Test message" || !strings.HasPrefix(tr.Find("td.state").Text(), "Waiting") ||
		!strings.Contains(tr.Find("td.state .retry").Text(), "next attempt ") || tr.Find("td.attempts").Text() != "1" ||
		!strings.HasSuffix(tr.Find("td.duration").Text(), " ms") || !strings.Contains(tr.Find("td.response pre").Text(), "receiver told to fail") {
		t.Fatalf("the log after a 500: %q", tr.Text())
	}
	if state := consolePage(t, owner, link).text("#webhook-state"); !strings.HasPrefix(state, "Active, but failing since ") {
		t.Errorf("a failing endpoint is %q", state)
	}

	// Sent again, the message is answered 204: a second delivery of it,
	// with the same webhook-id, and the endpoint is well again.
	resend, _ := tr.Find("form.resend").Attr("action")
	if r := owner.post(resend, url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther || r.header.Get("Location") != link+"/deliveries?saved=webhook_resent" {
		t.Fatalf("resend: %d to %q", r.status, r.header.Get("Location"))
	}
	got := receiver.WaitFor(t, webhooks.TestType, 1, 20*time.Second)
	waitFor(t, 10*time.Second, func() bool { return deliveries().text("table.deliveries tbody tr td.status") == "204" })
	rows := deliveries().doc.Find("table.deliveries tbody tr")
	newest := rows.First()
	if rows.Length() != 2 || newest.Find("td.state").Text() != "Delivered" || newest.Find("td.attempts").Text() != "1" ||
		!strings.HasPrefix(rows.Eq(1).Find("td.state").Text(), "Waiting") {
		t.Fatalf("the log after the resend: %q", rows.Text())
	}
	if got[0].ID == "" || receiver.Failed() != 1 || receiver.Refused() != 0 {
		t.Errorf("the receiver got id %q, answered 500 %d times, refused %d signatures", got[0].ID, receiver.Failed(), receiver.Refused())
	}
	if state := consolePage(t, owner, link).text("#webhook-state"); state != "Active" {
		t.Errorf("after a delivery the endpoint is %q, want Active", state)
	}
}

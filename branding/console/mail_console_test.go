package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/tenant/staff"
	"marquee/tenant/web/webtest"
)

func TestConsoleInboxOffWithSMTP(t *testing.T) {
	s := startServerWithSMTP(t, "smtp://127.0.0.1:1") // never dialled: no job is worked
	r := consolePage(t, platformAdmin(t, s), "/platform/inbox")
	if got := r.text("#inbox-off"); got != enMessage(s, "console.inbox.off") || r.doc.Find("table.inbox").Length() != 0 {
		t.Fatalf("inbox with SMTP: %q", r.text("main"))
	}
}

// unworkableArgs is a job no worker is registered for.
type unworkableArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	Note     string    `json:"note"`
}

func (unworkableArgs) Kind() string { return "test_unworkable" }

func TestConsoleInboxAndJobs(t *testing.T) {
	s, ev := consoleServerWithWorkers(t)
	hoodie := addSizedProduct(t, s, ev, "Hoodie")
	o := placeOrderOf(t, s, ev, hoodie, 1, "Grace Hopper")
	admin := platformAdmin(t, s)
	// An email names the event by its title in the email's language.
	subject := enMessage(s, "email.order_confirmation.subject", "Number", o.Number, "Event", "Welcome to devcon")

	var link string
	waitFor(t, 10*time.Second, func() bool {
		link = webtest.LinkByText(consolePage(t, admin, "/platform/inbox").doc, "table.inbox td.subject a", subject)
		return link != ""
	})
	msg := consolePage(t, admin, link)
	if msg.text("#subject") != subject || !strings.Contains(msg.text("#text-part"), o.Number) || msg.text("#to") != "buyer@example.com" ||
		!strings.HasPrefix(msg.text("#message-id"), "<") {
		t.Fatalf("message: subject %q, to %q, text %q", msg.text("#subject"), msg.text("#to"), msg.text("#text-part"))
	}
	src, _ := msg.doc.Find("iframe.email-html[sandbox]").Attr("src")
	if src != link+"/html" {
		t.Fatalf("iframe src %q", src)
	}
	html := admin.do(http.MethodGet, src, "", "")
	if html.status != 200 || html.header.Get("Content-Security-Policy") != wantEmailFrameCSP ||
		!strings.Contains(html.body, o.Number) || html.doc.Find("script").Length() != 0 {
		t.Fatalf("html part: %d, CSP %q, XFO %q", html.status, html.header.Get("Content-Security-Policy"), html.header.Get("X-Frame-Options"))
	}
	// serve's headers on the message page and its HTML part are
	// cmd/marquee's TestInboxFramesOnlyTheEmail.

	t.Run("the order lists its confirmation once sent", func(t *testing.T) {
		f := fulfilmentMember(t, s, ev)
		// The job records the email once the server has taken it, a moment
		// after the inbox shows it.
		var row *goquery.Selection
		waitFor(t, 10*time.Second, func() bool {
			row = consolePage(t, f, "/events/devcon/orders/"+o.Number).doc.Find("table.order-emails tbody tr")
			return row.Length() > 0
		})
		if row.Length() != 1 || row.Find(".kind").Contents().First().Text() != "Order confirmation" || row.Find(".to").Text() != "buyer@example.com" ||
			row.Find(".message-id").Text() != msg.text("#message-id") {
			t.Fatalf("emails of the order: %q", row.Text())
		}
	})
	t.Run("a supplier's list is queued, sent with its files and recorded", func(t *testing.T) {
		f := consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
		page := consolePage(t, f, "/events/devcon/suppliers")
		r := f.post("/events/devcon/suppliers", url.Values{"csrf": {csrfOf(page)}, "name": {"Acme"}, "emails": {"orders@acme.example"},
			"mode": {"batch"}, "product": {hoodie.ID.String()}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.status, r.text("#problem"))
		}
		id := storedSuppliers(t, s, ev)[0].ID.String()
		r = f.post("/events/devcon/suppliers/"+id+"/send", url.Values{"csrf": {csrfOf(page)}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/events/devcon/suppliers?saved=list_queued" {
			t.Fatalf("send now: %d %q", r.status, r.header.Get("Location"))
		}
		if got := consolePage(t, f, r.header.Get("Location")).text("#flash"); !strings.Contains(got, "queued") {
			t.Fatalf("notice %q", got)
		}
		var batch *goquery.Selection
		waitFor(t, 10*time.Second, func() bool {
			batch = consolePage(t, f, "/events/devcon/suppliers").doc.Find("table.batches tbody tr")
			return batch.Length() == 1
		})
		if batch.Find(".supplier").Text() != "Acme" || batch.Find(".lines").Text() != "1" {
			t.Fatalf("batch row %q", batch.Text())
		}
		listSubject := enMessage(s, "email.supplier_batch.subject", "Supplier", "Acme", "Event", "Welcome to devcon")
		inbox := consolePage(t, admin, "/platform/inbox")
		first := inbox.doc.Find("table.inbox tbody tr").First()
		if first.Find(".subject").Text() != listSubject {
			t.Fatalf("newest first: %q, want %q", first.Find(".subject").Text(), listSubject)
		}
		href, _ := first.Find(".subject a").Attr("href")
		m := consolePage(t, admin, href)
		att := m.doc.Find("ul.attachments a")
		if att.Length() != 2 {
			t.Fatalf("attachments %q", m.text("ul.attachments"))
		}
		file, _ := att.FilterFunction(func(_ int, a *goquery.Selection) bool { return strings.HasSuffix(a.Text(), ".csv") }).Attr("href")
		d := admin.do(http.MethodGet, file, "", "")
		if d.status != 200 || !strings.HasPrefix(d.header.Get("Content-Disposition"), "attachment;") || !strings.HasPrefix(d.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(d.body, o.Number) {
			t.Fatalf("attachment: %d %q %q", d.status, d.header.Get("Content-Disposition"), d.header.Get("Content-Type"))
		}
		if r := admin.do(http.MethodGet, href+"/attachments/2", "", ""); r.status != 404 {
			t.Errorf("a third attachment: %d", r.status)
		}
	})
	t.Run("the jobs page lists failed jobs and retries only those", func(t *testing.T) {
		r := consolePage(t, admin, "/platform/jobs")
		if r.text(".no-jobs") != enMessage(s, "console.jobs.none") {
			t.Fatalf("jobs page %q", r.text("main"))
		}
		csrf := csrfOf(consolePage(t, admin, "/")) // the jobs page has no form without a failed job
		if r := admin.post("/platform/jobs/1/retry", url.Values{"csrf": {csrf}}); r.status != 404 {
			t.Fatalf("retrying a job that did not fail: %d", r.status)
		}
		// No worker knows this kind: its one attempt fails and it is discarded.
		var id string
		err := s.db.InTenant(context.Background(), ev.ID, func(tx pgx.Tx) error {
			job, err := s.jobs.InsertTx(context.Background(), tx, unworkableArgs{TenantID: ev.ID, Note: "from the test"}, &river.InsertOpts{MaxAttempts: 1})
			if err == nil {
				id = strconv.FormatInt(job.Job.ID, 10)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		row := func() *goquery.Selection {
			return consolePage(t, admin, "/platform/jobs").doc.Find(`table.failed-jobs tr[data-id="` + id + `"]`)
		}
		waitFor(t, 10*time.Second, func() bool { return row().Length() == 1 })
		if got := row(); got.Find(".kind").Text() != "test_unworkable" || !strings.Contains(got.Find(".args").Text(), "from the test") ||
			got.Find(".attempts").Text() != "1" || got.Find(".last-error").Text() == "" {
			t.Fatalf("failed job row %q", got.Text())
		}
		r = admin.post("/platform/jobs/"+id+"/retry", url.Values{"csrf": {csrf}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/platform/jobs?saved=job_retried" {
			t.Fatalf("retry: %d %q", r.status, r.header.Get("Location"))
		}
		if got := consolePage(t, admin, "/platform/jobs?saved=job_retried").text("#flash"); got != enMessage(s, "console.jobs.retried") {
			t.Fatalf("notice %q", got)
		}
		waitFor(t, 10*time.Second, func() bool { return row().Find(".attempts").Text() == "2" })
		home := consolePage(t, admin, "/")
		if home.doc.Find(`#inbox-link[href="/platform/inbox"]`).Length() != 1 || home.doc.Find(`#jobs-link[href="/platform/jobs"]`).Length() != 1 {
			t.Fatalf("the admin's links: %q", home.text(".platform-link"))
		}
	})
	t.Run("staff who are not platform admins get 404", func(t *testing.T) {
		m := signedInMember(t, s)
		for _, path := range []string{"/platform/inbox", link, link + "/html", link + "/attachments/0", "/platform/jobs"} {
			if r := m.do(http.MethodGet, path, "", ""); r.status != 404 {
				t.Errorf("GET %s as a member: %d", path, r.status)
			}
		}
		csrf := csrfOf(consolePage(t, m, "/"))
		if r := m.post("/platform/jobs/1/retry", url.Values{"csrf": {csrf}}); r.status != 404 {
			t.Errorf("retry as a member: %d", r.status)
		}
		if home := consolePage(t, m, "/"); home.doc.Find("#inbox-link, #jobs-link").Length() != 0 {
			t.Errorf("a member sees the platform links")
		}
	})
	t.Run("a message that does not exist is not found", func(t *testing.T) {
		for _, path := range []string{"/platform/inbox/999999", "/platform/inbox/abc", "/platform/inbox/999999/html"} {
			if r := admin.do(http.MethodGet, path, "", ""); r.status != 404 {
				t.Errorf("%s: %d", path, r.status)
			}
		}
	})
}

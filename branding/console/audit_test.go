package console

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"marquee/db/dbtest"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// auditFixture is a console with devcon's owner and a platform admin
// signed in, and entries in devcon, in other and on the platform.
type auditFixture struct {
	s            *testServer
	devcon       *tenant.Tenant
	other        uuid.UUID
	owner, admin *shop
	ownerID      uuid.UUID
}

// logEntry writes an audit entry as the stores do, at a chosen time.
// tenantID uuid.Nil is a platform entry.
func (f auditFixture) logEntry(t *testing.T, tenantID, actor uuid.UUID, action, subject string, at time.Time) {
	t.Helper()
	dbtest.Exec(t, f.s.adminURL, `INSERT INTO audit_log (tenant_id, actor_staff_id, action, subject, at)
		VALUES (NULLIF($1::uuid, '00000000-0000-0000-0000-000000000000'), $2, $3, $4, $5)`, tenantID, actor, action, subject, at)
}

func newAuditFixture(t *testing.T) auditFixture {
	t.Helper()
	s, ev, _ := consoleServer(t)
	other, err := s.db.TenantBySlug(t.Context(), "other")
	if err != nil {
		t.Fatal(err)
	}
	f := auditFixture{s: s, devcon: ev, other: other.ID}
	f.owner = consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
	f.admin = platformAdmin(t, s)
	owner, err := s.staff.StaffByEmail(t.Context(), "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	f.ownerID = owner.ID
	// 23:30 UTC on 9 April is 01:30 on 10 April in Berlin, devcon's zone.
	late := time.Date(2027, 4, 9, 23, 30, 0, 0, time.UTC)
	f.logEntry(t, ev.ID, owner.ID, "order_viewed", "D-LATE", late)
	f.logEntry(t, ev.ID, owner.ID, "orders_exported", `=HYPERLINK("http://evil.example")`, late.AddDate(0, 0, 3))
	f.logEntry(t, other.ID, owner.ID, "order_viewed", "OTHER-1", late)
	return f
}

// subjects are the subjects of a page's rows, top to bottom.
func subjects(r *response) []string {
	var out []string
	r.doc.Find("table.audit tbody td.subject").Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	return out
}

func TestAuditPageForOwners(t *testing.T) {
	f := newAuditFixture(t)
	t.Run("the owner sees the event's entries only, newest first, and finds the page in the navigation", func(t *testing.T) {
		r := consolePage(t, f.owner, "/events/devcon/audit")
		got := subjects(r)
		if len(got) < 3 || got[0] != `=HYPERLINK("http://evil.example")` || got[1] != "D-LATE" {
			t.Fatalf("subjects %q", got)
		}
		if strings.Contains(r.text("table.audit"), "OTHER-1") || strings.Contains(r.text("table.audit"), "Signed in") {
			t.Fatalf("devcon's log shows another event's or the platform's entries: %q", r.text("table.audit"))
		}
		if r.text(`tr td.actor`) != "owner@example.com" || r.doc.Find("th").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() == "Event" }).Length() != 0 {
			t.Fatalf("actor %q; an event's page has no event column", r.text("tr td.actor"))
		}
		if href, _ := r.doc.Find("a.nav-audit").Attr("href"); href != "/events/devcon/audit" {
			t.Fatalf("navigation link %q", href)
		}
	})
	t.Run("an erasure's entry has its name and its count, never the person", func(t *testing.T) {
		dbtest.Exec(t, f.s.adminURL, `INSERT INTO audit_log (tenant_id, actor_staff_id, action, subject, detail)
			VALUES ($1, $2, 'person_erased', 'orders', '{"orders": 2}')`, f.devcon.ID, f.ownerID)
		r := consolePage(t, f.owner, "/events/devcon/audit?action=person_erased")
		if r.text("td.action") != "A person's data erased on request" || r.text("td.detail") != "orders: 2" {
			t.Fatalf("erasure row: %q, %q", r.text("td.action"), r.text("td.detail"))
		}
	})
	t.Run("the role change names both people by email", func(t *testing.T) {
		r := consolePage(t, f.owner, "/events/devcon/audit?action=role_changed&actor=OWNER@example.com")
		if got := subjects(r); len(got) != 1 || got[0] != "owner@example.com" || r.text("td.action") != "Role changed" ||
			!strings.Contains(r.text("td.detail"), "new: owner") {
			t.Fatalf("role change rows %q, action %q, detail %q", got, r.text("td.action"), r.text("td.detail"))
		}
	})
	t.Run("days are the event's days", func(t *testing.T) {
		r := consolePage(t, f.owner, "/events/devcon/audit?from=2027-04-10&until=2027-04-10")
		if got := subjects(r); len(got) != 1 || got[0] != "D-LATE" || !strings.Contains(r.text("td.at"), "CEST") {
			t.Fatalf("10 April in Berlin: %q at %q", got, r.text("td.at"))
		}
		if got := subjects(consolePage(t, f.owner, "/events/devcon/audit?from=2027-01-01&until=2027-04-09")); len(got) != 0 {
			t.Fatalf("until 9 April in Berlin: %q", got)
		}
	})
	t.Run("a filter nothing matches says so and offers every entry", func(t *testing.T) {
		r := consolePage(t, f.owner, "/events/devcon/audit?action=audit_exported")
		if r.doc.Find("table.audit").Length() != 0 || r.text("#no-entries p") != "No entries match the filter." {
			t.Fatalf("no match: %q", r.text("main"))
		}
		if href, _ := r.doc.Find("#no-entries a").Attr("href"); href != "/events/devcon/audit" {
			t.Fatalf("show all link %q", href)
		}
	})
	t.Run("a filter value the page cannot use is refused naming its field, the form kept", func(t *testing.T) {
		cases := []struct{ query, field, message string }{
			{"from=2027-13-45", "from", "“From” is not a date"},
			{"until=yesterday", "until", "“Until” is not a date"},
			{"from=2027-04-10&until=2027-04-01", "until", "“Until” is before “From”"},
			{"action=drop_table", "action", "“Action” is not one of the listed actions"},
			{"actor=not+an+email", "actor", "“Who (staff email)” is not an email address"},
			{"before=-1", "before", "“before” is not an entry number"},
			{"before=99999999999999999999", "before", "“before” is not an entry number"},
		}
		for _, c := range cases {
			r := f.owner.get("/events/devcon/audit?" + c.query)
			field, _ := r.doc.Find("#problem").Attr("data-field")
			if r.status != http.StatusBadRequest || field != c.field || !strings.Contains(r.text("#problem"), c.message) || r.doc.Find("table.audit").Length() != 0 {
				t.Errorf("%s: %d naming %q: %q", c.query, r.status, field, r.text("#problem"))
			}
			if c.field != "before" {
				if inv, _ := r.doc.Find("#" + c.field).Attr("aria-invalid"); inv != "true" {
					t.Errorf("%s: the field is not marked invalid", c.query)
				}
			}
		}
		r := f.owner.get("/events/devcon/audit?actor=%3Cscript%3E&from=2027-04-01")
		if v, _ := r.doc.Find("#actor").Attr("value"); v != "<script>" || r.doc.Find("main script").Length() != 0 {
			t.Fatalf("typed value %q not kept as text", v)
		}
	})
	t.Run("another event's log is not there, page or export", func(t *testing.T) {
		for _, path := range []string{"/events/other/audit", "/events/other/audit/export.csv", "/events/other/audit?before=1"} {
			if r := f.owner.get(path); r.status != http.StatusNotFound || strings.Contains(r.body, "OTHER-1") {
				t.Errorf("%s: %d", path, r.status)
			}
		}
		if r := f.owner.get("/events/devcon/audit?event=other"); strings.Contains(r.body, "OTHER-1") || r.status != 200 {
			t.Fatalf("an event filter on the event's page: %d", r.status)
		}
		if r := f.owner.get("/platform/audit?event=devcon"); r.status != http.StatusNotFound {
			t.Fatalf("the platform's log for an owner: %d", r.status)
		}
	})
	t.Run("other roles do not see the log", func(t *testing.T) {
		m := signedInMember(t, f.s)
		if r := m.get("/events/devcon/audit"); r.status != http.StatusNotFound {
			t.Fatalf("marketing opened the log: %d", r.status)
		}
		if consolePage(t, m, "/events/devcon/branding").doc.Find("a.nav-audit").Length() != 0 {
			t.Fatal("marketing's navigation offers the log")
		}
	})
}

func TestAuditExport(t *testing.T) {
	f := newAuditFixture(t)
	r := f.owner.get("/events/devcon/audit/export.csv?action=orders_exported")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || !strings.Contains(r.header.Get("Content-Disposition"), "devcon-audit.csv") {
		t.Fatalf("export: %d %q %q", r.status, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"))
	}
	records, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(records) != 2 {
		t.Fatalf("csv: %v\n%s", err, r.body)
	}
	if strings.Join(records[0], ",") != "id,at,event,actor,action,subject,detail,ip" {
		t.Fatalf("header %q", records[0])
	}
	if rec := records[1]; rec[1] != "2027-04-12T23:30:00Z" || rec[2] != "devcon" || rec[3] != "owner@example.com" || rec[5] != `'=HYPERLINK("http://evil.example")` {
		t.Fatalf("row %q", rec)
	}
	t.Run("the download is in the event's log, with its filter", func(t *testing.T) {
		page := consolePage(t, f.owner, "/events/devcon/audit?action=audit_exported")
		if got := subjects(page); len(got) != 1 || got[0] != "action=orders_exported" {
			t.Fatalf("export entries %q", got)
		}
		if href, _ := page.doc.Find("#export").Attr("href"); href != "/events/devcon/audit/export.csv?action=audit_exported" {
			t.Fatalf("export link %q", href)
		}
	})
	t.Run("a bad filter shows the page with the refusal instead", func(t *testing.T) {
		r := f.owner.get("/events/devcon/audit/export.csv?from=nope")
		if field, _ := r.doc.Find("#problem").Attr("data-field"); r.status != 400 || field != "from" || strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("bad export: %d %q", r.status, field)
		}
	})
	t.Run("every batch of a long export follows the last", func(t *testing.T) {
		dbtest.Exec(t, f.s.adminURL, `INSERT INTO audit_log (tenant_id, actor_staff_id, action, subject)
			SELECT $1, $2, 'order_viewed', 'BULK-' || n FROM generate_series(1, 2100) AS n`, f.devcon.ID, f.ownerID)
		r := f.owner.get("/events/devcon/audit/export.csv?action=order_viewed")
		records, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil || len(records) != 1+2101 || records[1][5] != "BULK-2100" || records[2100][5] != "BULK-1" || records[2101][5] != "D-LATE" {
			t.Fatalf("%d records (%v), first %q", len(records), err, records[1])
		}
	})
}

func TestAuditPageForPlatformAdmins(t *testing.T) {
	f := newAuditFixture(t)
	t.Run("every event's entries and the platform's, with their event", func(t *testing.T) {
		r := consolePage(t, f.admin, "/platform/audit?actor=owner@example.com")
		text := r.text("table.audit")
		for _, want := range []string{"OTHER-1", "D-LATE", "Signed in", "Platform"} {
			if !strings.Contains(text, want) {
				t.Errorf("the platform's log lacks %q: %q", want, text)
			}
		}
		if href, _ := r.doc.Find("#audit-link").Attr("aria-current"); href != "page" {
			t.Fatalf("platform navigation: %q", href)
		}
	})
	t.Run("the event filter picks one event; an unknown one is refused", func(t *testing.T) {
		if got := subjects(consolePage(t, f.admin, "/platform/audit?event=other")); len(got) != 1 || got[0] != "OTHER-1" {
			t.Fatalf("other's entries %q", got)
		}
		r := f.admin.get("/platform/audit?event=nowhere&actor=owner@example.com")
		if field, _ := r.doc.Find("#problem").Attr("data-field"); r.status != 400 || field != "event" || !strings.Contains(r.text("#problem"), "“Event”") {
			t.Fatalf("unknown event: %d %q %q", r.status, field, r.text("#problem"))
		}
		if v, _ := r.doc.Find("#actor").Attr("value"); v != "owner@example.com" {
			t.Fatalf("the other fields are not kept: %q", v)
		}
	})
	t.Run("times are UTC", func(t *testing.T) {
		r := consolePage(t, f.admin, "/platform/audit?from=2027-04-09&until=2027-04-09&event=devcon")
		if got := subjects(r); len(got) != 1 || !strings.HasSuffix(r.text("td.at"), "UTC") {
			t.Fatalf("9 April in UTC: %q at %q", got, r.text("td.at"))
		}
	})
	t.Run("pages of fifty follow one another", func(t *testing.T) {
		dbtest.Exec(t, f.s.adminURL, `INSERT INTO audit_log (tenant_id, action, subject)
			SELECT $1, 'order_viewed', 'PAGE-' || n FROM generate_series(1, 55) AS n`, f.other)
		first := consolePage(t, f.admin, "/platform/audit?event=other&action=order_viewed")
		next, _ := first.doc.Find("#next-page").Attr("href")
		if got := subjects(first); len(got) != 50 || got[0] != "PAGE-55" || !strings.Contains(next, "event=other") {
			t.Fatalf("first page: %d rows from %q, next %q", len(got), got[0], next)
		}
		second := consolePage(t, f.admin, next)
		if got := subjects(second); len(got) != 6 || got[0] != "PAGE-5" || got[5] != "OTHER-1" || second.doc.Find("#next-page").Length() != 0 {
			t.Fatalf("second page %q", got)
		}
		if href, _ := second.doc.Find("#newest-page").Attr("href"); href != "/platform/audit?action=order_viewed&event=other" {
			t.Fatalf("newest link %q", href)
		}
		if got := subjects(consolePage(t, f.admin, "/platform/audit?event=other&before=1")); got != nil {
			t.Fatalf("before the first entry: %q", got)
		}
	})
	t.Run("an event with no entries says what will appear", func(t *testing.T) {
		f.s.event("quiet", tenant.StatusActive, teal)
		r := consolePage(t, f.admin, "/events/quiet/audit")
		if !strings.HasPrefix(r.text("#no-entries p"), "Nothing has been logged yet.") {
			t.Fatalf("empty log: %q", r.text("main"))
		}
	})
	t.Run("members do not see the platform's log", func(t *testing.T) {
		for _, path := range []string{"/platform/audit", "/platform/audit/export.csv"} {
			if r := f.owner.get(path); r.status != http.StatusNotFound {
				t.Errorf("%s: %d", path, r.status)
			}
		}
	})
	t.Run("the platform's export holds every event's entries", func(t *testing.T) {
		r := f.admin.get("/platform/audit/export.csv?action=order_viewed&from=2027-01-01")
		records, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil || len(records) != 3 || records[1][2] != "other" || records[2][2] != "devcon" {
			t.Fatalf("%d records %v: %q", len(records), err, records)
		}
	})
}

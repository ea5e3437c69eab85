package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// placeOrderBy places an order of p in S by name and email.
func placeOrderBy(t *testing.T, s *testServer, ev *tenant.Tenant, p storefront.Product, name, email string) *storefront.Order {
	t.Helper()
	o, err := s.db.PlaceOrder(context.Background(), ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: email, Name: name,
		Locale: "en", Lines: []storefront.Line{{ProductID: p.ID, VariantID: p.Variants[0].ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestErasingAnAttendeeAsksFirst: an owner finds an attendee's orders by
// email, is asked, and only the confirmed POST erases them, with the
// audit entry naming the owner; a wrong email shows the form again on
// its field, and another event's attendee cannot be reached.
func TestErasingAnAttendeeAsksFirst(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	owner := consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
	ours := placeOrderBy(t, s, ev, addSizedProduct(t, s, ev, "Hoodie"), "Ada Quillfeather", "ada@example.com")
	theirs := placeOrderBy(t, s, other, addSizedProduct(t, s, other, "Cap"), "Ada Quillfeather", "ada@example.com")
	name := func(id uuid.UUID, number string) string {
		o, err := s.db.OrderByNumber(ctx, id, number)
		if err != nil {
			t.Fatal(err)
		}
		return o.Name
	}

	if href, _ := consolePage(t, owner, "/events/devcon/settings").doc.Find("a#privacy-link").Attr("href"); href != "/events/devcon/privacy" {
		t.Errorf("the owner's settings link to %q", href)
	}
	if consolePage(t, signedInMember(t, s), "/events/devcon/settings").doc.Find("a#privacy-link, a.nav-privacy").Length() != 0 {
		t.Error("marketing is shown the way to a page it may not open")
	}
	page := consolePage(t, owner, "/events/devcon/privacy")
	if href, _ := page.doc.Find("a.nav-privacy").Attr("aria-current"); href != "page" {
		t.Errorf("the navigation's entry is not the current page: %q", href)
	}
	if action, _ := page.doc.Find("form.privacy-form").Attr("action"); action != "/events/devcon/privacy/erase" {
		t.Fatalf("the form goes to %q", action)
	}
	t.Run("an email with no order is refused on its field", func(t *testing.T) {
		for _, email := range []string{"nobody@example.com", "not-an-email", "%00"} {
			r := owner.get("/events/devcon/privacy/erase?email=" + url.QueryEscape(email))
			if r.status != http.StatusUnprocessableEntity || r.doc.Find(`#problem[data-field="email"]`).Length() != 1 {
				t.Errorf("%q: %d, problem %q", email, r.status, r.text("#problem"))
			}
		}
	})
	t.Run("another event's attendee and other roles are not found", func(t *testing.T) {
		refused(t, owner, "/events/other/privacy", "/events/other/privacy/erase?email=ada%40example.com")
		refused(t, signedInMember(t, s), "/events/devcon/privacy", "/events/devcon/privacy/erase?email=ada%40example.com")
		if r := owner.post("/events/other/privacy/erase", url.Values{"csrf": {csrfOf(page)}, "email": {"ada@example.com"}}); r.status != http.StatusNotFound {
			t.Errorf("POST to another event: %d", r.status)
		}
	})
	path := "/events/devcon/privacy/erase"
	values := confirmOf(t, owner.get(path+"?email=ada%40example.com"), path, "Erase the personal data of ada@example.com?", "/events/devcon/privacy")
	if name(ev.ID, ours.Number) != "Ada Quillfeather" {
		t.Fatal("asking erased")
	}
	if r := owner.post(path, url.Values{"csrf": {"forged"}, "email": {"ada@example.com"}}); r.status != http.StatusForbidden || name(ev.ID, ours.Number) == "" {
		t.Fatalf("a forged token: %d", r.status)
	}
	r := owner.post(path, values)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/events/devcon/privacy?saved=erased" {
		t.Fatalf("confirmed: %d to %q", r.status, r.header.Get("Location"))
	}
	if name(ev.ID, ours.Number) != "" || name(other.ID, theirs.Number) != "Ada Quillfeather" {
		t.Errorf("after the erasure: ours %q, the other event's %q", name(ev.ID, ours.Number), name(other.ID, theirs.Number))
	}
	detail := consolePage(t, owner, "/events/devcon/orders/"+ours.Number)
	if got := detail.text("#order-erased"); !strings.HasPrefix(got, "The attendee's personal data in this order was erased on ") ||
		strings.Contains(detail.text("dl.answers"), "Email") {
		t.Errorf("the erased order's page: %q, answers %q", got, detail.text("dl.answers"))
	}
	if got := consolePage(t, owner, "/events/devcon/privacy?saved=erased").text("#flash"); got != "The personal data was erased." {
		t.Errorf("flash %q", got)
	}
	if n := dbtest.CountRows(t, s.adminURL, `SELECT count(*) FROM audit_log a JOIN staff s ON s.id = a.actor_staff_id
		WHERE a.tenant_id = $1 AND a.action = 'person_erased' AND s.email = 'owner@example.com' AND a.detail::text NOT LIKE '%ada@%'`, ev.ID); n != 1 {
		t.Errorf("%d audit entries naming the owner", n)
	}
}

// TestRetentionSetting: the settings form shows the period and when the
// event's data goes; a period out of range or not a number comes back on
// its field with what was typed, and stores nothing.
func TestRetentionSetting(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	b := signedInMember(t, s)
	page := b.get("/events/devcon/settings")
	if v, _ := page.doc.Find("#retention_days").Attr("value"); v != "90" {
		t.Errorf("the period shows %q, want the default 90", v)
	}
	if got := page.text("#retention-ends"); got == "" {
		t.Error("the page does not say when the data goes")
	}
	for _, typed := range []string{"3", "3651", "ninety", "", "9e9"} {
		r := b.post("/events/devcon/settings", settingsForm(csrfOf(page), "retention_days", typed))
		if r.status != http.StatusUnprocessableEntity || r.doc.Find(`#problem[data-field="retention_days"]`).Length() != 1 {
			t.Errorf("%q: %d, problem %q", typed, r.status, r.text("#problem"))
		}
		if v, _ := r.doc.Find("#retention_days").Attr("value"); v != typed {
			t.Errorf("%q shown again as %q", typed, v)
		}
	}
	if st, _ := s.db.Settings(ctx, ev.ID); st.RetentionDays != 90 {
		t.Fatalf("a refused form stored %d", st.RetentionDays)
	}
	if r := b.post("/events/devcon/settings", settingsForm(csrfOf(page), "retention_days", "30")); r.status != http.StatusSeeOther {
		t.Fatalf("30 days: %d %s", r.status, r.text("#problem"))
	}
	if st, _ := s.db.Settings(ctx, ev.ID); st.RetentionDays != 30 {
		t.Errorf("stored %d, want 30", st.RetentionDays)
	}
}

// TestErasingSomeoneOnlyOnAWaitingList: a person who ordered nothing but
// waits for a sold-out size is found by email; the question lists their
// place, and the confirmed erasure removes it.
func TestErasingSomeoneOnlyOnAWaitingList(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	owner := consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
	p := addSizedProduct(t, s, ev, "Hoodie")
	dbtest.Exec(t, s.adminURL, "UPDATE variants SET stock = 0 WHERE tenant_id = $1 AND id = $2", ev.ID, p.Variants[0].ID)
	if _, err := s.db.JoinWaitlist(ctx, ev.ID, p.Variants[0].ID, "Lin@Example.com", "en", 1); err != nil {
		t.Fatal(err)
	}
	path := "/events/devcon/privacy/erase"
	ask := owner.get(path + "?email=lin%40example.com")
	values := confirmOf(t, ask, path, "Erase the personal data of lin@example.com?", "/events/devcon/privacy")
	if got := ask.text(".confirm-items li"); got != "Places on the waiting lists: 1" {
		t.Errorf("the question lists %q", got)
	}
	if r := owner.post(path, values); r.status != http.StatusSeeOther {
		t.Fatalf("confirmed: %d %s", r.status, r.text("#problem"))
	}
	if n := dbtest.CountRows(t, s.adminURL, "SELECT count(*) FROM waitlist_entries WHERE tenant_id = $1", ev.ID); n != 0 {
		t.Errorf("%d waiting-list entries left", n)
	}
	if r := owner.get(path + "?email=lin%40example.com"); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.text("#problem"), "no place on a waiting list") {
		t.Errorf("asking again: %d %q", r.status, r.text("#problem"))
	}
}

package console

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/form"
)

// TestConsoleSignups: an editor makes the event a sign-up form with its
// texts (a text too long is refused on its field, nothing saved); the
// list shows the sign-ups newest first, 50 a page by cursor, counted on
// the dashboard; the CSV has the form's columns, formulas neutralised;
// another event's sign-ups are not shown, and a forged cursor is refused.
func TestConsoleSignups(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	if err := s.db.AddFormField(ctx, ev.ID, form.Field{Key: "company", Scope: form.ScopeCustomer, Type: form.TypeText,
		Label: map[string]string{"en": "Company"}}); err != nil {
		t.Fatal(err)
	}
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	add := func(eventID uuid.UUID, name, email, company string) {
		_, _, err := s.db.SignupCreate(ctx, eventID, storefront.Signup{ClientID: uuid.New(), Name: name, Email: email, Consent: true,
			ConsentText: "OK", Locale: "en", Source: storefront.SourceWeb, Answers: map[string]any{"company": company}})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 54 {
		add(ev.ID, fmt.Sprintf("Person %02d", i), fmt.Sprintf("p%02d@example.com", i), "ACME")
	}
	add(ev.ID, "=HYPERLINK(\"x\")", "last@example.com", "+cmd")
	add(other.ID, "Their Person", "theirs@example.com", "Other")
	b := signedInMember(t, s)
	list := "/events/devcon/signups"

	t.Run("an editor makes the event a sign-up form", func(t *testing.T) {
		page := consolePage(t, b, list)
		if page.doc.Find("#signups-shop").Length() != 1 || page.doc.Find("form#signup-settings").Length() != 1 {
			t.Fatalf("a shop's page: note %d, form %d", page.doc.Find("#signups-shop").Length(), page.doc.Find("form#signup-settings").Length())
		}
		csrf := csrfOf(page)
		long := b.post(list+"/form", url.Values{"csrf": {csrf}, "kind": {"signup"}, "consent.en": {strings.Repeat("a", 1001)}})
		if long.status != http.StatusUnprocessableEntity || long.doc.Find("#problem").AttrOr("data-field", "") != "consent.en" ||
			long.doc.Find(`textarea[name="consent.en"][aria-invalid=true]`).Length() != 1 {
			t.Fatalf("a long consent: %d, field %q", long.status, long.doc.Find("#problem").AttrOr("data-field", ""))
		}
		if st, _ := s.db.Settings(ctx, ev.ID); st.IsSignup() {
			t.Fatal("a refused form was saved")
		}
		r := b.post(list+"/form", url.Values{"csrf": {csrf}, "kind": {"signup"}, "consent.en": {"Keep me posted"}, "thanks.en": {"Thanks!"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != list+"?saved=signup_form_saved" {
			t.Fatalf("save: %d to %q", r.status, r.header.Get("Location"))
		}
		if st, _ := s.db.Settings(ctx, ev.ID); !st.IsSignup() || st.SignupConsent["en"] != "Keep me posted" || st.SignupThanks["en"] != "Thanks!" {
			t.Fatalf("settings after saving: %+v", st)
		}
		if r := b.post(list+"/form", url.Values{"csrf": {csrf}, "kind": {"bazaar"}}); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("an unknown kind: %d", r.status)
		}
	})
	t.Run("newest first, 50 a page, only this event's", func(t *testing.T) {
		page := consolePage(t, b, list)
		rows := page.doc.Find("table.signups tbody tr")
		if rows.Length() != 50 || rows.Eq(0).Find(".email").Text() != "last@example.com" || page.text("#signups-count") != "55 sign-ups" {
			t.Fatalf("%d rows, first %q, count %q", rows.Length(), rows.Eq(0).Find(".email").Text(), page.text("#signups-count"))
		}
		next, _ := page.doc.Find("nav.pager a.next").Attr("href")
		older := consolePage(t, b, next)
		if rows := older.doc.Find("table.signups tbody tr"); rows.Length() != 5 || rows.Eq(4).Find(".email").Text() != "p00@example.com" {
			t.Fatalf("second page (%s): %d rows", next, rows.Length())
		}
		if strings.Contains(page.text("table.signups")+older.text("table.signups"), "theirs@example.com") {
			t.Fatal("another event's sign-up is listed")
		}
		if r := b.get(list + "?after=forged"); r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
			t.Fatalf("a forged cursor: %d", r.status)
		}
	})
	t.Run("the dashboard counts them", func(t *testing.T) {
		if got := consolePage(t, b, "/events/devcon/dashboard").text("#signups-total"); got != "55" {
			t.Fatalf("dashboard's count %q", got)
		}
	})
	t.Run("the CSV has the form's columns, formulas neutralised", func(t *testing.T) {
		r := b.get(list + "/export.csv")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %q", r.status, r.header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil || len(rows) != 56 {
			t.Fatalf("%d rows (%v), want a header and 55", len(rows), err)
		}
		if strings.Join(rows[0], ",") != "signed_up_at,name,email,language,source,consent,consent_text,company" {
			t.Fatalf("header %v", rows[0])
		}
		if rows[1][1] != "'=HYPERLINK(\"x\")" || rows[1][7] != "'+cmd" || rows[1][2] != "last@example.com" {
			t.Fatalf("the newest row %v, want its formulas neutralised", rows[1])
		}
		if strings.Contains(r.body, "theirs@example.com") {
			t.Fatal("another event's sign-up is exported")
		}
		if n := dbtest.CountIn(t, s.db, ev.ID, "SELECT count(*) FROM audit_log WHERE action = 'signups_exported'"); n != 1 {
			t.Fatalf("%d export audit entries, want 1", n)
		}
	})
	t.Run("another event's list is not found", func(t *testing.T) {
		if r := b.get("/events/other/signups"); r.status != http.StatusNotFound {
			t.Fatalf("another event's sign-ups: %d", r.status)
		}
		if r := b.get("/events/other/signups/export.csv"); r.status != http.StatusNotFound {
			t.Fatalf("another event's export: %d", r.status)
		}
	})
}

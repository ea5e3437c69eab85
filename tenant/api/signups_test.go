package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront"
)

func TestSignupsAPI(t *testing.T) {
	f := newDeskFixture(t)
	token := f.tokenWith(ScopeSignupsRead)
	signUp := func(eventID uuid.UUID, name string) storefront.Signup {
		s, _, err := f.db.SignupCreate(t.Context(), eventID, storefront.Signup{ClientID: uuid.New(), Name: name, Email: "x@example.com",
			Consent: true, ConsentText: "I agree", Locale: "en", Source: storefront.SourceWeb, Answers: map[string]any{"company": "ACME"}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, name := range []string{"=HYPERLINK(1)", "Grace", "Alan"} {
		signUp(f.ev.ID, name)
	}
	theirs := signUp(f.other.ID, "Someone Else")

	t.Run("the list pages through the event's sign-ups, newest first", func(t *testing.T) {
		first := f.api(http.MethodGet, "/api/v1/events/berlin/signups?limit=2", token, "")
		if first.status != 200 || len(first.data()) != 2 || first.data()[0]["name"] != "Alan" || first.nextCursor() == "" {
			t.Fatalf("%d %v", first.status, first.body)
		}
		if a, _ := first.data()[0]["answers"].(map[string]any); a["company"] != "ACME" || first.data()[0]["consent_text"] != "I agree" {
			t.Errorf("answers and consent: %v", first.data()[0])
		}
		second := f.api(http.MethodGet, "/api/v1/events/berlin/signups?limit=2&cursor="+first.nextCursor(), token, "")
		if len(second.data()) != 1 || second.data()[0]["name"] != "=HYPERLINK(1)" || second.body["next_cursor"] != nil {
			t.Errorf("second page: %v", second.body)
		}
	})
	t.Run("another event's sign-ups stay on their list", func(t *testing.T) {
		r := f.api(http.MethodGet, "/api/v1/events/berlin/signups?limit=200", token, "")
		for _, s := range r.data() {
			if s["id"] == theirs.ID.String() {
				t.Errorf("another event's sign-up listed: %v", s)
			}
		}
		if r := f.api(http.MethodGet, "/api/v1/events/berlin/signups?cursor=eyJ4Ijp0cnVlfQ", token, ""); r.status != 400 || r.errorField() != "cursor" {
			t.Errorf("a cursor of another shape: %d on %q", r.status, r.errorField())
		}
	})
	t.Run("the export is every sign-up of the event, as CSV or JSON", func(t *testing.T) {
		csv := f.raw("/api/v1/events/berlin/signups/export", token)
		lines := strings.Split(strings.TrimSpace(csv.body), "\n")
		if csv.status != 200 || len(lines) != 4 || lines[0] != "signed_up_at,name,email,language,source,consent,consent_text" ||
			!strings.Contains(lines[3], ",'=HYPERLINK(1),") {
			t.Fatalf("CSV: %d\n%s", csv.status, csv.body)
		}
		js := f.raw("/api/v1/events/berlin/signups/export?format=json", token)
		var rows []map[string]string
		if err := json.Unmarshal([]byte(js.body), &rows); err != nil || len(rows) != 3 || rows[0]["name"] != "Alan" || rows[2]["name"] != "=HYPERLINK(1)" {
			t.Fatalf("JSON: %v\n%s", err, js.body)
		}
		if strings.Contains(csv.body+js.body, "Someone Else") {
			t.Error("another event's sign-up exported")
		}
		if r := f.raw("/api/v1/events/berlin/signups/export?format=pdf", token); r.status != 400 || !strings.Contains(r.body, `"field":"format"`) {
			t.Errorf("format=pdf: %d %s", r.status, r.body)
		}
		if n := countRows(t, f.adminURL, "SELECT count(*) FROM audit_log WHERE action = 'signups_exported' AND tenant_id = $1", f.ev.ID); n != 2 {
			t.Errorf("%d exports in the audit log, want 2", n)
		}
	})
}

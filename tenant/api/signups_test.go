package api

import (
	"net/http"
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
	for _, name := range []string{"Ada", "Grace", "Alan"} {
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
		if len(second.data()) != 1 || second.data()[0]["name"] != "Ada" || second.body["next_cursor"] != nil {
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
}

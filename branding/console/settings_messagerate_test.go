package console

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"marquee/storefront"
)

// TestMessageRateSetting: how many emails per second a message to
// attendees sends is set on the settings page (1 to 100); bad values are
// refused naming the field and shown as typed, nothing written; another
// event's settings are not reached.
func TestMessageRateSetting(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	b := signedInMember(t, s)
	page := b.do(http.MethodGet, "/events/devcon/settings", "", "")
	csrf := csrfOf(page)
	stored := func() int {
		t.Helper()
		st, err := s.db.Settings(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return st.MessageRate
	}
	save := func(pairs ...string) *response {
		t.Helper()
		return b.post("/events/devcon/settings", settingsForm(csrf, append([]string{"attendee_can_cancel", "on"}, pairs...)...))
	}

	t.Run("an event that never chose sends 10 a second", func(t *testing.T) {
		if v, _ := page.doc.Find(`input#message_rate`).Attr("value"); v != "10" || stored() != 10 {
			t.Fatalf("the form shows %q, stored %d", v, stored())
		}
		if page.doc.Find(`label[for="message_rate"]`).Length() != 1 || page.text("#message-rate-help") == "" {
			t.Error("the field has no label or help")
		}
	})
	t.Run("25 a second is stored and shown again", func(t *testing.T) {
		if r := save("message_rate", " 25 "); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		if stored() != 25 {
			t.Fatalf("stored %d", stored())
		}
		var inTable int
		if err := s.db.Pool.QueryRow(ctx, "SELECT message_rate FROM storefront_settings WHERE tenant_id = $1", ev.ID).Scan(&inTable); err != nil || inTable != 25 {
			t.Fatalf("the sending reads %d (%v), want 25", inTable, err)
		}
		again := b.do(http.MethodGet, "/events/devcon/settings", "", "")
		if v, _ := again.doc.Find(`input#message_rate`).Attr("value"); v != "25" {
			t.Errorf("the form shows %q", v)
		}
	})
	for _, c := range []struct{ name, value string }{
		{"no emails", "0"}, {"101 a second", "101"}, {"words", "fast"}, {"an empty rate", ""}, {"a fraction", "2.5"},
	} {
		t.Run(c.name+" is refused naming the field and shown as typed, nothing written", func(t *testing.T) {
			r := save("message_rate", c.value)
			if r.status != http.StatusUnprocessableEntity || !strings.HasPrefix(r.text(".problems"), "Emails per second when a message goes to attendees: enter") {
				t.Fatalf("status %d, %q", r.status, r.text(".problems"))
			}
			if id, _ := r.doc.Find(`[aria-invalid="true"]`).Attr("id"); id != "message_rate" {
				t.Errorf("the invalid field marked is %q", id)
			}
			if v, _ := r.doc.Find(`input#message_rate`).Attr("value"); v != c.value {
				t.Errorf("the form shows %q, typed %q", v, c.value)
			}
			if stored() != 25 {
				t.Fatalf("a refused form stored %d", stored())
			}
		})
	}
	t.Run("another event's settings are refused and keep their rate", func(t *testing.T) {
		other, err := s.db.TenantBySlug(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		if r := b.post("/events/other/settings", settingsForm(csrf, "message_rate", "50")); r.status != http.StatusNotFound {
			t.Fatalf("POST: %d", r.status)
		}
		if st, _ := s.db.Settings(ctx, other.ID); st.MessageRate != storefront.DefaultMessageRate {
			t.Fatalf("the other event's rate is %d", st.MessageRate)
		}
	})
}

package console

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"marquee/storefront"
)

// TestPaymentSettings: whether attendees may pay at pick-up and how long
// an online payment holds the stock are set on the settings page; bad
// values are refused naming their field, and nothing is written.
func TestPaymentSettings(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	b := signedInMember(t, s)
	page := b.do(http.MethodGet, "/events/devcon/settings", "", "")
	if page.status != 200 {
		t.Fatalf("settings page: %d", page.status)
	}
	csrf := csrfOf(page)
	stored := func() storefront.Settings {
		t.Helper()
		st, err := s.db.Settings(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	save := func(pairs ...string) *response {
		t.Helper()
		return b.post("/events/devcon/settings", settingsForm(csrf, pairs...))
	}

	t.Run("an event that never chose takes no payment at pick-up and holds for 15 minutes", func(t *testing.T) {
		if st := stored(); st.PayAtPickup || st.HoldMinutes != storefront.DefaultHoldMinutes {
			t.Errorf("stored %v, %d minutes", st.PayAtPickup, st.HoldMinutes)
		}
		if page.doc.Find(`input#pay_at_pickup[checked]`).Length() != 0 {
			t.Error("pay at pick-up is ticked")
		}
		if v, _ := page.doc.Find(`input#hold_minutes`).Attr("value"); v != "15" {
			t.Errorf("the form shows a hold of %q", v)
		}
		if page.doc.Find(`label[for="hold_minutes"]`).Length() != 1 || page.text("#pay-at-pickup-help") == "" {
			t.Error("the payment fields have no label or help")
		}
	})
	t.Run("pay at pick-up and a hold of 30 minutes are stored and shown again", func(t *testing.T) {
		r := save("attendee_can_cancel", "on", "pay_at_pickup", "on", "hold_minutes", " 30 ")
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		if st := stored(); !st.PayAtPickup || st.HoldMinutes != 30 {
			t.Fatalf("stored %+v", st)
		}
		again := b.do(http.MethodGet, "/events/devcon/settings", "", "")
		if again.doc.Find(`input#pay_at_pickup[checked]`).Length() != 1 {
			t.Error("pay at pick-up is not ticked")
		}
		if v, _ := again.doc.Find(`input#hold_minutes`).Attr("value"); v != "30" {
			t.Errorf("the form shows a hold of %q", v)
		}
	})
	for _, c := range []struct {
		name  string
		pairs []string
		field string
		says  string
	}{
		{"a hold of 4 minutes", []string{"hold_minutes", "4"}, "hold_minutes", "Minutes to complete an online payment"},
		{"a hold of 121 minutes", []string{"hold_minutes", "121"}, "hold_minutes", "Minutes to complete an online payment"},
		{"a hold in words", []string{"hold_minutes", "ten"}, "hold_minutes", "Minutes to complete an online payment"},
		{"an empty hold", []string{"hold_minutes", ""}, "hold_minutes", "Minutes to complete an online payment"},
		{"a hold given twice", []string{"hold_minutes", "20", "hold_minutes", "30"}, "hold_minutes", "Minutes to complete an online payment"},
		{"paying at pick-up for an event that ships", []string{"ships", "on", "pay_at_pickup", "on", "hold_minutes", "20"},
			"pay_at_pickup", "Attendees may pay at pick-up"},
	} {
		t.Run(c.name+" is refused naming the field, nothing written", func(t *testing.T) {
			before := stored()
			r := save(append([]string{"attendee_can_cancel", "on"}, c.pairs...)...)
			if r.status != http.StatusUnprocessableEntity || !strings.HasPrefix(r.text(".problems"), c.says) {
				t.Fatalf("status %d, %q", r.status, r.text(".problems"))
			}
			if id, _ := r.doc.Find(`[aria-invalid="true"]`).Attr("id"); id != c.field {
				t.Errorf("the invalid field marked is %q, want %q", id, c.field)
			}
			if after := stored(); after.PayAtPickup != before.PayAtPickup || after.HoldMinutes != before.HoldMinutes ||
				after.Ships != before.Ships {
				t.Fatalf("a refused form changed the settings: %+v, was %+v", after, before)
			}
		})
	}
	t.Run("the refused hold is shown as typed", func(t *testing.T) {
		r := save("hold_minutes", "999")
		if v, _ := r.doc.Find(`input#hold_minutes`).Attr("value"); v != "999" {
			t.Errorf("the form shows %q", v)
		}
	})
	t.Run("another event's settings are refused and keep their hold", func(t *testing.T) {
		other, err := s.db.TenantBySlug(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		if r := b.post("/events/other/settings", settingsForm(csrf, "pay_at_pickup", "on", "hold_minutes", "60")); r.status != 404 {
			t.Fatalf("POST: %d", r.status)
		}
		if st, _ := s.db.Settings(ctx, other.ID); st.PayAtPickup || st.HoldMinutes != storefront.DefaultHoldMinutes {
			t.Fatalf("the other event's settings are %+v", st)
		}
	})
}

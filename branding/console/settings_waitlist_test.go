package console

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"marquee/storefront"
)

// TestWaitlistHoldSetting: how long a waiting list's offer holds its
// units is set on the settings page (1 to 168 hours); the next offer is
// held that long; bad values are refused naming the field, nothing written.
func TestWaitlistHoldSetting(t *testing.T) {
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
		return st.WaitlistHoldHours
	}
	save := func(pairs ...string) *response {
		t.Helper()
		return b.post("/events/devcon/settings", settingsForm(csrf, append([]string{"attendee_can_cancel", "on"}, pairs...)...))
	}

	t.Run("an event that never chose holds offers for 24 hours", func(t *testing.T) {
		if v, _ := page.doc.Find(`input#waitlist_hold_hours`).Attr("value"); v != "24" || stored() != 24 {
			t.Fatalf("the form shows %q, stored %d", v, stored())
		}
		if page.doc.Find(`label[for="waitlist_hold_hours"]`).Length() != 1 || page.text("#waitlist-hold-help") == "" {
			t.Error("the field has no label or help")
		}
	})
	t.Run("48 hours are stored, shown again and hold the next offer", func(t *testing.T) {
		if r := save("waitlist_hold_hours", " 48 "); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		if stored() != 48 {
			t.Fatalf("stored %d", stored())
		}
		again := b.do(http.MethodGet, "/events/devcon/settings", "", "")
		if v, _ := again.doc.Find(`input#waitlist_hold_hours`).Attr("value"); v != "48" {
			t.Errorf("the form shows %q", v)
		}
		zero := 0
		p, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Cap"}, Visible: true,
			Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}, Stock: &zero}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.JoinWaitlist(ctx, ev.ID, p.Variants[0].ID, "waiting@example.com", "en", 1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.AdjustStock(ctx, ev.ID, p.Variants[0].ID, 1, "found one", "test"); err != nil {
			t.Fatal(err)
		}
		offers, err := s.db.OfferReturnedStock(ctx, ev.ID, p.Variants[0].ID, nil)
		if err != nil || len(offers) != 1 {
			t.Fatalf("offers %v, %v", offers, err)
		}
		if left := time.Until(offers[0].ExpiresAt); left < 47*time.Hour || left > 48*time.Hour+time.Minute {
			t.Errorf("the offer is held for %v, want 48 hours", left)
		}
	})
	for _, c := range []struct{ name, value string }{
		{"no hours", "0"}, {"169 hours", "169"}, {"hours in words", "a day"}, {"an empty hold", ""}, {"a fraction", "1.5"},
	} {
		t.Run(c.name+" is refused naming the field and shown as typed, nothing written", func(t *testing.T) {
			r := save("waitlist_hold_hours", c.value)
			if r.status != http.StatusUnprocessableEntity || !strings.HasPrefix(r.text(".problems"), "Hours a waiting list's offer holds its items: enter") {
				t.Fatalf("status %d, %q", r.status, r.text(".problems"))
			}
			if id, _ := r.doc.Find(`[aria-invalid="true"]`).Attr("id"); id != "waitlist_hold_hours" {
				t.Errorf("the invalid field marked is %q", id)
			}
			if v, _ := r.doc.Find(`input#waitlist_hold_hours`).Attr("value"); v != c.value {
				t.Errorf("the form shows %q, typed %q", v, c.value)
			}
			if stored() != 48 {
				t.Fatalf("a refused form stored %d hours", stored())
			}
		})
	}
	t.Run("a hold given twice is refused", func(t *testing.T) {
		if r := save("waitlist_hold_hours", "2", "waitlist_hold_hours", "3"); r.status != http.StatusUnprocessableEntity || stored() != 48 {
			t.Fatalf("status %d, stored %d", r.status, stored())
		}
	})
	t.Run("another event's settings are refused and keep their hold", func(t *testing.T) {
		other, err := s.db.TenantBySlug(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		if r := b.post("/events/other/settings", settingsForm(csrf, "waitlist_hold_hours", "5")); r.status != http.StatusNotFound {
			t.Fatalf("POST: %d", r.status)
		}
		if st, _ := s.db.Settings(ctx, other.ID); st.WaitlistHoldHours != storefront.DefaultWaitlistHoldHours {
			t.Fatalf("the other event's hold is %d", st.WaitlistHoldHours)
		}
	})
}

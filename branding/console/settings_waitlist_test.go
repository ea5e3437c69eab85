package console

import (
	"context"
	"net/http"
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

	checkNumberSetting(t, s, ev, b, csrf, numberSetting{field: "waitlist_hold_hours", help: "waitlist-hold-help",
		def: storefront.DefaultWaitlistHoldHours, typed: " 48 ", want: 48, bad: []string{"0", "169", "a day", "", "1.5"},
		problem: "Hours a waiting list's offer holds its items: enter",
		of:      func(st storefront.Settings) int { return st.WaitlistHoldHours }, otherEventOK: storefront.DefaultWaitlistHoldHours})
	t.Run("the next offer is held 48 hours", func(t *testing.T) {
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
	t.Run("a hold given twice is refused", func(t *testing.T) {
		if r := save("waitlist_hold_hours", "2", "waitlist_hold_hours", "3"); r.status != http.StatusUnprocessableEntity || stored() != 48 {
			t.Fatalf("status %d, stored %d", r.status, stored())
		}
	})
}

package console

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"marquee/storefront"
)

// TestEventFactsSettings: the time zone and the pick-up place and details
// the event page states are set on the settings page; a bad one is
// refused naming its field, and nothing is written.
func TestEventFactsSettings(t *testing.T) {
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

	t.Run("an event that never chose a zone is in Europe/Berlin, and the form says so", func(t *testing.T) {
		if got := stored().TimeZone; got != storefront.DefaultTimeZone {
			t.Errorf("stored zone %q", got)
		}
		if v, _ := page.doc.Find(`input[name="time_zone"]`).Attr("value"); v != "Europe/Berlin" {
			t.Errorf("the form shows zone %q", v)
		}
		if page.doc.Find(`label[for="time_zone"]`).Length() != 1 || page.text("#time-zone-help") == "" {
			t.Error("the time zone field has no label or help")
		}
	})
	t.Run("zone, place and details are stored and shown again", func(t *testing.T) {
		r := save("attendee_can_cancel", "on", "time_zone", " America/New_York ", "pickup_place", "Registration desk, Hall A",
			"pickup_details", "Friday 9:00 to 17:00.\r\nBring your order number.")
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		st := stored()
		if st.TimeZone != "America/New_York" || st.PickupPlace != "Registration desk, Hall A" ||
			st.PickupDetails != "Friday 9:00 to 17:00.\nBring your order number." {
			t.Fatalf("stored %+v", st)
		}
		again := b.do(http.MethodGet, "/events/devcon/settings?saved=settings", "", "")
		if v, _ := again.doc.Find(`input[name="pickup_place"]`).Attr("value"); v != "Registration desk, Hall A" {
			t.Errorf("place shown %q", v)
		}
		if got := again.text(`textarea[name="pickup_details"]`); !strings.Contains(got, "Bring your order number.") {
			t.Errorf("details shown %q", got)
		}
	})
	t.Run("the closing time is shown in the event's zone, the zone named", func(t *testing.T) {
		at := time.Date(2027, 4, 9, 22, 0, 0, 0, time.UTC)
		if _, err := s.db.SetTenantClosesAt(ctx, ev.ID, &at); err != nil {
			t.Fatal(err)
		}
		r := b.do(http.MethodGet, "/events/devcon/settings", "", "")
		if got := r.text("#settings-closes-at"); got != "Friday 9 April 2027, 18:00 EDT" {
			t.Errorf("closes at %q", got)
		}
	})
	for _, c := range []struct{ name, field, value, says string }{
		{"an unknown zone", "time_zone", "Mars/Olympus_Mons", "Time zone"},
		{"the machine's local zone", "time_zone", "Local", "Time zone"},
		{"a zone name with a path in it", "time_zone", "../../etc/passwd", "Time zone"},
		{"a place too long", "pickup_place", strings.Repeat("é", 201), "Pick-up place"},
		{"details too long", "pickup_details", strings.Repeat("x", 1001), "Pick-up times and details"},
	} {
		t.Run(c.name+" is refused naming the field, nothing written", func(t *testing.T) {
			before := stored()
			r := save("ships", "on", "attendee_can_cancel", "on", c.field, c.value)
			if r.status != http.StatusUnprocessableEntity || !strings.HasPrefix(r.text(".problems"), c.says) {
				t.Fatalf("status %d, %q", r.status, r.text(".problems"))
			}
			if id, _ := r.doc.Find(`[aria-invalid="true"]`).Attr("id"); id != c.field {
				t.Errorf("the invalid field marked is %q, want %q", id, c.field)
			}
			if after := stored(); after.TimeZone != before.TimeZone || after.PickupPlace != before.PickupPlace ||
				after.PickupDetails != before.PickupDetails || after.Ships != before.Ships {
				t.Fatalf("a refused form changed the settings: %+v, was %+v", after, before)
			}
		})
	}
	t.Run("another event's settings are refused and keep their zone", func(t *testing.T) {
		other, err := s.db.TenantBySlug(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		if r := b.post("/events/other/settings", settingsForm(csrf, "time_zone", "Asia/Tokyo")); r.status != 404 {
			t.Fatalf("POST: %d", r.status)
		}
		if st, _ := s.db.Settings(ctx, other.ID); st.TimeZone != storefront.DefaultTimeZone {
			t.Fatalf("the other event's zone is %q", st.TimeZone)
		}
	})
}

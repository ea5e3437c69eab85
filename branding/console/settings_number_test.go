package console

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"marquee/storefront"
	"marquee/tenant"
)

// numberSetting is a whole-number field of the settings page with bounds.
type numberSetting struct {
	field, help  string // the input's id (and name), its help's id
	def          int    // shown and stored for an event that never chose
	typed        string // a good value as typed, stored as want
	want         int
	bad          []string // refused values
	problem      string   // how the refusal begins
	of           func(storefront.Settings) int
	otherEventOK int // the other event's value, untouched
}

// checkNumberSetting walks a number setting through the page: the default
// shown with its label and help, a good value stored and shown again, bad
// values refused naming the field and shown as typed with nothing
// written, and another event's settings not reached. It leaves the good
// value stored.
func checkNumberSetting(t *testing.T, s *testServer, ev *tenant.Tenant, b *shop, csrf string, f numberSetting) {
	t.Helper()
	ctx := context.Background()
	stored := func() int {
		t.Helper()
		st, err := s.db.Settings(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return f.of(st)
	}
	save := func(pairs ...string) *response {
		t.Helper()
		return b.post("/events/devcon/settings", settingsForm(csrf, append([]string{"attendee_can_cancel", "on"}, pairs...)...))
	}
	input := `input#` + f.field
	t.Run("an event that never chose has the default", func(t *testing.T) {
		page := b.do(http.MethodGet, "/events/devcon/settings", "", "")
		if v, _ := page.doc.Find(input).Attr("value"); v != strconv.Itoa(f.def) || stored() != f.def {
			t.Fatalf("the form shows %q, stored %d; want %d", v, stored(), f.def)
		}
		if page.doc.Find(`label[for="`+f.field+`"]`).Length() != 1 || page.text("#"+f.help) == "" {
			t.Error("the field has no label or help")
		}
	})
	t.Run("a good value is stored and shown again", func(t *testing.T) {
		if r := save(f.field, f.typed); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		if stored() != f.want {
			t.Fatalf("stored %d, want %d", stored(), f.want)
		}
		again := b.do(http.MethodGet, "/events/devcon/settings", "", "")
		if v, _ := again.doc.Find(input).Attr("value"); v != strconv.Itoa(f.want) {
			t.Errorf("the form shows %q", v)
		}
	})
	for _, value := range f.bad {
		t.Run(value+" is refused naming the field and shown as typed, nothing written", func(t *testing.T) {
			r := save(f.field, value)
			if r.status != http.StatusUnprocessableEntity || !strings.HasPrefix(r.text(".problems"), f.problem) {
				t.Fatalf("status %d, %q", r.status, r.text(".problems"))
			}
			if id, _ := r.doc.Find(`[aria-invalid="true"]`).Attr("id"); id != f.field {
				t.Errorf("the invalid field marked is %q", id)
			}
			if v, _ := r.doc.Find(input).Attr("value"); v != value {
				t.Errorf("the form shows %q, typed %q", v, value)
			}
			if stored() != f.want {
				t.Fatalf("a refused form stored %d", stored())
			}
		})
	}
	t.Run("another event's settings are refused and keep their value", func(t *testing.T) {
		other, err := s.db.TenantBySlug(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		if r := b.post("/events/other/settings", settingsForm(csrf, f.field, f.typed)); r.status != http.StatusNotFound {
			t.Fatalf("POST: %d", r.status)
		}
		if st, _ := s.db.Settings(ctx, other.ID); f.of(st) != f.otherEventOK {
			t.Fatalf("the other event's value is %d", f.of(st))
		}
	})
}

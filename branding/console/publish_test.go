package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"marquee/branding"
	"marquee/tenant"
	"marquee/tenant/staff"
)

func TestPublishRefusesUnreadableColours(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	ev := s.event("devcon", tenant.StatusActive, branding.DefaultColours)
	b := consoleMember(t, s, "marketing@example.com", false, ev, staff.RoleMarketing)
	live := func() branding.Branding {
		got, err := s.db.PublishedBranding(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	saveDraft := func(t *testing.T, primary string) {
		t.Helper()
		form, _ := editorForm(t, b, "devcon")
		form.Set("color_primary", primary)
		if r := b.post("/events/devcon/branding", form); r.status != http.StatusSeeOther {
			t.Fatalf("save draft: %d %s", r.status, r.text(".problems"))
		}
	}
	refused := func(t *testing.T, r *response) {
		t.Helper()
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("publish: status %d, want 422", r.status)
		}
		problems := r.text(".problems")
		if !strings.Contains(problems, "Not published: text would be hard to read in these colours.") ||
			!strings.Contains(problems, "the contrast is 1.06:1, and at least 4.5:1 is needed (WCAG AA)") {
			t.Errorf("problems %q", problems)
		}
	}

	t.Run("a primary colour of 1.06:1 under the button text is refused with the editor's contrast message", func(t *testing.T) {
		saveDraft(t, "#ffff66")
		_, editor := editorForm(t, b, "devcon")
		refused(t, b.post("/events/devcon/branding/publish", url.Values{"csrf": {csrfOf(editor)}}))
		if got := live(); got.Version != 1 || got.Colours.Primary != branding.DefaultColours.Primary {
			t.Fatalf("live version %d with primary %s: the draft was published", got.Version, got.Colours.Primary)
		}
	})
	t.Run("a readable draft still publishes", func(t *testing.T) {
		saveDraft(t, "#aa0000")
		_, editor := editorForm(t, b, "devcon")
		if r := b.post("/events/devcon/branding/publish", url.Values{"csrf": {csrfOf(editor)}}); r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", r.status, r.text(".problems"))
		}
		if got := live(); got.Colours.Primary != "#aa0000" {
			t.Fatalf("live primary %s", got.Colours.Primary)
		}
	})
	t.Run("an unreadable version from before the check, restored as the draft, is refused too", func(t *testing.T) {
		// A version published before publishing checked contrast.
		admin, err := pgx.Connect(ctx, s.adminURL)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "UPDATE brandings SET color_primary = '#ffff66' WHERE tenant_id = $1 AND version = 1", ev.ID); err != nil {
			t.Fatal(err)
		}
		_, editor := editorForm(t, b, "devcon")
		if r := b.post("/events/devcon/branding/restore/1", url.Values{"csrf": {csrfOf(editor)}}); r.status != http.StatusSeeOther {
			t.Fatalf("restore: %d", r.status)
		}
		before := live()
		refused(t, b.post("/events/devcon/branding/publish", url.Values{"csrf": {csrfOf(editor)}}))
		if got := live(); got.Version != before.Version || got.Colours.Primary != "#aa0000" {
			t.Fatalf("live version %d with primary %s", got.Version, got.Colours.Primary)
		}
	})
}

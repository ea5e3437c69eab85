package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestPublishRefusesUnreadableColours(t *testing.T) {
	s, ev, _ := consoleServer(t)
	b := signedInMember(t, s)
	livePrimary := func() string {
		style := s.get("devcon.shop.test", "/").doc.Find("head style").Text()
		i := strings.Index(style, "--primary:")
		return style[i+len("--primary:") : i+len("--primary:")+7]
	}
	versions := func() int {
		var n int
		if err := s.db.InTenant(context.Background(), ev.ID, func(tx pgx.Tx) error {
			return tx.QueryRow(context.Background(), "SELECT count(*) FROM brandings WHERE tenant_id = $1 AND state = 'published'", ev.ID).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
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
	before := versions()

	t.Run("a primary colour of 1.06:1 under the button text is refused with the editor's contrast message", func(t *testing.T) {
		form, _ := editorForm(t, b, "devcon")
		form.Set("color_primary", "#ffff66")
		if r := b.post("/events/devcon/branding", form); r.status != http.StatusSeeOther {
			t.Fatalf("save draft: %d %s", r.status, r.text(".problems"))
		}
		_, page := editorForm(t, b, "devcon")
		refused(t, b.post("/events/devcon/branding/publish", url.Values{"csrf": {csrfOf(page)}}))
		s.settle()
		if got := livePrimary(); got != blue.Primary || versions() != before {
			t.Fatalf("live primary %s, %d versions (had %d): something was published", got, versions(), before)
		}
	})
	t.Run("a readable draft still publishes", func(t *testing.T) {
		form, _ := editorForm(t, b, "devcon")
		form.Set("color_primary", "#aa0000")
		if r := b.post("/events/devcon/branding", form); r.status != http.StatusSeeOther {
			t.Fatalf("save draft: %d", r.status)
		}
		_, page := editorForm(t, b, "devcon")
		if r := b.post("/events/devcon/branding/publish", url.Values{"csrf": {csrfOf(page)}}); r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", r.status, r.text(".problems"))
		}
		s.settle()
		if got := livePrimary(); got != "#aa0000" {
			t.Fatalf("live primary %s", got)
		}
	})
	t.Run("an unreadable version from before the check, restored as the draft, is refused too", func(t *testing.T) {
		// A version published before publishing checked contrast.
		admin, err := pgx.Connect(context.Background(), s.adminURL)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close(context.Background())
		if _, err := admin.Exec(context.Background(), "UPDATE brandings SET color_primary = '#ffff66' WHERE tenant_id = $1 AND version = 1", ev.ID); err != nil {
			t.Fatal(err)
		}
		history := b.do(http.MethodGet, "/events/devcon/branding/history", "", "")
		restore, _ := history.doc.Find(`tr[data-version="1"] form`).Attr("action")
		if r := b.post(restore, url.Values{"csrf": {csrfOf(history)}}); r.status != http.StatusSeeOther {
			t.Fatalf("restore: %d", r.status)
		}
		published := versions()
		refused(t, b.post("/events/devcon/branding/publish", url.Values{"csrf": {csrfOf(history)}}))
		s.settle()
		if got := livePrimary(); got != "#aa0000" || versions() != published {
			t.Fatalf("live primary %s, %d versions (had %d)", got, versions(), published)
		}
	})
}

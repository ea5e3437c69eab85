package console

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/tenant/web/webtest"
)

// editorForm returns the values of the branding form as the page shows it.
func editorForm(t *testing.T, b *shop, slug string) (url.Values, *response) {
	t.Helper()
	r := consolePage(t, b, "/events/"+slug+"/branding")
	return webtest.FormValues(r.doc, "form.branding-form input, form.branding-form textarea, form.branding-form select"), r
}

func TestBrandingDraftPreviewPublishRestore(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	b := signedInMember(t, s)
	public := func() *response { return s.get("devcon.shop.test", "/") }

	form, _ := editorForm(t, b, "devcon")
	form.Set("title.en", "DevCon Reloaded")
	form.Set("color_primary", "#AA0000")
	if r := b.post("/events/devcon/branding", form); r.status != http.StatusSeeOther {
		t.Fatalf("save draft: %d %s", r.status, r.text(".problems"))
	}
	if got := public().text("h1"); got != "Welcome to devcon" {
		t.Fatalf("the public page changed before publishing: %q", got)
	}
	preview := b.do(http.MethodGet, "/events/devcon/branding/preview", "", "")
	if preview.status != 200 || preview.text("h1") != "DevCon Reloaded" || !strings.Contains(preview.doc.Find("head style").Text(), "--primary:#aa0000") {
		t.Fatalf("preview: %d %q", preview.status, preview.text("h1"))
	}
	_, page := editorForm(t, b, "devcon")
	t.Run("a shared preview link shows the draft to anyone, signed out", func(t *testing.T) {
		link, _ := page.doc.Find("#share-link").Attr("value")
		u, err := url.Parse(link)
		if err != nil || u.Query().Get("preview") == "" {
			t.Fatalf("share link %q", link)
		}
		r := s.get("devcon.shop.test", "/?"+u.RawQuery)
		if r.status != 200 || r.text("h1") != "DevCon Reloaded" || r.doc.Find(".preview-banner").Length() != 1 || r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("preview by link: %d %q", r.status, r.text("h1"))
		}
		if r := s.get("other.shop.test", "/?"+u.RawQuery); r.status != 404 {
			t.Fatalf("the link on another event: %d", r.status)
		}
		if r := s.get("devcon.shop.test", "/?preview=forged"); r.status != 404 {
			t.Fatalf("a forged preview link: %d", r.status)
		}
	})
	if r := b.post("/events/devcon/branding/publish", url.Values{"csrf": {csrfOf(page)}}); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}
	waitFor(t, time.Second, func() bool { return public().text("h1") == "DevCon Reloaded" })
	history := b.do(http.MethodGet, "/events/devcon/branding/history", "", "")
	rows := history.doc.Find("table.versions tbody tr")
	if rows.Length() != 2 || !strings.Contains(rows.First().Text(), "marketing@example.com") {
		t.Fatalf("history: %q", rows.Text())
	}
	restore, _ := history.doc.Find(`tr[data-version="1"] a.restore`).Attr("href")
	// Restoring replaces the draft: it asks first, for the event's own
	// versions only, and asking changes nothing.
	before, _, err := s.db.BrandingDraft(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	refused(t, b, "/events/devcon/branding/restore/9", "/events/devcon/branding/restore/x", "/events/other/branding/restore/1")
	refused(t, fulfilmentMember(t, s, ev), restore)
	if r := b.post("/events/other/branding/restore/1", url.Values{"csrf": {csrfOf(history)}}); r.status != http.StatusNotFound {
		t.Fatalf("restoring another event's version: %d", r.status)
	}
	if after, _, err := s.db.BrandingDraft(ctx, ev.ID); err != nil || !reflect.DeepEqual(after, before) {
		t.Fatalf("asking changed the draft: %+v %v", after, err)
	}
	if r := b.post(restore, confirmOf(t, b.do(http.MethodGet, restore, "", ""), restore, "Restore version 1 as the draft?", "/events/devcon/branding/history")); r.status != http.StatusSeeOther {
		t.Fatalf("restore: %d", r.status)
	}
	if r := b.post("/events/devcon/branding/publish", url.Values{"csrf": {csrfOf(history)}}); r.status != http.StatusSeeOther {
		t.Fatalf("publish the restored version: %d", r.status)
	}
	waitFor(t, time.Second, func() bool { return public().text("h1") == "Welcome to devcon" })

	t.Run("a bad colour re-renders the form with the message and writes nothing", func(t *testing.T) {
		form, _ := editorForm(t, b, "devcon")
		form.Set("color_text", "red")
		r := b.post("/events/devcon/branding", form)
		if r.status != 422 || !strings.Contains(r.text(".problems"), "#rrggbb") {
			t.Fatalf("status %d, %q", r.status, r.text(".problems"))
		}
	})
	t.Run("a poor contrast is explained with a passing colour", func(t *testing.T) {
		form, _ := editorForm(t, b, "devcon")
		form.Set("color_text", "#dddddd")
		b.post("/events/devcon/branding", form)
		_, page := editorForm(t, b, "devcon")
		if !strings.Contains(page.text(".contrast"), "The closest colour that passes is #") {
			t.Fatalf("contrast: %q", page.text(".contrast"))
		}
	})
}

// TestConsoleRoutesRefuseOtherEvents enumerates every registered console
// route with an event in its path: a member of devcon only, using the
// other event's slug, gets 404 and nothing changes. A new route without
// the check fails here.
func TestConsoleRoutesRefuseOtherEvents(t *testing.T) {
	s, _, _ := consoleServer(t)
	b := signedInMember(t, s)
	_, page := editorForm(t, b, "devcon")
	csrf := csrfOf(page)
	console := s.newConsole()
	checked := 0
	for _, route := range console.GetRoutes(true) {
		if !strings.Contains(route.Path, ":slug") || route.Method == http.MethodHead {
			continue
		}
		path := strings.NewReplacer(":slug", "other", ":version", "1", ":number", "AAAA-AAAA",
			":product", uuid.NewString(), ":variant", uuid.NewString(), ":key", "some_field", ":slot", "logo", ":hostname", "shop.other.org", ":supplier", uuid.NewString(), ":kind", "order_confirmation").Replace(route.Path)
		var r *response
		if route.Method == http.MethodPost {
			r = b.post(path, url.Values{"csrf": {csrf}, "title.en": {"Hijacked"}, "theme": {"classic"},
				"color_primary": {"#000000"}, "color_accent": {"#000000"}, "color_background": {"#ffffff"}, "color_text": {"#000000"}})
		} else {
			r = b.do(route.Method, path, "", "")
		}
		want := 404
		if strings.HasPrefix(path, "/api/") {
			want = 401 // the API takes bearer tokens only: a console session opens none of it
		}
		if r.status != want {
			t.Errorf("%s %s as a member of another event: status %d, want %d", route.Method, path, r.status, want)
		}
		checked++
	}
	if checked < 6 {
		t.Fatalf("checked %d routes: the enumeration is broken", checked)
	}
	ctx := context.Background()
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	if _, hasDraft, _ := s.db.BrandingDraft(ctx, other.ID); hasDraft {
		t.Fatal("a refused request created a draft for the other event")
	}
	if got := s.get("other.shop.test", "/").text("h1"); got != "Welcome to other" {
		t.Fatalf("the other event's page changed: %q", got)
	}

	t.Run("a POST without the session's token is refused", func(t *testing.T) {
		form, _ := editorForm(t, b, "devcon")
		form.Set("csrf", "forged")
		form.Set("title.en", "Forged")
		if r := b.post("/events/devcon/branding", form); r.status != 403 {
			t.Fatalf("status %d", r.status)
		}
		devcon, err := s.db.TenantBySlug(ctx, "devcon")
		if err != nil {
			t.Fatal(err)
		}
		if _, hasDraft, _ := s.db.BrandingDraft(ctx, devcon.ID); hasDraft {
			t.Fatal("a forged request saved a draft")
		}
	})
}

func TestThemeAndFont(t *testing.T) {
	s, _, _ := consoleServer(t)
	b := signedInMember(t, s)
	form, _ := editorForm(t, b, "devcon")
	form.Set("theme", "bold")
	form.Set("font", "merriweather")
	if r := b.post("/events/devcon/branding", form); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.status, r.text(".problems"))
	}
	preview := b.do(http.MethodGet, "/events/devcon/branding/preview", "", "")
	if preview.doc.Find(`link[href="/static/themes/bold.css"]`).Length() != 1 || preview.doc.Find(`link[href="/static/fonts/fonts.css"]`).Length() != 1 ||
		!strings.Contains(preview.doc.Find("head style").Text(), `--font:"Merriweather"`) || preview.doc.Find("body.theme-bold").Length() != 1 {
		t.Fatalf("preview head: %s", preview.doc.Find("head").Text())
	}
	for _, asset := range []string{"/static/themes/bold.css", "/static/fonts/fonts.css", "/static/fonts/merriweather/merriweather-latin-400-normal.woff2", "/static/favicon.svg"} {
		if r := s.get("devcon.shop.test", asset); r.status != 200 {
			t.Errorf("%s: %d", asset, r.status)
		}
	}
	form.Set("font", "comic-sans")
	if r := b.post("/events/devcon/branding", form); r.status != 422 || !strings.Contains(r.text(".problems"), "Choose one of the available fonts.") {
		t.Fatalf("an unknown font: %d %q", r.status, r.text(".problems"))
	}
}

func TestFulfilmentCannotEditBranding(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	st, err := s.staff.CreateStaff(ctx, "packer@example.com", "Pat", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.staff.SetPassword(ctx, st.ID, "correct horse battery", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := s.staff.SetRole(ctx, st.ID, ev.ID, st.ID, "fulfilment"); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	if r := signIn(b, "packer@example.com", "correct horse battery"); r.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.status)
	}
	home := b.do(http.MethodGet, "/", "", "")
	overview := b.do(http.MethodGet, "/events/devcon/dashboard", "", "")
	if overview.doc.Find(`a[href="/events/devcon/branding"]`).Length() != 0 || !strings.Contains(home.text("table.events"), "devcon") {
		t.Fatalf("the console offers fulfilment the branding editor: %q", overview.text("nav.console-nav"))
	}
	if r := b.do(http.MethodGet, "/events/devcon/branding", "", ""); r.status != 404 {
		t.Fatalf("fulfilment opened the branding editor: %d", r.status)
	}
}

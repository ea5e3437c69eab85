package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"marquee/tenant/web/browsertest"
)

// The console's browser test: a marketing member signs in, edits devcon's
// branding in Chromium, previews, publishes and restores it, while a
// second tab watches what visitors of the event see.

// consoleBrowserTimeout bounds the console's browser test, from starting
// Chromium to the last assertion.
const consoleBrowserTimeout = 90 * time.Second

// newEnglishBrowser starts Chromium asking for English, with one tab on
// the console and one on the event at eventHost. Unlike newBrowser, which
// asks for German and stops after browserTimeout, it stops after within.
func newEnglishBrowser(t *testing.T, exe string, s *testServer, eventHost string, within time.Duration) (console, event *browser) {
	t.Helper()
	allocCtx, port := chromium(t, exe, s, "en-US", "en-US,en", within)
	consoleCtx := browsertest.Tab(t, allocCtx)
	eventCtx := browsertest.Tab(t, consoleCtx)
	return &browser{t: t, ctx: consoleCtx, base: "http://" + consoleHost + ":" + port},
		&browser{t: t, ctx: eventCtx, base: "http://" + eventHost + ":" + port}
}

// inEnglish fails unless the page is in English.
func (b *browser) inEnglish(res *network.Response) {
	b.t.Helper()
	if lang := eval[string](b, "document.documentElement.lang"); lang != "en" {
		b.t.Fatalf("page %s is in %q, want en (the browser's languages: %v)", res.URL, lang, eval[[]string](b, "navigator.languages"))
	}
}

// at fails unless res is a 200 at path (after any redirects).
func (b *browser) at(res *network.Response, path string) {
	b.t.Helper()
	if loc := b.location(); res.Status != http.StatusOK || loc.Path != path {
		b.t.Fatalf("got %d at %s, want 200 at %s", res.Status, loc, path)
	}
}

// primary is the page's --primary custom property, as computed.
func (b *browser) primary() string {
	b.t.Helper()
	return strings.TrimSpace(eval[string](b, "getComputedStyle(document.documentElement).getPropertyValue('--primary')"))
}

// setValue sets the value of the form control sel selects, as a colour
// picker does: typing into an <input type="color"> does nothing.
func (b *browser) setValue(sel, value string) {
	b.t.Helper()
	b.mustFind(sel)
	if err := chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
		b.t.Fatalf("set %s to %q: %v", sel, value, err)
	}
}

// retype replaces the text of the input sel selects with text, typed.
func (b *browser) retype(sel, text string) {
	b.t.Helper()
	b.mustFind(sel)
	if err := chromedp.Do(b.ctx, chromedp.Clear(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("clear %s: %v", sel, err)
	}
	b.typeInto(sel, text)
}

// eventShows reloads the event's landing page until it shows title and
// primary, failing after within with what it showed last.
func (b *browser) eventShows(title, primary string, within time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(within)
	for {
		res := b.open("/")
		if res.Status != http.StatusOK {
			b.t.Fatalf("event page: %d", res.Status)
		}
		gotTitle, gotPrimary := b.text("#event-title"), b.primary()
		if gotTitle == title && gotPrimary == primary {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("event page shows %q in %s, want %q in %s (within %v)", gotTitle, gotPrimary, title, primary, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestBrowserConsoleBranding(t *testing.T) {
	exe := chromiumPath(t)
	s, _, _ := consoleServer(t)
	b, public := newEnglishBrowser(t, exe, s, "devcon.shop.test", consoleBrowserTimeout)
	const (
		oldTitle, newTitle     = "Welcome to devcon", "DevCon Reloaded"
		newPrimary             = "#b91c1c"
		editor, history, login = "/events/devcon/branding", "/events/devcon/branding/history", "/login"
		titleEN, colourPrimary = `form.branding-form input[name="title.en"]`, `form.branding-form input[type="color"][name="color_primary"]`
		saveButton             = `form.branding-form button[type="submit"]`
		publishButton          = `form.branding-form button[formaction="/events/devcon/branding/publish"]`
	)
	oldPrimary := blue.Primary

	// What visitors see before anything is edited.
	public.inEnglish(public.open("/"))
	public.eventShows(oldTitle, oldPrimary, 0)

	// Signed out, the console sends you to the sign-in form.
	res := b.open("/")
	b.at(res, login)
	b.inEnglish(res)
	if got := b.text("h1"); got != "Sign in to the Marquee console" {
		t.Errorf("sign-in page heading %q", got)
	}
	b.typeInto(`form.console-login input[name="email"]`, "marketing@example.com")
	b.typeInto(`form.console-login input[name="password"]`, "correct horse battery")
	signInButton := `form.console-login button[type="submit"]`
	if got := b.text(signInButton); got != "Sign in" {
		t.Errorf("sign-in button %q, want Sign in", got)
	}
	res = b.follow(signInButton)

	// Your events: devcon only.
	b.at(res, "/")
	b.inEnglish(res)
	if got := b.text("h1"); got != "Your events" {
		t.Errorf("home heading %q, want Your events", got)
	}
	if got := b.text(".who"); got != "Signed in as marketing@example.com" {
		t.Errorf("home says %q, want who is signed in", got)
	}
	if n := b.count("table.events tbody tr"); n != 1 {
		t.Errorf("%d events listed, want devcon only: %q", n, b.text("table.events tbody"))
	}
	if row := b.text("table.events tbody tr"); !strings.Contains(row, "devcon") || !strings.Contains(row, "marketing") {
		t.Errorf("event row %q, want devcon with the role marketing", row)
	}
	// The event's one link opens its overview; its navigation leads on.
	res = b.follow(`table.events tbody a[href="/events/devcon/dashboard"]`)
	b.at(res, "/events/devcon/dashboard")
	if got := b.text(`nav.console-nav a[aria-current="page"]`); got != "Overview" {
		t.Errorf("current page in the navigation %q, want Overview", got)
	}
	res = b.follow(`nav.console-nav a[href="` + editor + `"]`)

	// The editor shows the live branding.
	b.at(res, editor)
	b.inEnglish(res)
	if got := b.text("h1"); got != "Branding of Name of devcon" {
		t.Errorf("editor heading %q", got)
	}
	if got := b.text("p.state"); !strings.Contains(got, "live version 1") {
		t.Errorf("editor state %q, want the live version 1", got)
	}
	if got := b.value(titleEN); got != oldTitle {
		t.Errorf("English title %q, want %q", got, oldTitle)
	}
	if got := b.value(colourPrimary); got != oldPrimary {
		t.Errorf("primary colour %q, want %q", got, oldPrimary)
	}
	if n := b.count(publishButton); n != 0 {
		t.Errorf("Publish offered without a draft")
	}
	if n := b.count("#flash"); n != 0 {
		t.Errorf("a saved notice before saving: %q", b.text("#flash"))
	}

	// A new title and primary colour, saved as the draft.
	b.retype(titleEN, newTitle)
	b.setValue(colourPrimary, newPrimary)
	if got := b.value(titleEN); got != newTitle {
		t.Fatalf("typed title %q, want %q", got, newTitle)
	}
	if got := b.value(colourPrimary); got != newPrimary {
		t.Fatalf("picked colour %q, want %q", got, newPrimary)
	}
	if got := b.text(saveButton); got != "Save draft" {
		t.Errorf("save button %q, want Save draft", got)
	}
	res = b.follow(saveButton)
	b.at(res, editor)
	if q := b.location().Query().Get("saved"); q != "draft" {
		t.Errorf("after saving at %s, want ?saved=draft", b.location())
	}
	if n := b.count(".problems"); n != 0 {
		t.Errorf("problems after saving: %q", b.text(".problems"))
	}
	if got := b.text("#flash"); got != "Draft saved." {
		t.Errorf("notice %q, want Draft saved.", got)
	}
	if got := b.text("p.state"); !strings.Contains(got, "editing the draft") {
		t.Errorf("editor state %q, want the draft", got)
	}
	if got := b.value(titleEN); got != newTitle {
		t.Errorf("saved title %q, want %q", got, newTitle)
	}
	if got := b.value(colourPrimary); got != newPrimary {
		t.Errorf("saved colour %q, want %q", got, newPrimary)
	}
	if got := b.text(publishButton); got != "Publish" {
		t.Errorf("publish button %q, want Publish", got)
	}

	// The preview shows the draft; visitors still see the live branding.
	previewLink := `a[href="/events/devcon/branding/preview"]`
	if got := b.text(previewLink); got != "Preview the draft" {
		t.Errorf("preview link %q", got)
	}
	res = b.open("/events/devcon/branding/preview")
	b.at(res, "/events/devcon/branding/preview")
	b.inEnglish(res)
	if got := b.text("#event-title"); got != newTitle {
		t.Errorf("preview title %q, want %q", got, newTitle)
	}
	if got := b.primary(); got != newPrimary {
		t.Errorf("preview --primary %q, want %q", got, newPrimary)
	}
	public.eventShows(oldTitle, oldPrimary, 0)

	// Publishing lands on the history with the new version live.
	res = b.open(editor)
	b.at(res, editor)
	res = b.follow(publishButton)
	b.at(res, history)
	b.inEnglish(res)
	if got := b.text("h1"); got != "Published versions of Name of devcon" {
		t.Errorf("history heading %q", got)
	}
	checkHistory(t, b, 2)
	public.eventShows(newTitle, newPrimary, 2*time.Second)

	// Restoring version 1 makes it the draft, publishing it makes it live.
	restore := `table.versions tr[data-version="1"] a.restore[href="/events/devcon/branding/restore/1"]`
	if got := b.text(restore); got != "Restore as draft" {
		t.Errorf("restore link %q", got)
	}
	res = b.follow(restore)
	b.at(res, "/events/devcon/branding/restore/1")
	if got := b.text("h1"); got != "Restore version 1 as the draft?" {
		t.Errorf("the restore asks %q", got)
	}
	res = b.follow(`form.confirm[action="/events/devcon/branding/restore/1"] button[type="submit"]`)
	b.at(res, editor)
	if got := b.text("#flash"); got != "Draft saved." {
		t.Errorf("notice after restoring %q, want Draft saved.", got)
	}
	if got := b.value(titleEN); got != oldTitle {
		t.Errorf("restored title %q, want %q", got, oldTitle)
	}
	if got := b.value(colourPrimary); got != oldPrimary {
		t.Errorf("restored colour %q, want %q", got, oldPrimary)
	}
	public.eventShows(newTitle, newPrimary, 0)
	res = b.follow(publishButton)
	b.at(res, history)
	checkHistory(t, b, 3)
	public.eventShows(oldTitle, oldPrimary, 2*time.Second)

	// Back to the events, and signing out.
	res = b.follow(`p.breadcrumb a[href="` + editor + `"]`)
	b.at(res, editor)
	res = b.follow(`p.breadcrumb a[href="/"]`)
	b.at(res, "/")
	signOut := `form[action="/logout"] button[type="submit"]`
	if got := b.text(signOut); got != "Sign out" {
		t.Errorf("sign-out button %q, want Sign out", got)
	}
	res = b.follow(signOut)
	b.at(res, login)
	res = b.open("/")
	b.at(res, login)
	if got := b.text("h1"); got != "Sign in to the Marquee console" {
		t.Errorf("after signing out the console shows %q", got)
	}
	if n := b.count("form.console-login"); n != 1 {
		t.Errorf("no sign-in form after signing out")
	}
	res = b.open(editor)
	b.at(res, login)
}

// checkHistory fails unless the history page lists versions rows, newest
// first, published by the member, with only the newest marked live.
func checkHistory(t *testing.T, b *browser, versions int) {
	t.Helper()
	rows := "table.versions tbody tr"
	if n := b.count(rows); n != versions {
		t.Fatalf("history has %d rows, want %d: %q", n, versions, b.text("table.versions tbody"))
	}
	got := eval[[]string](b, "Array.from(document.querySelectorAll("+jsString(rows)+"), r => r.dataset.version)")
	for i, v := range got {
		if want := versions - i; v != strconv.Itoa(want) {
			t.Errorf("history row %d is version %s, want %d (newest first): %v", i+1, v, want, got)
		}
	}
	if n := b.count(rows + " .badge"); n != 1 {
		t.Errorf("%d versions marked live, want 1", n)
	}
	if got := b.text(rows + ":first-child .badge"); got != "live" {
		t.Errorf("newest version's badge %q, want live", got)
	}
	if got := b.text(rows + ":first-child"); !strings.Contains(got, "marketing@example.com") {
		t.Errorf("newest version %q, want published by marketing@example.com", got)
	}
}

// signedOut opens a tab in a new browser context of b's browser, as an
// incognito window does: it shares none of b's cookies. The tab visits
// base (http://HOST:PORT) and closes when the test ends.
func (b *browser) signedOut(base string) *browser {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel) // before the browser stops: cleanups run last first
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open a tab in a new browser context: %v", err)
	}
	return &browser{t: b.t, ctx: ctx, base: base}
}

// uploadFile sets the file input sel selects to the file at path, as
// choosing it in the file picker does.
func (b *browser) uploadFile(sel, path string) {
	b.t.Helper()
	b.mustFind(sel)
	if err := chromedp.Do(b.ctx, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{path})); err != nil {
		b.t.Fatalf("set %s to the file %s: %v", sel, path, err)
	}
}

// logoShown reloads the event's landing page until it shows an img.logo,
// failing after within, and returns the logo's src once the image has
// loaded (or failed to).
func (b *browser) logoShown(within time.Duration) string {
	b.t.Helper()
	deadline := time.Now().Add(within)
	for {
		res := b.open("/")
		if res.Status != http.StatusOK {
			b.t.Fatalf("event page: %d", res.Status)
		}
		if b.count("img.logo") > 0 {
			break
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("event page shows no img.logo within %v: %q", within, b.text("header.hero"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	for deadline := time.Now().Add(5 * time.Second); !eval[bool](b, "document.querySelector('img.logo').complete"); {
		if time.Now().After(deadline) {
			b.t.Fatalf("the logo %s did not finish loading", eval[string](b, "document.querySelector('img.logo').src"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	return eval[string](b, "document.querySelector('img.logo').getAttribute('src')")
}

// TestBrowserConsoleShareAndLogo: the marketing member saves a draft and
// shares its preview link, which someone without an account opens in a
// browser of their own; then uploads a logo into the draft and publishes
// it onto the storefront.
func TestBrowserConsoleShareAndLogo(t *testing.T) {
	exe := chromiumPath(t)
	s, _, _ := consoleServer(t)
	b, public := newEnglishBrowser(t, exe, s, "devcon.shop.test", consoleBrowserTimeout)
	const (
		oldTitle, newTitle  = "Welcome to devcon", "DevCon Reloaded"
		editor, history     = "/events/devcon/branding", "/events/devcon/branding/history"
		titleEN, saveButton = `form.branding-form input[name="title.en"]`, `form.branding-form button[type="submit"]`
		publishButton       = `form.branding-form button[formaction="/events/devcon/branding/publish"]`
		shareLink           = "input#share-link"
		file, uploadButton  = `li#image-logo input[type="file"][name="file"]`, `li#image-logo button[type="submit"][form="upload-logo"]`
	)
	oldPrimary := blue.Primary
	public.eventShows(oldTitle, oldPrimary, 0)

	// Signed in, on the editor of the live branding: nothing to share yet.
	res := b.open("/login")
	b.at(res, "/login")
	b.typeInto(`form.console-login input[name="email"]`, "marketing@example.com")
	b.typeInto(`form.console-login input[name="password"]`, "correct horse battery")
	res = b.follow(`form.console-login button[type="submit"]`)
	b.at(res, "/")
	res = b.open(editor)
	b.at(res, editor)
	if n := b.count(shareLink); n != 0 {
		t.Errorf("a share link without a draft: %q", b.value(shareLink))
	}

	// A new title saved as the draft, with its link to share.
	b.retype(titleEN, newTitle)
	res = b.follow(saveButton)
	b.at(res, editor)
	if got := b.text("#flash"); got != "Draft saved." {
		t.Fatalf("notice %q, want Draft saved.", got)
	}
	link := b.value(shareLink)
	shared, err := url.Parse(link)
	if err != nil || shared.Host != "devcon.shop.test" || shared.Path != "/" || shared.Query().Get("preview") == "" {
		t.Fatalf("share link %q, want https://devcon.shop.test/?preview=TOKEN (%v)", link, err)
	}

	// Someone without an account opens it in a browser of their own: they
	// see the draft with the preview banner, and the event's page without
	// the link shows them the live branding.
	visitor := public.signedOut(public.base)
	stranger := &browser{t: t, ctx: visitor.ctx, base: b.base}
	stranger.at(stranger.open(editor), "/login") // no console session here
	res = visitor.open("/?" + shared.RawQuery)
	if res.Status != http.StatusOK {
		t.Fatalf("shared preview: %d", res.Status)
	}
	visitor.inEnglish(res)
	if got := visitor.text("#event-title"); got != newTitle {
		t.Errorf("shared preview shows %q, want the draft's %q", got, newTitle)
	}
	if n := visitor.count(".preview-banner"); n != 1 {
		t.Errorf("shared preview has %d preview banners, want 1", n)
	}
	visitor.eventShows(oldTitle, oldPrimary, 0)
	if n := visitor.count(".preview-banner"); n != 0 {
		t.Errorf("the public page has a preview banner: %q", visitor.text(".preview-banner"))
	}
	public.eventShows(oldTitle, oldPrimary, 0)

	// A logo of 400×200, uploaded into the draft in the logo's place.
	logo := filepath.Join(t.TempDir(), "logo.png")
	if err := os.WriteFile(logo, pngBytes(t, 400, 200), 0o600); err != nil {
		t.Fatal(err)
	}
	if n := b.count("li#image-logo img.thumb"); n != 0 {
		t.Errorf("a thumbnail of a logo before uploading one")
	}
	b.uploadFile(file, logo)
	if got := strings.Join(strings.Fields(b.text(uploadButton)), " "); got != "Upload to the draft Logo" {
		t.Errorf("upload button %q, want Upload to the draft (Logo)", got)
	}
	res = b.follow(uploadButton)
	b.at(res, editor)
	if n := b.count(".problems"); n != 0 {
		t.Fatalf("problems after uploading: %q", b.text(".problems"))
	}
	if got := b.text("#flash"); got != "Draft saved." {
		t.Errorf("notice after uploading %q, want Draft saved.", got)
	}
	if got := b.value(titleEN); got != newTitle {
		t.Errorf("the draft's title after uploading %q, want %q", got, newTitle)
	}
	if w := eval[int](b, "document.querySelector('li#image-logo img.thumb').naturalWidth"); w != 320 {
		t.Errorf("the logo's thumbnail is %d px wide, want the 320 px rendition", w)
	}
	public.open("/")
	if n := public.count("img.logo"); n != 0 {
		t.Errorf("the logo is live before publishing")
	}

	// Published, the storefront shows the logo's 320 px rendition.
	res = b.follow(publishButton)
	b.at(res, history)
	checkHistory(t, b, 2)
	src := public.logoShown(2 * time.Second)
	if !strings.HasPrefix(src, "/media/") {
		t.Errorf("logo src %q, want /media/…", src)
	}
	if w := eval[int](public, "document.querySelector('img.logo').naturalWidth"); w != 320 {
		t.Errorf("the logo %s is %d×%d px, want 320 wide", src, w, eval[int](public, "document.querySelector('img.logo').naturalHeight"))
	}
	public.eventShows(newTitle, oldPrimary, 0)
}

package main

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"marquee/tenant/web/browsertest"
	"marquee/themes"
)

// The browser tests drive Debian's Chromium with chromedp through the
// attendee's pages of an event, in German: what an attendee sees and
// clicks, with the real server, templates, cookies and redirects.

// browserTimeout bounds one browser test, from starting Chromium to the
// last assertion.
const browserTimeout = 60 * time.Second

// chromiumPath is the Chromium to drive: see browsertest.Exe.
func chromiumPath(t *testing.T) string {
	t.Helper()
	return browsertest.Exe(t)
}

// browser is a headless Chromium with one tab, asking for German, that
// reaches every *.shop.test host on the test server.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string // http://HOST:PORT of the event
}

// newBrowser starts Chromium asking for German, for the event at host of
// s. The browser, and the test's every step with it, stops after
// browserTimeout.
func newBrowser(t *testing.T, exe string, s *testServer, host string) *browser {
	t.Helper()
	allocCtx, port := chromium(t, exe, s, "de-DE", "de-DE,de", browserTimeout)
	return &browser{t: t, ctx: browsertest.Tab(t, allocCtx), base: "http://" + host + ":" + port}
}

// chromium prepares Chromium with browsertest's flags and *.shop.test
// mapped to 127.0.0.1, asking for lang. It returns the allocator context
// and the server's port; everything stops after within or when the test
// ends.
func chromium(t *testing.T, exe string, s *testServer, lang, acceptLang string, within time.Duration) (context.Context, string) {
	t.Helper()
	_, port, err := net.SplitHostPort(strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	return browsertest.Start(t, exe, browsertest.Options{Lang: lang, AcceptLang: acceptLang,
		HostRules: "MAP *.shop.test 127.0.0.1", Within: within}), port
}

// open loads path of the event and returns the response of the page.
func (b *browser) open(path string) *network.Response {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return res
}

// follow clicks what sel selects and waits for the page it leads to.
func (b *browser) follow(sel string) *network.Response {
	b.t.Helper()
	b.mustFind(sel)
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	return res
}

// click clicks what sel selects, expecting no new page.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.mustFind(sel)
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
}

// typeInto types text into the input sel selects, as keystrokes.
func (b *browser) typeInto(sel, text string) {
	b.t.Helper()
	b.mustFind(sel)
	if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
		b.t.Fatalf("type into %s: %v", sel, err)
	}
}

// text is the visible text of the first element sel selects, trimmed.
func (b *browser) text(sel string) string {
	b.t.Helper()
	b.mustFind(sel)
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// value is the current value of the form control sel selects.
func (b *browser) value(sel string) string {
	b.t.Helper()
	b.mustFind(sel)
	s, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return s
}

// eval evaluates a JavaScript expression in the page. Element queries wait
// for their element; eval answers at once, as for "is it gone?".
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// count is how many elements sel selects now.
func (b *browser) count(sel string) int {
	b.t.Helper()
	return eval[int](b, "document.querySelectorAll("+jsString(sel)+").length")
}

// mustFind fails at once when nothing on the page matches sel. The pages
// have no scripts, so once loaded nothing more appears; chromedp's element
// queries would instead wait for the element until the test times out.
func (b *browser) mustFind(sel string) {
	b.t.Helper()
	if b.count(sel) == 0 {
		b.t.Fatalf("nothing on %s matches %s", b.location(), sel)
	}
}

// checked reports whether the checkbox or radio sel selects is ticked.
func (b *browser) checked(sel string) bool {
	b.t.Helper()
	b.mustFind(sel)
	return eval[bool](b, "document.querySelector("+jsString(sel)+").checked")
}

// location is the page's URL, relative to the event.
func (b *browser) location() *url.URL {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// inGerman fails unless the page is in German.
func (b *browser) inGerman(res *network.Response) {
	b.t.Helper()
	if lang := eval[string](b, "document.documentElement.lang"); lang != "de" {
		b.t.Fatalf("page %s is in %q, want de (the browser's languages: %v)", res.URL, lang, eval[[]string](b, "navigator.languages"))
	}
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

var loadThemes = sync.OnceValues(themes.Load)

// german returns a message of themes/locales/de.toml, making sure it is
// German indeed and not the English fallback.
func german(t *testing.T, id string, kv ...any) string {
	t.Helper()
	set, err := loadThemes()
	if err != nil {
		t.Fatal(err)
	}
	tr := set.Translations()
	de, en := tr.T("de", id, kv...), tr.T("en", id, kv...)
	if de == id || de == en {
		t.Fatalf("%s has no German translation: %q", id, de)
	}
	return de
}

func TestBrowserOrderInGerman(t *testing.T) {
	exe := chromiumPath(t)
	s := startServer(t, defaultConfig())
	sh := newShop(t, s, "devcon")
	b := newBrowser(t, exe, s, sh.host)
	shirt, sizeM := sh.shirt.ID.String(), sh.shirt.Variants[1].ID.String()
	submit := `form.order-form button.primary[type="submit"][value="place"]`

	// The landing page, in German: the browser asks for it.
	res := b.open("/")
	if res.Status != http.StatusOK {
		t.Fatalf("landing page: %d", res.Status)
	}
	b.inGerman(res)
	if got := b.text("#event-title"); got != "Willkommen bei devcon" {
		t.Errorf("event title %q, want the German copy", got)
	}

	// The T-shirt, in a size.
	res = b.follow(`ul.products a[href="/products/` + shirt + `"]`)
	if res.Status != http.StatusOK {
		t.Fatalf("product page: %d", res.Status)
	}
	b.inGerman(res)
	if got := b.text("h1"); got != "T-Shirt" {
		t.Errorf("product %q, want T-Shirt", got)
	}
	if n := b.count(`form.variant-picker input[name="variant"][value="` + sh.shirt.Variants[2].ID.String() + `"]:disabled`); n != 1 {
		t.Errorf("the sold-out XL can be picked")
	}
	b.click(`form.variant-picker input[name="variant"][value="` + sizeM + `"]`)
	if !b.checked(`form.variant-picker input[name="variant"][value="` + sizeM + `"]`) {
		t.Fatal("clicking M did not pick it")
	}
	if got, want := b.text("form.variant-picker button"), german(t, "catalogue.choose"); got != want {
		t.Errorf("picker button %q, want %q", got, want)
	}
	res = b.follow("form.variant-picker button")

	// The order form, with the shirt in M.
	if res.Status != http.StatusOK || b.location().Path != "/order" {
		t.Fatalf("after choosing: %d at %s", res.Status, res.URL)
	}
	b.inGerman(res)
	if !b.checked(`input[name="line.0.variant"][value="` + sizeM + `"]`) {
		t.Errorf("size M not preselected")
	}
	if got := b.value(`input[name="line.0.quantity"]`); got != "1" {
		t.Errorf("T-shirt quantity %q, want 1", got)
	}
	if got := b.value(`input[name="line.1.quantity"]`); got != "0" {
		t.Errorf("hoodie quantity %q, want 0", got)
	}

	// A first try without consent.
	b.typeInto(`input[name="name"]`, "Ada Lovelace")
	b.typeInto(`input[name="email"]`, "ada@example.com")
	b.typeInto(`input[name="item.0.print_name"]`, "ADA")
	if got, want := b.text(submit), german(t, "order.submit"); got != want {
		t.Errorf("submit button %q, want %q", got, want)
	}
	res = b.follow(submit)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("without consent: %d, want 422", res.Status)
	}
	b.inGerman(res)
	mustCheck := german(t, "form.must_check")
	if got := b.text(`.field:has(input[name="consent"]) > .error`); got != mustCheck {
		t.Errorf("message next to consent %q, want %q", got, mustCheck)
	}
	if n := b.count(`input[name="consent"][aria-invalid="true"][aria-describedby="consent-error"]`); n != 1 {
		t.Errorf("the consent checkbox is not marked invalid and tied to its message")
	}
	if got := b.text(".problems"); !strings.Contains(got, mustCheck) {
		t.Errorf("summary %q lacks %q", got, mustCheck)
	}
	if got := b.value(`input[name="name"]`); got != "Ada Lovelace" {
		t.Errorf("typed name not kept: %q", got)
	}
	if got := b.value(`input[name="email"]`); got != "ada@example.com" {
		t.Errorf("typed email not kept: %q", got)
	}
	if !b.checked(`input[name="line.0.variant"][value="` + sizeM + `"]`) {
		t.Errorf("chosen size M not kept")
	}
	if n := sh.orders(); n != 0 {
		t.Fatalf("%d orders after a refused form, want 0", n)
	}

	// Consent given, the order goes through.
	b.click(`input[name="consent"]`)
	if !b.checked(`input[name="consent"]`) {
		t.Fatal("clicking consent did not tick it")
	}
	res = b.follow(submit)
	loc := b.location()
	if res.Status != http.StatusOK || !strings.HasPrefix(loc.Path, "/orders/") || loc.Query().Get("placed") != "1" {
		t.Fatalf("after ordering: %d at %s", res.Status, res.URL)
	}
	b.inGerman(res)
	if got, want := b.text(".notice h1"), german(t, "status.thanks"); got != want {
		t.Errorf("confirmation %q, want %q", got, want)
	}
	if got, want := b.text("#current-status"), german(t, "status.placed"); got != want {
		t.Errorf("status %q, want %q", got, want)
	}
	items := b.text("table.items tbody")
	for _, want := range []string{"T-Shirt", "M", "ADA"} {
		if !strings.Contains(items, want) {
			t.Errorf("items %q lack %q", items, want)
		}
	}
	if n := b.count("table.items tbody tr"); n != 1 {
		t.Errorf("%d items on the status page, want 1", n)
	}
	if n := sh.orders(); n != 1 {
		t.Errorf("%d orders, want exactly 1", n)
	}
}

func TestBrowserCancelOrder(t *testing.T) {
	exe := chromiumPath(t)
	s := startServer(t, defaultConfig())
	sh := newShop(t, s, "devcon")
	sizeM := sh.shirt.Variants[1].ID

	// The order is placed over HTTP; its link is what the attendee keeps.
	placed := sh.post("/order", sh.validOrder(), "Accept-Language", "de-DE,de")
	link := placed.header.Get("Location")
	if placed.status != http.StatusSeeOther || !strings.HasPrefix(link, "/orders/") {
		t.Fatalf("placing the order: %d to %q", placed.status, link)
	}
	if stock := variantStock(t, s, sh, sizeM); stock != 4 {
		t.Fatalf("stock of M after the order %d, want 4", stock)
	}

	b := newBrowser(t, exe, s, sh.host)
	res := b.open(link)
	if res.Status != http.StatusOK {
		t.Fatalf("status page: %d", res.Status)
	}
	b.inGerman(res)
	if got, want := b.text("#current-status"), german(t, "status.placed"); got != want {
		t.Errorf("status %q, want %q", got, want)
	}
	cancel := "form.cancel button[type=submit]"
	if got, want := b.text(cancel), german(t, "status.cancel"); got != want {
		t.Errorf("cancel button %q, want %q", got, want)
	}

	res = b.follow(cancel) // asks first; nothing is cancelled yet
	number := strings.TrimPrefix(strings.TrimSuffix(b.location().Path, "/cancel"), "/orders/")
	if got, want := b.text("h1"), german(t, "cancel.title", "Number", number); res.Status != http.StatusOK || got != want {
		t.Fatalf("confirmation: %d, %q, want %q", res.Status, got, want)
	}
	if stock := variantStock(t, s, sh, sizeM); stock != 4 {
		t.Fatalf("stock of M on the confirmation page %d, want 4", stock)
	}
	res = b.follow("form.cancel-order button[type=submit]")
	if res.Status != http.StatusOK || !strings.HasPrefix(b.location().Path, "/orders/") {
		t.Fatalf("after cancelling: %d at %s", res.Status, res.URL)
	}
	b.inGerman(res)
	if got, want := b.text("#current-status"), german(t, "status.cancelled"); got != want {
		t.Errorf("status %q, want %q", got, want)
	}
	if n := b.count("form.cancel"); n != 0 {
		t.Errorf("a cancelled order still offers to cancel")
	}
	if n := b.count("ol.history li"); n != 2 {
		t.Errorf("history has %d rows, want 2", n)
	}
	if stock := variantStock(t, s, sh, sizeM); stock != 5 {
		t.Errorf("stock of M after cancelling %d, want 5", stock)
	}
	if n := sh.orders(); n != 1 {
		t.Errorf("%d orders, want 1", n)
	}
}

// variantStock is the stock of one of the shop's variants in the database.
func variantStock(t *testing.T, s *testServer, sh *shop, variant uuid.UUID) int {
	t.Helper()
	stock, err := s.db.VariantStock(context.Background(), sh.ev.ID, variant)
	if err != nil {
		t.Fatal(err)
	}
	if stock == nil {
		t.Fatal("the variant has no stock limit")
	}
	return *stock
}

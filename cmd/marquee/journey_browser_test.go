package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"marquee/tenant/web/browsertest"
)

// The marketer's journey: a marketing member with no page open follows
// the sign-in link and, by the console's navigation alone, adds a product
// with three sizes and a photo, changes the primary colour, previews,
// publishes, and finds the product with its photo in the shop.

func TestBrowserMarketerJourney(t *testing.T) {
	exe := chromiumPath(t)
	s, ev, member := consoleServerWith(t, func(cfg *Config) { cfg.BaseDomain = "localhost" }) // links the browser can follow
	link, err := s.platform.staff.LoginLink(context.Background(), member.ID, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "jacket.png")
	if err := os.WriteFile(photo, pngBytes(t, 64, 64), 0o600); err != nil {
		t.Fatal(err)
	}
	allocCtx, port := chromium(t, exe, s, "en-US", "en-US,en", consoleBrowserTimeout)
	b := &browser{t: t, ctx: browsertest.Tab(t, allocCtx), base: "http://console.localhost:" + port}
	resize(t, b, [2]int{1366, 900})
	slug, newPrimary := "/events/"+ev.Slug, "#7c2d12"
	nav := func(class, path string) {
		t.Helper()
		b.at(b.follow("nav.console-nav a."+class), path)
	}

	// Signed in by the link, home lists the event; its link opens it.
	b.at(b.open("/login/link/"+link), "/")
	b.at(b.follow(`a.event-link`), slug+"/dashboard")

	// The catalogue: a rain jacket in three sizes, then its photo.
	nav("nav-catalogue", slug+"/catalogue")
	b.typeInto(`form.new-product input[name="name.en"]`, "Rain jacket")
	b.typeInto(`form.new-product input[name="price"]`, "45")
	b.typeInto(`form.new-product textarea[name="variants"]`, "S = 10\nM = 10\nL = 10")
	b.at(b.follow(`form.new-product button[type="submit"]`), slug+"/catalogue")
	product := eval[string](b, `[...document.querySelectorAll('section.catalogue-product')]
		.find(s => s.querySelector('h2').textContent.includes('Rain jacket'))?.dataset.product ?? ''`)
	if product == "" {
		t.Fatalf("no Rain jacket in the catalogue: %q", b.text("main"))
	}
	section := `section.catalogue-product[data-product="` + product + `"]`
	if got := eval[[]string](b, `[...document.querySelectorAll('`+section+` table.variants tbody th[scope=row]')].map(th => th.textContent.trim())`); !slices.Equal(got, []string{"S", "M", "L"}) {
		t.Errorf("the jacket's sizes: %q, want S, M and L", got)
	}
	b.click(section + " details.edit-product summary")
	if err := chromedp.Do(b.ctx, chromedp.SetUploadFiles(chromedp.CSS(section+` form.product-image input[type="file"]`), []string{photo})); err != nil {
		t.Fatal(err)
	}
	b.at(b.follow(section+` form.product-image button[type="submit"]:not([name="remove"])`), slug+"/catalogue")
	if !eval[bool](b, `document.querySelector('`+section+` img.product-thumb')?.naturalWidth > 0`) {
		t.Fatalf("no thumbnail of the photo: %q", b.text(section))
	}

	// The branding: a new primary colour typed as a hex value, its
	// contrast verdict shown, saved; the preview beside the editor shows it.
	nav("nav-branding", slug+"/branding")
	const hex, picker, verdict = `#color_primary_hex`, `input[type="color"][name="color_primary"]`, `#color_primary-verdict`
	before := b.text(verdict)
	b.retype(hex, newPrimary)
	if got := b.value(picker); got != newPrimary {
		t.Errorf("the picker shows %q after typing %s", got, newPrimary)
	}
	if got := b.text(verdict); got == before {
		t.Errorf("the contrast verdict stayed %q after typing %s", got, newPrimary)
	}
	b.at(b.follow(`form.branding-form .action-bar button[type="submit"]:not([formaction])`), slug+"/branding")
	if got := b.value(hex); got != newPrimary {
		t.Errorf("the saved draft's primary colour reads %q, want %s", got, newPrimary)
	}
	if got := b.text(verdict); !strings.Contains(got, ":1") {
		t.Errorf("the primary colour's contrast verdict %q, want a ratio", got)
	}
	if !eval[bool](b, `(() => {
		const f = document.querySelector('form.branding-form').getBoundingClientRect(), p = document.querySelector('.editor-preview').getBoundingClientRect();
		return p.left >= f.right - 1 && p.top < f.bottom && p.width >= 300 && p.top < innerHeight;
	})()`) {
		t.Error("the preview is not beside the editor at 1366 px")
	}
	framed := `(() => { const d = document.querySelector('.preview-frame').contentDocument; return d && d.readyState === 'complete' &&
		getComputedStyle(d.documentElement).getPropertyValue('--primary').trim() + ' ' + d.querySelector('ul.products .name')?.textContent.trim(); })()`
	var shown string
	for deadline := time.Now().Add(5 * time.Second); shown != newPrimary+" Rain jacket"; time.Sleep(50 * time.Millisecond) {
		if shown = fmt.Sprint(eval[any](b, framed)); time.Now().After(deadline) {
			t.Fatalf("the preview shows %q, want the jacket in %s", shown, newPrimary)
		}
	}

	// Published, the shop shows the colour and the jacket with its photo.
	b.at(b.follow(`form.branding-form button.publish-button`), slug+"/branding/history")
	res := b.follow(`nav.console-nav a.view-shop`)
	if loc := b.location(); res.Status != 200 || loc.Host != ev.Slug+".localhost:"+port || loc.Path != "/" {
		t.Fatalf("the shop's link led to %d at %s", res.Status, loc)
	}
	if got := b.primary(); got != newPrimary {
		t.Errorf("the shop's primary colour %q, want %s", got, newPrimary)
	}
	card := `ul.products a[href="/products/` + product + `"]`
	if got := b.text(card + " .name"); got != "Rain jacket" {
		t.Errorf("the jacket's card reads %q", got)
	}
	eval[any](b, `document.querySelector('`+card+` img').scrollIntoView()`)
	waitFor(t, 5*time.Second, func() bool {
		return eval[bool](b, `(i => i.complete && i.naturalWidth === 64 && i.src.includes('/media/') && !i.classList.contains('placeholder'))(document.querySelector('`+card+` img'))`)
	})
}

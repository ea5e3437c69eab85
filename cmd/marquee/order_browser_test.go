package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"marquee/tenant/web/browsertest"
)

// The order form as an attendee on a phone uses it: sizes tapped, the
// order bar in view, the error summary taking the focus.

func TestBrowserOrderTapASize(t *testing.T) {
	exe := chromiumPath(t)
	s := startServer(t, defaultConfig())
	sh := newShop(t, s, "devcon")
	b := newBrowser(t, exe, s, sh.host)
	resize(t, b, [2]int{390, 844})
	b.open("/order")
	if in, err := browsertest.InFirstViewport(b.ctx, "#place-order"); err != nil || !in {
		t.Fatalf("the order button is not in view on a phone (%v)", err)
	}
	b.click(`input[name="line.0.variant"][value="` + sh.shirt.Variants[1].ID.String() + `"]`) // tap M
	if got := strings.Join(strings.Fields(b.text("#summary-lines")), " "); got != "1 × T-Shirt (M) "+german(t, "catalogue.free") {
		t.Errorf("running summary %q", got)
	}
	b.click("#line-1 .stepper button:last-child") // a hoodie (one size) with +, then taken away with −
	if got := strings.Join(strings.Fields(b.text("#order-total")), " "); got != "35,00 €" {
		t.Errorf("total with a hoodie %q", got)
	}
	b.click("#line-1 .stepper button:first-child")
	b.typeInto(`input[name="name"]`, "Ada Lovelace")
	b.typeInto(`input[name="email"]`, "ada@example.com")
	b.click(`input[name="consent"]`)
	res := b.follow("#place-order")
	if res.Status != http.StatusOK || !strings.HasPrefix(b.location().Path, "/orders/") {
		t.Fatalf("after the order button: %d at %s", res.Status, res.URL)
	}
	if got := b.text("table.items tbody"); b.count("table.items tbody tr") != 1 || !strings.Contains(got, "T-Shirt") || !strings.Contains(got, "M") {
		t.Errorf("ordered %q, want one T-shirt in M", got)
	}
	if got := strings.Fields(b.text("table.items tbody tr"))[2]; got != "1" {
		t.Errorf("quantity %q, want 1", got)
	}
}

func TestBrowserOrderErrorFocus(t *testing.T) {
	exe := chromiumPath(t)
	s := startServer(t, defaultConfig())
	sh := newShop(t, s, "devcon")
	b := newBrowser(t, exe, s, sh.host)
	b.open("/order")
	if res := b.follow("#place-order"); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty order: %d, want 422", res.Status)
	}
	if got := eval[string](b, "document.activeElement.id"); got != "problems" {
		t.Fatalf("focus on %q, want the error summary", got)
	}
	if got, want := b.text("#problems h2"), german(t, "order.problems"); got != want {
		t.Errorf("summary title %q, want %q", got, want)
	}
	b.click("#problems li:first-child a")
	focused := eval[string](b, `document.activeElement.name + " " + document.activeElement.closest("[aria-invalid=true]").id`)
	if focused != "line.0.variant lines" {
		t.Errorf("the first link focused %q, want the first size of the products marked invalid", focused)
	}
}

func TestBrowserOrderNoScript(t *testing.T) {
	exe := chromiumPath(t)
	s := startServer(t, defaultConfig())
	sh := newShop(t, s, "devcon")
	b := newBrowser(t, exe, s, sh.host)
	scripts := func(off bool) {
		if err := chromedp.Do(b.ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
			return chromedp.Void{}, err
		}); err != nil {
			t.Fatal(err)
		}
	}
	scripts(true)
	resize(t, b, [2]int{390, 844})
	b.open("/order")
	if got, want := b.text("#place-order"), german(t, "order.review"); got != want {
		t.Errorf("without a script the button says %q, want %q", got, want)
	}
	b.click(`input[name="line.0.variant"][value="` + sh.shirt.Variants[1].ID.String() + `"]`)
	b.typeInto(`input[name="name"]`, "Ada Lovelace")
	b.typeInto(`input[name="email"]`, "ada@example.com")
	b.click(`input[name="consent"]`)
	if res := b.follow("#place-order"); res.Status != http.StatusOK || b.text("h1") != german(t, "review.title") {
		t.Fatalf("review: %d, %q", res.Status, b.text("h1"))
	}
	if got := b.text("#review-total"); got != german(t, "catalogue.free") || sh.orders() != 0 {
		t.Fatalf("review total %q, %d orders", got, sh.orders())
	}
	scripts(false) // for axe; the review page has no script of its own
	for _, size := range [][2]int{{390, 844}, {1366, 900}} {
		resize(t, b, size)
		if in, err := browsertest.InFirstViewport(b.ctx, "#place-order"); err != nil || !in {
			t.Errorf("%v: Place order is not in view (%v)", size, err)
		}
		browsertest.CheckOverflow(t, b.ctx, "the review page")
		browsertest.CheckAxe(t, b.ctx, "the review page")
	}
	if res := b.follow("#place-order"); res.Status != http.StatusOK || !strings.HasPrefix(b.location().Path, "/orders/") || sh.orders() != 1 {
		t.Fatalf("placing from the review: %d at %s, %d orders", res.Status, res.URL, sh.orders())
	}
}

package main

import (
	"net/http"
	"strings"
	"testing"

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

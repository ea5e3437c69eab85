package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant/web/webtest"
)

// TestTheWaitingListForm: a sold-out size links to the form; a bad email,
// language or quantity re-renders it with the message by its input (422)
// and writes nothing; a good one says the place in line; the same address
// again is a 409 on the email; another event's option is not found; the
// leave link asks first and then leaves.
func TestTheWaitingListForm(t *testing.T) {
	s := newStorefrontApp(t)
	ev, other := s.event("devcon", "en", "de"), s.event("other", "en")
	zero, five := 0, 5
	hoodie := s.product(ev, storefront.Product{Name: storefront.Text{"en": "Hoodie"}, Variants: []storefront.Variant{
		{Label: storefront.Text{"en": "S"}, Stock: &five}, {Label: storefront.Text{"en": "XL"}, Stock: &zero, Position: 1}}})
	theirs := s.product(other, storefront.Product{Name: storefront.Text{"en": "Cap"}, Variants: []storefront.Variant{{Label: storefront.Text{"en": "One"}, Stock: &zero}}})
	xl, small := hoodie.Variants[1].ID.String(), hoodie.Variants[0].ID.String()
	v := s.visitor("devcon." + testBase)

	product := v.get("/products/" + hoodie.ID.String())
	if href, _ := product.doc.Find("ul.waitlist-links a").Attr("href"); href != "/waitlist?variant="+xl || product.doc.Find("ul.waitlist-links a").Length() != 1 {
		t.Fatalf("the product page's waiting list link %q (%d links)", href, product.doc.Find("ul.waitlist-links a").Length())
	}
	formPage := v.get("/waitlist?variant=" + xl)
	if formPage.status != http.StatusOK || !strings.Contains(formPage.text("h1"), "Hoodie (XL)") || !strings.Contains(formPage.text("section.waitlist"), "24 hours") {
		t.Fatalf("form: %d %q", formPage.status, formPage.text("h1"))
	}
	hidden := webtest.FormValues(formPage.doc, "form.waitlist-form input[type=hidden]")
	submit := func(email, lang, qty, variant string) *page {
		vals := url.Values{"csrf": {hidden.Get("csrf")}, "variant": {variant}, "email": {email}, "language": {lang}, "quantity": {qty}}
		return v.post("/waitlist", vals)
	}
	bad := submit("not an address", "xx", "0", xl)
	if bad.status != http.StatusUnprocessableEntity || bad.text("#email-error") == "" || bad.text("#language-error") == "" || bad.text("#quantity-error") == "" {
		t.Fatalf("bad input: %d, errors %q %q %q", bad.status, bad.text("#email-error"), bad.text("#language-error"), bad.text("#quantity-error"))
	}
	if got := bad.doc.Find("input#email").AttrOr("value", ""); got != "not an address" {
		t.Errorf("the email was not kept: %q", got)
	}
	if r := submit("ada@example.com", "en", "1", small); r.status != http.StatusConflict || !strings.Contains(r.text("#quantity-error"), "available") {
		t.Fatalf("an option in stock: %d %q", r.status, r.text("#quantity-error"))
	}
	if r := submit("ada@example.com", "en", "1", theirs.Variants[0].ID.String()); r.status != http.StatusBadRequest {
		t.Fatalf("another event's option: %d", r.status)
	}
	if r := v.get("/waitlist?variant=" + theirs.Variants[0].ID.String()); r.status != http.StatusNotFound {
		t.Fatalf("another event's option's form: %d", r.status)
	}
	if n := dbtest.CountIn(t, s.db, ev.ID, "SELECT count(*) FROM waitlist_entries"); n != 0 {
		t.Fatalf("%d entries after refused input, want 0", n)
	}

	joined := submit("Ada@Example.com", "de", "2", xl)
	if joined.status != http.StatusOK || !strings.Contains(joined.text(".waitlist-joined"), "number 1 in line") {
		t.Fatalf("joined: %d %q", joined.status, joined.text(".waitlist-joined"))
	}
	if r := submit("ada@example.com", "en", "1", xl); r.status != http.StatusConflict || r.text("#email-error") == "" {
		t.Fatalf("the same address again: %d %q", r.status, r.text("#email-error"))
	}
	var token, locale string
	var qty int
	if err := s.db.InTenant(context.Background(), ev.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT leave_token, locale, quantity FROM waitlist_entries").Scan(&token, &locale, &qty)
	}); err != nil {
		t.Fatal(err)
	}
	if locale != "de" || qty != 2 {
		t.Fatalf("entry locale %q quantity %d", locale, qty)
	}
	if r := s.visitor("other." + testBase).get("/waitlist/leave?token=" + token); r.status != http.StatusNotFound {
		t.Fatalf("the leave link on another event: %d", r.status)
	}
	ask := v.get("/waitlist/leave?token=" + token)
	if ask.status != http.StatusOK || ask.doc.Find("#confirm-leave").Length() != 1 || dbtest.CountIn(t, s.db, ev.ID, "SELECT count(*) FROM waitlist_entries WHERE state = 'waiting'") != 1 {
		t.Fatalf("leave page: %d", ask.status)
	}
	left := v.post("/waitlist/leave", url.Values{"csrf": {hidden.Get("csrf")}, "token": {token}})
	if left.status != http.StatusOK || !strings.Contains(left.text(".waitlist-left"), "Hoodie (XL)") {
		t.Fatalf("left: %d %q", left.status, left.text(".waitlist-left"))
	}
	if n := dbtest.CountIn(t, s.db, ev.ID, "SELECT count(*) FROM waitlist_entries WHERE state = 'left'"); n != 1 {
		t.Fatalf("%d entries left, want 1", n)
	}
}

// TestAnOffersLinkOrdersTheHeldUnit: the offer's link opens the order form
// with the held size chosen (not struck out, though the shop shows it sold
// out), and sending it places the order through the offer; the link used
// again, or on another event, is a 409.
func TestAnOffersLinkOrdersTheHeldUnit(t *testing.T) {
	s := newStorefrontApp(t)
	ctx := context.Background()
	ev := s.event("devcon", "en")
	s.event("other", "en")
	zero := 0
	hoodie := s.product(ev, storefront.Product{Name: storefront.Text{"en": "Hoodie"}, PriceMinor: 0, Variants: []storefront.Variant{
		{Label: storefront.Text{"en": "S"}, Stock: &zero}, {Label: storefront.Text{"en": "XL"}, Stock: &zero, Position: 1}}})
	xl := hoodie.Variants[1].ID
	if _, err := s.db.JoinWaitlist(ctx, ev.ID, xl, "ada@example.com", "en", 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.AdjustStock(ctx, ev.ID, xl, 1, "restock", "staff:test"); err != nil {
		t.Fatal(err)
	}
	offers, err := s.db.OfferReturnedStock(ctx, ev.ID, xl, nil)
	if err != nil || len(offers) != 1 {
		t.Fatalf("offers %v %v", offers, err)
	}
	s.changed(ev.ID)
	v := s.visitor("devcon." + testBase)
	if r := s.visitor("other." + testBase).get("/order?offer=" + offers[0].Token); r.status != http.StatusConflict {
		t.Fatalf("the offer on another event: %d", r.status)
	}
	f := v.get("/order?offer=" + offers[0].Token)
	checked := f.doc.Find(`input[name="line.0.variant"][checked]`)
	if f.status != http.StatusOK || checked.AttrOr("value", "") != xl.String() || checked.Is("[disabled]") {
		t.Fatalf("offer form: %d, checked %q", f.status, checked.AttrOr("value", ""))
	}
	vals := webtest.FormValues(f.doc, "form.order-form input[type=hidden]")
	if vals.Get("offer") != offers[0].Token {
		t.Fatalf("the form does not carry the offer: %v", vals)
	}
	vals.Set("name", "Ada")
	vals.Set("email", "ada@example.com")
	vals.Set("line.0.variant", xl.String())
	vals.Set("line.0.quantity", "1")
	placed := v.post("/order", vals)
	if placed.status != http.StatusSeeOther {
		t.Fatalf("ordering through the offer: %d %s", placed.status, placed.text(".problems"))
	}
	if n := dbtest.CountIn(t, s.db, ev.ID, "SELECT count(*) FROM waitlist_offers WHERE state = 'ordered' AND order_id IS NOT NULL"); n != 1 {
		t.Fatalf("%d offers ordered, want 1", n)
	}
	if r := v.get("/order?offer=" + offers[0].Token); r.status != http.StatusConflict {
		t.Fatalf("the used offer's link: %d", r.status)
	}
}

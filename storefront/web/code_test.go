package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant/web/webtest"
)

// codeShop is the order tests' shop with a speaker shirt only a code
// unlocks and a few codes.
func codeShop(t *testing.T, s *storefrontApp, slug string) (*shop, storefront.Product) {
	t.Helper()
	sh := newShop(t, s, slug)
	speaker := s.product(sh.ev, storefront.Product{Name: storefront.Text{"en": "Speaker shirt"}, Position: 9, CodeOnly: true})
	one := 1
	for _, v := range []storefront.Voucher{
		{Code: "SPEAKER", Kind: storefront.VoucherUnlock, ProductIDs: []uuid.UUID{speaker.ID}},
		{Code: "HALF", Kind: storefront.VoucherPercent, Percent: 50, ProductIDs: []uuid.UUID{sh.hoodie.ID}},
		{Code: "ONCE", Kind: storefront.VoucherAmount, AmountMinor: 100, MaxUses: &one},
	} {
		if _, err := s.db.CreateVoucher(context.Background(), sh.ev.ID, v); err != nil {
			t.Fatal(err)
		}
	}
	s.changed(sh.ev.ID)
	return sh, speaker
}

func TestVoucherCodesOnTheShop(t *testing.T) {
	s := newStorefrontApp(t)
	sh, speaker := codeShop(t, s, "codes")
	other := newShop(t, s, "codes-other")
	if _, err := s.db.CreateVoucher(context.Background(), other.ev.ID, storefront.Voucher{Code: "ELSEWHERE", Kind: storefront.VoucherUnlock}); err != nil {
		t.Fatal(err)
	}

	t.Run("without a code the product only with a code is nowhere", func(t *testing.T) {
		if r := sh.visitor.get("/"); strings.Contains(r.text("ul.products"), "Speaker shirt") || r.doc.Find("form#code-form input#code").Length() != 1 {
			t.Fatalf("landing: products %q, code form %d", r.text("ul.products"), r.doc.Find("form#code-form").Length())
		}
		if r := sh.visitor.get("/products/" + speaker.ID.String()); r.status != http.StatusNotFound {
			t.Fatalf("its product page: %d, want 404", r.status)
		}
		if r := sh.visitor.get("/order"); r.doc.Find("fieldset.line").Length() != 3 {
			t.Fatalf("order form: %d lines, want 3", r.doc.Find("fieldset.line").Length())
		}
		form := sh.validOrder()
		form.Set("line.3.product", speaker.ID.String())
		form.Set("line.3.quantity", "1")
		// The form's lines are the products it shows: a fourth is not read.
		sh.post("/order", form)
		if n := dbtest.CountIn(t, s.db, sh.ev.ID, "SELECT count(*) FROM order_items WHERE product_id = '"+speaker.ID.String()+"'"); n != 0 {
			t.Fatalf("ordering it by its id made %d lines of it", n)
		}
	})

	for name, code := range map[string]string{"an unknown code": "NOPE", "another event's code": "ELSEWHERE", "a malformed code": "<b>x</b>"} {
		t.Run(name+" is refused on its field", func(t *testing.T) {
			v := s.visitor(sh.visitor.host)
			r := v.get("/?code=" + url.QueryEscape(code))
			if r.status != http.StatusUnprocessableEntity || r.text("#code-error") != message(t, "en", storefront.MsgVoucherUnknown) || v.cookies[codeCookie] != "" {
				t.Fatalf("status %d, error %q, cookie %q", r.status, r.text("#code-error"), v.cookies[codeCookie])
			}
			if got, _ := r.doc.Find("input#code").Attr("value"); got != code {
				t.Fatalf("the code typed is not shown again: %q", got)
			}
			if r := v.get("/order?code=" + url.QueryEscape(code)); r.status != http.StatusUnprocessableEntity || r.text("#code-error") == "" {
				t.Fatalf("on the order form: %d %q", r.status, r.text("#code-error"))
			}
		})
	}

	t.Run("a link with the code unlocks the speaker shirt across pages", func(t *testing.T) {
		v := s.visitor(sh.visitor.host)
		r := v.get("/?code=speaker")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" || v.cookies[codeCookie] != "SPEAKER" {
			t.Fatalf("status %d to %q, cookie %q", r.status, r.header.Get("Location"), v.cookies[codeCookie])
		}
		r = v.get("/")
		if !strings.Contains(r.text("ul.products"), "Speaker shirt") || r.text("#code-active") != message(t, "en", "voucher.active", "Code", "SPEAKER") ||
			r.text("#code-gives li") != message(t, "en", "voucher.unlocked", "Item", "Speaker shirt") || r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("landing with the code: products %q, active %q, gives %q, %q", r.text("ul.products"), r.text("#code-active"), r.text("#code-gives li"), r.header.Get("Cache-Control"))
		}
		if r := v.get("/products/" + speaker.ID.String()); r.status != http.StatusOK {
			t.Fatalf("its product page: %d", r.status)
		}
		if r := sh.visitor.get("/"); strings.Contains(r.text("ul.products"), "Speaker shirt") {
			t.Fatal("the cached landing page of everyone else shows it now")
		}
		form := webtest.FormValues(v.get("/order").doc, "form.order-form input[type=hidden]")
		if form.Get("voucher") != "SPEAKER" || form.Get("line.3.product") != speaker.ID.String() {
			t.Fatalf("order form's hidden values %v", form)
		}
		form.Set("line.3.quantity", "1")
		form.Set("name", "Sam Speaker")
		form.Set("email", "sam@example.com")
		form.Set("consent", "on")
		form.Set("action", "place")
		if r := v.post("/order", form); r.status != http.StatusSeeOther {
			t.Fatalf("placing: %d %s", r.status, r.text(".problems"))
		}
		if n := dbtest.CountIn(t, s.db, sh.ev.ID, "SELECT count(*) FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.voucher_code = 'SPEAKER' AND i.product_id = '"+speaker.ID.String()+"'"); n != 1 {
			t.Fatalf("%d orders of the speaker shirt with the code", n)
		}
	})

	t.Run("a discount is on the order's status page", func(t *testing.T) {
		v := s.visitor(sh.visitor.host)
		v.get("/order?code=half")
		r := v.get("/order")
		if !strings.Contains(r.text("#code-gives"), "50 %") {
			t.Fatalf("what the code gives: %q", r.text("#code-gives"))
		}
		form := dbtest.Shop{Shirt: sh.shirt, Hoodie: sh.hoodie, Socks: sh.socks}.ValidOrder(webtest.FormValues(r.doc, "form.order-form input[type=hidden]"))
		form.Set("email", "half@example.com")
		// The review page prices it: half of the hoodie's 35.00 (dbtest.NewShop).
		review := v.post("/order", with(form, "action", "review"))
		if review.status != http.StatusOK || review.text("#review-discount") != "−€17.50" || review.text("#review-total") != "€17.50" {
			t.Fatalf("review: %d, discount %q, total %q", review.status, review.text("#review-discount"), review.text("#review-total"))
		}
		r = v.post("/order", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("placing: %d %s", r.status, r.text(".problems"))
		}
		status := v.get(r.header.Get("Location"))
		if status.text("#discount") == "" || !strings.Contains(status.text("tfoot"), "HALF") {
			t.Fatalf("status page: discount %q, foot %q", status.text("#discount"), status.text("tfoot"))
		}
	})

	t.Run("a code used up meanwhile is said on the form, nothing written", func(t *testing.T) {
		first, second := s.visitor(sh.visitor.host), s.visitor(sh.visitor.host)
		var forms []url.Values
		for i, v := range []*visitor{first, second} {
			v.get("/?code=once")
			form := dbtest.Shop{Shirt: sh.shirt, Hoodie: sh.hoodie, Socks: sh.socks}.ValidOrder(
				webtest.FormValues(v.get("/order").doc, "form.order-form input[type=hidden]"))
			form.Set("email", []string{"first@example.com", "second@example.com"}[i])
			forms = append(forms, form)
		}
		before := sh.orders()
		if r := first.post("/order", forms[0]); r.status != http.StatusSeeOther {
			t.Fatalf("first: %d %s", r.status, r.text(".problems"))
		}
		r := second.post("/order", forms[1])
		if r.status/100 != 4 || r.text("#code-error") != message(t, "en", storefront.MsgVoucherUsedUp) || sh.orders() != before+1 {
			t.Fatalf("second: %d, error %q, orders %d (before %d)", r.status, r.text("#code-error"), sh.orders(), before)
		}
	})

	t.Run("removing the code hides the shirt again", func(t *testing.T) {
		v := s.visitor(sh.visitor.host)
		v.get("/?code=SPEAKER")
		r := v.get("/")
		csrf, _ := r.doc.Find("form.code-remove input[name=csrf]").Attr("value")
		if r := v.post("/code/remove", url.Values{"csrf": {csrf}, "back": {"https://evil.example/"}}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Fatalf("remove: %d to %q", r.status, r.header.Get("Location"))
		}
		if r := v.get("/"); strings.Contains(r.text("ul.products"), "Speaker shirt") {
			t.Fatal("still shown after removing the code")
		}
		if r := v.post("/code/remove", url.Values{"back": {"/"}}); r.status != http.StatusForbidden {
			t.Fatalf("remove without the token: %d, want 403", r.status)
		}
	})
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"marquee/storefront"
)

// asBrowser is what a browser without scripts posts from a form as it was
// drawn: hidden inputs, the values of text and number inputs, the checked
// boxes and radios, the selected options, and the button pressed.
func asBrowser(p *page, formSel, button string) url.Values {
	v := url.Values{}
	f := p.doc.Find(formSel)
	f.Find("input[name]").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		value, _ := in.Attr("value")
		switch typ, _ := in.Attr("type"); typ {
		case "checkbox", "radio":
			if _, checked := in.Attr("checked"); checked {
				v.Add(name, value)
			}
		default:
			v.Add(name, value)
		}
	})
	f.Find("select[name]").Each(func(_ int, sel *goquery.Selection) {
		name, _ := sel.Attr("name")
		value, _ := sel.Find("option[selected]").Attr("value")
		v.Add(name, value)
	})
	v.Set("action", button)
	return v
}

func TestOrderFormSizesAndQuantity(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "sizes")
	form := sh.do(http.MethodGet, "/order", "", "")

	t.Run("sizes are buttons, a sold-out size cannot be chosen", func(t *testing.T) {
		if n := form.doc.Find(`fieldset#line-0 input[type=radio][name="line.0.variant"]`).Length(); n != 3 {
			t.Fatalf("%d size buttons for the T-shirt, want 3", n)
		}
		if form.doc.Find(`select[name="line.0.variant"]`).Length() != 0 {
			t.Error("the sizes are still a select")
		}
		if _, disabled := form.doc.Find(`input[value="` + sh.shirt.Variants[2].ID.String() + `"]`).Attr("disabled"); !disabled {
			t.Error("the sold-out XL can be chosen")
		}
	})
	t.Run("the quantity starts at 1 for a size, at 0 for a product without sizes", func(t *testing.T) {
		for name, want := range map[string]string{"line.0.quantity": "1", "line.1.quantity": "0"} {
			if got, _ := form.doc.Find(`input[name="` + name + `"]`).Attr("value"); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
	})
	t.Run("choosing a size and placing the order orders one", func(t *testing.T) {
		v := asBrowser(form, "form.order-form", "place")
		v.Set("line.0.variant", sh.shirt.Variants[1].ID.String())
		v.Set("item.0.print_name", "ADA")
		v.Set("name", "Ada Lovelace")
		v.Set("email", "ada@example.com")
		v.Set("consent", "on")
		r := sh.post("/order", v)
		if r.status != http.StatusSeeOther {
			t.Fatalf("status %d: %s", r.status, r.text("#problems"))
		}
		status := sh.do(http.MethodGet, r.header.Get("Location"), "", "")
		rows := status.doc.Find("table.items tbody tr")
		if rows.Length() != 1 || !strings.Contains(rows.Text(), "T-shirt") || strings.TrimSpace(rows.Find("td").Eq(1).Text()) != "M" ||
			strings.TrimSpace(rows.Find("td").Eq(2).Text()) != "1" {
			t.Fatalf("ordered %q, want one T-shirt in M and nothing else", rows.Text())
		}
		if stock, _ := s.db.VariantStock(context.Background(), sh.ev.ID, sh.shirt.Variants[1].ID); *stock != 4 {
			t.Errorf("stock of M %d, want 4", *stock)
		}
	})
	t.Run("a product whose size was not chosen is not ordered, nor an error", func(t *testing.T) {
		v := asBrowser(form, "form.order-form", "place")
		v.Set("line.1.quantity", "2")
		v.Set("name", "Grace Hopper")
		v.Set("email", "grace@example.com")
		v.Set("consent", "on")
		v.Set("idempotency_key", "7f0c4c52-8d8c-4f43-9d0e-0c6f3a3b9a11")
		r := sh.post("/order", v)
		if r.status != http.StatusSeeOther {
			t.Fatalf("status %d: %s", r.status, r.text("#problems"))
		}
		rows := sh.do(http.MethodGet, r.header.Get("Location"), "", "").doc.Find("table.items tbody tr")
		if rows.Length() != 1 || !strings.Contains(rows.Text(), "Hoodie") {
			t.Fatalf("ordered %q, want the hoodies only", rows.Text())
		}
	})
}

func TestOrderFormErrorSummary(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "summary")

	t.Run("an empty form: every problem in the form's order, named and linked", func(t *testing.T) {
		r := sh.post("/order", asBrowser(sh.do(http.MethodGet, "/order", "", ""), "form.order-form", "review"))
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", r.status)
		}
		summary := r.doc.Find(`#problems[tabindex="-1"][autofocus][role=alert]`)
		if summary.Length() != 1 || strings.TrimSpace(summary.Find("h2").Text()) != "There is a problem" {
			t.Fatalf("no focusable summary titled There is a problem: %q", summary.Find("h2").Text())
		}
		if !strings.HasPrefix(r.text("title"), "Error: ") {
			t.Errorf("title %q does not start with Error:", r.text("title"))
		}
		want := []struct{ text, href string }{
			{"Choose at least one item. Tap a size or set a quantity.", "#line.0.variant"},
			{"Your name: Please fill in this field.", "#name"},
			{"Email address: Please fill in this field.", "#email"},
			{"I agree to the terms: Please tick this box to continue.", "#consent"},
		}
		links := summary.Find("li a")
		if links.Length() != len(want) {
			t.Fatalf("%d problems, want %d: %q", links.Length(), len(want), summary.Text())
		}
		for i, w := range want {
			a := links.Eq(i)
			href, _ := a.Attr("href")
			if strings.TrimSpace(a.Text()) != w.text || href != w.href {
				t.Errorf("problem %d: %q → %s, want %q → %s", i, a.Text(), href, w.text, w.href)
			}
			if r.doc.Find(`[id="`+strings.TrimPrefix(href, "#")+`"]`).Is("input") == false {
				t.Errorf("problem %d links to %s, which is no input", i, href)
			}
		}
		lines := r.doc.Find(`fieldset#lines[aria-invalid="true"][aria-describedby="lines-error"]`)
		if lines.Length() != 1 || strings.TrimSpace(lines.Find("#lines-error").Text()) != want[0].text {
			t.Error("the products' fieldset is not marked with its problem")
		}
		for _, name := range []string{"name", "email", "consent"} {
			in := r.doc.Find(`input[name="` + name + `"][aria-invalid="true"]`)
			ids, _ := in.Attr("aria-describedby")
			if in.Length() != 1 || !strings.Contains(ids, name+"-error") || r.doc.Find(`[id="`+name+`-error"]`).Length() != 1 {
				t.Errorf("%s is not marked invalid and tied to its message (%q)", name, ids)
			}
		}
	})
	t.Run("the order is the form's, not the alphabet's", func(t *testing.T) {
		v := sh.validOrder()
		v.Set("line.1.quantity", "lots")
		v.Del("email")
		r := sh.post("/order", v)
		texts := r.doc.Find("#problems li").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
		if len(texts) != 2 || texts[0] != "Hoodie · Quantity: Enter a quantity between 0 and 20." || texts[1] != "Email address: Please fill in this field." {
			t.Fatalf("problems %q", texts)
		}
	})
	t.Run("a problem with a product marks its line and links to its sizes", func(t *testing.T) {
		v := sh.validOrder()
		v.Set("line.0.variant", sh.shirt.Variants[2].ID.String()) // sold out
		r := sh.post("/order", v)
		a := r.doc.Find("#problems li a").First()
		if href, _ := a.Attr("href"); r.status != http.StatusConflict || href != "#line.0.variant" || a.Text() != "T-shirt: Sorry, this item is sold out." {
			t.Fatalf("%d: %q → %s", r.status, a.Text(), href)
		}
		if r.doc.Find(`fieldset#line-0[aria-invalid="true"][aria-describedby="line.0.product-error"]`).Length() != 1 {
			t.Error("the T-shirt's line is not marked")
		}
	})
}

func TestOrderReview(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "review")

	form := sh.do(http.MethodGet, "/order", "", "")
	if v, _ := form.doc.Find("form.order-form button.primary").Attr("value"); v != "review" {
		t.Fatalf("without a script the primary button %q, want review: there is no running total", v)
	}
	v := sh.validOrder()
	v.Set("action", "review")
	review := sh.post("/order", v)
	if review.status != http.StatusOK || sh.orders() != 0 {
		t.Fatalf("review: %d, %d orders", review.status, sh.orders())
	}
	t.Run("shows the lines, the total and the attendee's details", func(t *testing.T) {
		if got := review.text("#review-total"); got != "€35.00" {
			t.Errorf("total %q", got)
		}
		rows := review.doc.Find("table.items tbody tr")
		if rows.Length() != 2 || !strings.Contains(rows.Eq(0).Text(), "T-shirt (M)") || !strings.Contains(rows.Eq(0).Text(), "Name to print: ADA") || !strings.Contains(rows.Eq(1).Text(), "Hoodie") {
			t.Errorf("lines %q", rows.Text())
		}
		if review.text("#review-name") != "Ada Lovelace" || review.text("#review-email") != "ada@example.com" {
			t.Errorf("details %q %q", review.text("#review-name"), review.text("#review-email"))
		}
	})
	t.Run("change goes back to the form with every value kept", func(t *testing.T) {
		r := sh.post("/order", asBrowser(review, "form.review-form", "change"))
		if r.status != http.StatusOK || sh.orders() != 0 {
			t.Fatalf("change: %d, %d orders", r.status, sh.orders())
		}
		if got, _ := r.doc.Find(`input[name="name"]`).Attr("value"); got != "Ada Lovelace" {
			t.Errorf("name %q", got)
		}
		if _, checked := r.doc.Find(`input[value="` + sh.shirt.Variants[1].ID.String() + `"]`).Attr("checked"); !checked {
			t.Error("size M no longer chosen")
		}
	})
	t.Run("place order places it once", func(t *testing.T) {
		place := asBrowser(review, "form.review-form", "place")
		r := sh.post("/order", place)
		if r.status != http.StatusSeeOther || sh.orders() != 1 {
			t.Fatalf("place: %d, %d orders", r.status, sh.orders())
		}
		if again := sh.post("/order", place); again.header.Get("Location") != r.header.Get("Location") || sh.orders() != 1 {
			t.Fatalf("placing twice from the review: %d orders", sh.orders())
		}
	})
	t.Run("a review of a bad form is the form with its problems", func(t *testing.T) {
		bad := sh.validOrder()
		bad.Set("action", "review")
		bad.Del("name")
		if r := sh.post("/order", bad); r.status != http.StatusUnprocessableEntity || r.doc.Find("#problems").Length() != 1 {
			t.Fatalf("status %d", r.status)
		}
	})
}

func TestOrderFormAutocomplete(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "autofill")
	settings := storefront.DefaultSettings()
	settings.Ships, settings.CommonCountries = true, []string{"DE"}
	if err := s.db.SaveSettings(context.Background(), sh.ev.ID, settings); err != nil {
		t.Fatal(err)
	}
	s.changed(sh.ev.ID)
	r := sh.do(http.MethodGet, "/order", "", "")
	for name, want := range map[string]string{
		"name": "name", "email": "email", "address.country_code": "shipping country", "address.name": "shipping name",
		"address.line1": "shipping address-line1", "address.postal_code": "shipping postal-code", "address.locality": "shipping address-level2",
	} {
		if got, _ := r.doc.Find(`[name="` + name + `"]`).Attr("autocomplete"); got != want {
			t.Errorf("%s: autocomplete %q, want %q", name, got, want)
		}
	}
}

package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"marquee/storefront"
)

// TestOrderFormPaymentChoice: with online payments on, a shop that sells
// something priced says how it is paid; where the event lets attendees
// pay at pick-up the form offers the choice, the review repeats it and a
// choice the event does not offer is refused naming the field, nothing
// written. Without online payments the form says nothing and a posted
// choice is ignored (everything priced is paid at pick-up).
func TestOrderFormPaymentChoice(t *testing.T) {
	s := newStorefrontApp(t)
	ctx := context.Background()
	sh := newShop(t, s, "devcon")
	allow := func(pickup, ships bool) {
		t.Helper()
		st, err := s.db.Settings(ctx, sh.ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		st.PayAtPickup, st.Ships = pickup, ships
		if err := s.db.SaveSettings(ctx, sh.ev.ID, st); err != nil {
			t.Fatal(err)
		}
		s.changed(sh.ev.ID)
	}
	choice := func(p *page) []string {
		var values []string
		for _, n := range p.doc.Find(`fieldset#payment input[type=radio][name=payment]`).Nodes {
			for _, a := range n.Attr {
				if a.Key == "value" {
					values = append(values, a.Val)
				}
			}
		}
		return values
	}

	t.Run("without online payments the form says nothing about paying, and a choice is ignored", func(t *testing.T) {
		allow(true, false)
		p := sh.visitor.get("/order")
		if p.doc.Find("#payment, #payment-note").Length() != 0 {
			t.Fatalf("the form speaks of paying: %q", p.text("#payment"))
		}
		before := sh.orders()
		r := sh.post("/order", with(sh.validOrder(), "payment", "online"))
		if r.status != http.StatusSeeOther || sh.orders() != before+1 {
			t.Fatalf("an order with a choice the form did not offer: %d %s", r.status, r.text(".problems"))
		}
	})
	s.handler.OnlinePayments = true
	s.handler.CheckoutOrigin = "https://checkout.stripe.com"
	s.handler.prepareCheckoutPolicy()
	t.Run("the form, its review and the status page may lead to the checkout; the landing page may not", func(t *testing.T) {
		want := "form-action 'self' https://checkout.stripe.com;"
		placed := sh.post("/order", with(sh.validOrder(), "email", "csp@example.com")).header.Get("Location")
		if placed == "" {
			t.Fatal("no order placed")
		}
		for _, path := range []string{"/order", "/order?product=" + sh.hoodie.ID.String(), placed} {
			if csp := sh.visitor.get(path).header.Get("Content-Security-Policy"); !strings.Contains(csp, want) {
				t.Errorf("%s: %q", path, csp)
			}
		}
		review := sh.post("/order", with(sh.validOrder(), "action", "review"))
		if csp := review.header.Get("Content-Security-Policy"); !strings.Contains(csp, want) {
			t.Errorf("review: %q", csp)
		}
		if csp := sh.visitor.get("/").header.Get("Content-Security-Policy"); strings.Contains(csp, "checkout.stripe.com") {
			t.Errorf("landing: %q", csp)
		}
	})
	t.Run("online only: a note, no choice", func(t *testing.T) {
		allow(false, false)
		p := sh.visitor.get("/order")
		if p.text("#payment-note") != message(t, "en", "order.pay_online_note") || len(choice(p)) != 0 {
			t.Fatalf("note %q, choice %v", p.text("#payment-note"), choice(p))
		}
		before := sh.orders()
		r := sh.post("/order", with(sh.validOrder(), "payment", "at_pickup"))
		if r.status != http.StatusUnprocessableEntity || sh.orders() != before {
			t.Fatalf("paying at pick-up where the event does not allow it: %d, %d orders", r.status, sh.orders()-before)
		}
		if r.doc.Find(`.error-summary a[href="#order-form"]`).Text() != message(t, "en", "order.payment_pickup_not_allowed") {
			t.Errorf("summary %q", r.text(".error-summary"))
		}
	})
	t.Run("pay at pick-up allowed: the choice, online first and chosen", func(t *testing.T) {
		allow(true, false)
		p := sh.visitor.get("/order")
		if got := choice(p); len(got) != 2 || got[0] != "online" || got[1] != "at_pickup" {
			t.Fatalf("choice %v", got)
		}
		if p.doc.Find(`#payment-online[checked]`).Length() != 1 || p.doc.Find(`label[for], fieldset#payment legend`).Length() == 0 {
			t.Errorf("online is not chosen: %q", p.text("#payment"))
		}
		review := sh.post("/order", with(with(sh.validOrder(), "payment", "at_pickup"), "action", "review"))
		if review.text("#review-payment") != message(t, "en", "order.pay_at_pickup") {
			t.Errorf("the review says %q", review.text("#review-payment"))
		}
		if v, _ := review.doc.Find(`form.review-form input[name=payment]`).Attr("value"); v != "at_pickup" {
			t.Errorf("the review carries payment %q", v)
		}
	})
	for _, c := range []struct{ name, value string }{{"a made-up choice", "bitcoin"}, {"an empty choice", ""}, {"a NUL", "\x00"}} {
		t.Run(c.name+" is refused naming the field, the form kept, nothing written", func(t *testing.T) {
			before := sh.orders()
			v := sh.validOrder()
			r := sh.post("/order", with(v, "payment", c.value))
			if r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest || sh.orders() != before {
				t.Fatalf("%d, %d orders", r.status, sh.orders()-before)
			}
			if r.status == http.StatusUnprocessableEntity {
				if r.text("#payment-error") != message(t, "en", "order.payment_invalid") || r.doc.Find(`fieldset#payment[aria-invalid="true"]`).Length() != 1 {
					t.Errorf("error %q", r.text("#payment-error"))
				}
				if r.doc.Find(`.error-summary a[href="#payment-online"]`).Length() != 1 {
					t.Errorf("the summary does not lead to the choice: %q", r.text(".error-summary"))
				}
				if got, _ := r.doc.Find(`input[name=email]`).Attr("value"); got != v.Get("email") {
					t.Errorf("the form lost the email: %q", got)
				}
			}
		})
	}
	t.Run("the choice twice is refused", func(t *testing.T) {
		v := sh.validOrder()
		v["payment"] = []string{"online", "at_pickup"}
		if r := sh.post("/order", v); r.status != http.StatusUnprocessableEntity || r.text("#payment-error") == "" {
			t.Fatalf("%d %q", r.status, r.text("#payment-error"))
		}
	})
	t.Run("an event that ships offers no pick-up to pay at", func(t *testing.T) {
		st, _ := s.db.Settings(ctx, sh.ev.ID)
		st.PayAtPickup, st.Ships = false, true
		if err := s.db.SaveSettings(ctx, sh.ev.ID, st); err != nil {
			t.Fatal(err)
		}
		s.changed(sh.ev.ID)
		if p := sh.visitor.get("/order"); len(choice(p)) != 0 || p.doc.Find("#payment-note").Length() != 1 {
			t.Fatalf("choice %v", choice(p))
		}
	})
	t.Run("a shop of free items says nothing about paying", func(t *testing.T) {
		free := s.event("freebies", "en")
		s.product(free, storefront.Product{Name: storefront.Text{"en": "Sticker"}})
		if p := s.visitor("freebies." + testBase).get("/order"); p.doc.Find("#payment, #payment-note").Length() != 0 {
			t.Fatalf("a free shop speaks of paying: %q", p.text("main"))
		}
	})
}

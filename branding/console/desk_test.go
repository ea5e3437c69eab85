package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/notify/mail/smtptest"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// deskMember is a browser signed in as a fulfilment member of ev, with
// its own account (email, name).
func deskMember(t *testing.T, s *testServer, ev *tenant.Tenant, email, name string) (*shop, staff.Staff) {
	t.Helper()
	st := dbtest.Member(t, s.staff, email, name, false, ev, staff.RoleFulfilment)
	b := s.browser()
	if r := signIn(b, email, dbtest.Password); r.status != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", email, r.status)
	}
	return b, st
}

// freeSized adds a free product in S, M and L to ev: nothing to pay, so
// the desk may hand it over.
func freeSized(t *testing.T, s *testServer, ev *tenant.Tenant, name string) storefront.Product {
	t.Helper()
	p, err := s.db.AddProduct(context.Background(), ev.ID, storefront.Product{Name: storefront.Text{"en": name}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "S"}, Position: 1}, {Label: storefront.Text{"en": "M"}, Position: 2},
			{Label: storefront.Text{"en": "L"}, Position: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// collectForm is the card's collect form, as the browser would post it.
func collectForm(t *testing.T, card *response) (string, url.Values) {
	t.Helper()
	form := card.doc.Find("form.desk-collect")
	if form.Length() != 1 {
		t.Fatalf("the card has %d collect forms, want 1:\n%s", form.Length(), card.body)
	}
	v := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, in *goquery.Selection) {
		v.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	return form.AttrOr("action", ""), v
}

// TestThePickupDesk: a scanned token opens its order's card (who, what,
// the name to print), "Collected" hands it over and goes back to the desk
// with the counter moved, the attendee gets one email, and a second scan
// shows "already collected" with when and by whom. Another event's token
// and number find nothing; a search lists matching orders.
func TestThePickupDesk(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.Plain})
	s, ev, _ := withConsoleMember(t, start(t, srv.URL(), 2))
	ctx := context.Background()
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	hoodie := freeSized(t, s, ev, "Hoodie")
	theirs := freeSized(t, s, other, "Hoodie")
	o, err := s.db.PlaceOrder(ctx, ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "ada@example.com", Name: "Ada Lovelace",
		Locale: "en", Lines: []storefront.Line{{ProductID: hoodie.ID, VariantID: hoodie.Variants[1].ID, Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	placeOrderOf(t, s, ev, hoodie, 2, "Grace Hopper")
	theirOrder := placeOrderOf(t, s, other, theirs, 0, "Ada Elsewhere")
	srv.Wait(t, 3, 10*time.Second) // the confirmations
	tokens := storefront.PickupTokens{Key: testSecret}
	ann, annStaff := deskMember(t, s, ev, "ann@example.com", "Ann")
	bob, _ := deskMember(t, s, ev, "bob@example.com", "Bob")

	desk := ann.get("/events/devcon/desk")
	if desk.status != http.StatusOK || desk.doc.Find("form#desk-lookup[method=get][action='/events/devcon/desk/find'] input#desk-q[name=q]").Length() != 1 ||
		desk.doc.Find("#desk-scanner video").Length() != 1 || desk.doc.Find("#desk-scanner button#desk-scan-start").Length() != 1 {
		t.Fatalf("desk page %d without the lookup form or the scanner:\n%s", desk.status, desk.body)
	}
	if got := desk.doc.Find("a.nav-desk").AttrOr("href", ""); got != "/events/devcon/desk" {
		t.Fatalf("navigation's desk link %q", got)
	}
	counts := func(r *response) map[string]string {
		out := map[string]string{}
		r.doc.Find("#desk-counts tr.desk-count").Each(func(_ int, tr *goquery.Selection) {
			out[tr.Find("th").Text()+" "+tr.Find(".option").Text()] = tr.Find(".collected").Text() + "/" + tr.Find(".remaining").Text()
		})
		return out
	}
	if got := counts(desk); got["Hoodie M"] != "0/2" || got["Hoodie L"] != "0/1" || len(got) != 2 {
		t.Fatalf("counter before: %v, want M 0/2 and L 0/1", got)
	}

	scan := func(b *shop, token string) *response {
		t.Helper()
		r := b.get("/events/devcon/desk/find?" + url.Values{"q": {token}}.Encode())
		if r.status != http.StatusSeeOther {
			return r
		}
		return b.get(r.header.Get("Location"))
	}
	card := scan(ann, " "+tokens.Token(ev.ID, o.Number)+"\n")
	if card.status != http.StatusOK || card.text("#desk-who") != "Ada Lovelace" || card.doc.Find("#desk-problem").Length() != 0 {
		t.Fatalf("the scanned card: %d %q:\n%s", card.status, card.text("#desk-who"), card.body)
	}
	if got := strings.Join(strings.Fields(card.text("#desk-items li")), " "); got != "2 × Hoodie M" {
		t.Fatalf("what to hand over: %q, want 2 × Hoodie M", got)
	}
	action, form := collectForm(t, card)
	if r := ann.post(action, form); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/events/devcon/desk?") {
		t.Fatalf("collect: %d to %q", r.status, r.header.Get("Location"))
	}
	// A double tap is the same collection, not a problem.
	if r := ann.post(action, form); r.status != http.StatusSeeOther {
		t.Fatalf("the second tap: %d, want 303 like the first", r.status)
	}
	after := ann.get("/events/devcon/desk?saved=collected")
	if after.text("#flash") != enMessage(s, "console.desk.collected") {
		t.Fatalf("flash after collecting: %q", after.text("#flash"))
	}
	if got := counts(after); got["Hoodie M"] != "2/0" || got["Hoodie L"] != "0/1" {
		t.Fatalf("counter after: %v, want M 2/0 and L 0/1", got)
	}
	mails := srv.Wait(t, 4, 10*time.Second)
	time.Sleep(500 * time.Millisecond) // a second email would be sent by now
	var collected []string
	for _, m := range srv.To(t, "ada@example.com") {
		if strings.Contains(m.Subject, "collected") {
			collected = append(collected, m.Subject)
		}
	}
	if len(collected) != 1 || !strings.Contains(collected[0], o.Number) || len(srv.Messages()) != 4 {
		t.Fatalf("collected emails to Ada: %q (%d messages in all, %d waited), want exactly one", collected, len(srv.Messages()), len(mails))
	}

	again := scan(bob, tokens.Token(ev.ID, o.Number))
	if again.doc.Find("#desk-problem[data-problem=collected]").Length() != 1 || again.doc.Find("#desk-collect").Length() != 0 ||
		!strings.Contains(again.text("#desk-problem"), "Ann") {
		t.Fatalf("a second scan (another desk): %d %q, want already collected by Ann and no button", again.status, again.text("#desk-problem"))
	}
	if r := bob.post(action, form); r.status != http.StatusForbidden {
		t.Fatalf("Bob posting Ann's form token: %d, want 403", r.status)
	}
	_, bobForm := collectForm(t, bob.get("/events/devcon/desk/orders/"+placeOrderOf(t, s, ev, hoodie, 0, "Someone").Number))
	if r := bob.post(action, bobForm); r.status != http.StatusConflict ||
		r.doc.Find("#desk-problem[data-problem=collected]").Length() != 1 || !strings.Contains(r.text("#desk-problem"), "Ann") {
		t.Fatalf("Bob collecting Ann's collected order: %d %q, want 409 already collected by Ann", r.status, r.text("#desk-problem"))
	}
	if got := ann.get("/events/devcon/desk/orders/" + o.Number).text("#desk-problem"); !strings.Contains(got, enMessage(s, "desk.you")) {
		t.Fatalf("Ann's own collection reads %q, want by you", got)
	}
	_ = annStaff

	t.Run("another event's token and number find nothing", func(t *testing.T) {
		if r := ann.get("/events/devcon/desk/find?" + url.Values{"q": {tokens.Token(other.ID, theirOrder.Number)}}.Encode()); r.status != http.StatusNotFound ||
			r.doc.Find("#desk-none").Length() != 1 {
			t.Fatalf("another event's token: %d, want 404 saying no order matches", r.status)
		}
		if r := ann.get("/events/devcon/desk/orders/" + theirOrder.Number); r.status != http.StatusNotFound {
			t.Fatalf("another event's number: %d, want 404", r.status)
		}
		if r := ann.post("/events/devcon/desk/orders/"+theirOrder.Number+"/collect", form); r.status != http.StatusNotFound {
			t.Fatalf("collecting another event's number: %d, want 404", r.status)
		}
		if got, _ := s.db.OrderByNumber(ctx, other.ID, theirOrder.Number); got.Status != storefront.StatusPlaced {
			t.Fatalf("the other event's order became %s", got.Status)
		}
		if r := ann.get("/events/other/desk"); r.status != http.StatusNotFound {
			t.Fatalf("another event's desk: %d, want 404", r.status)
		}
	})
	t.Run("a search lists matching orders; a number opens its card", func(t *testing.T) {
		r := ann.get("/events/devcon/desk/find?q=hopper")
		if r.status != http.StatusOK || r.doc.Find("#desk-results li").Length() != 1 || r.text("#desk-results .name") != "Grace Hopper" {
			t.Fatalf("search hopper: %d:\n%s", r.status, r.body)
		}
		if r := ann.get("/events/devcon/desk/find?q=" + strings.ToLower(o.Number)); r.status != http.StatusSeeOther ||
			r.header.Get("Location") != "/events/devcon/desk/orders/"+o.Number {
			t.Fatalf("search by number: %d to %q", r.status, r.header.Get("Location"))
		}
		if r := ann.get("/events/devcon/desk/find?q=" + strings.Repeat("x", 201)); r.status != http.StatusUnprocessableEntity || r.doc.Find("#desk-q-error").Length() != 1 {
			t.Fatalf("a 201-character search: %d, want 422 with the error", r.status)
		}
	})
	t.Run("marketing may not use the desk", func(t *testing.T) {
		if r := signedInMember(t, s).get("/events/devcon/desk"); r.status != http.StatusNotFound {
			t.Fatalf("marketing at the desk: %d, want 404", r.status)
		}
	})
}

// TestTheDeskCardShowsProblems: a cancelled, a shipped, an unpaid online
// and a pay-at-pick-up order each show their problem large and offer no
// "Collected"; the last offers "Mark paid and collect", which does both.
// Two desks collecting at once: one wins, the other sees the problem.
func TestTheDeskCardShowsProblems(t *testing.T) {
	s, ev, _ := consoleServer(t)
	hoodie := freeSized(t, s, ev, "Hoodie")
	b, _ := deskMember(t, s, ev, "ann@example.com", "Ann")
	place := func(set string) string {
		t.Helper()
		o := placeOrderOf(t, s, ev, hoodie, 0, "Attendee")
		if set != "" {
			dbtest.Exec(t, s.adminURL, "UPDATE orders SET "+set+" WHERE tenant_id = $1 AND number = $2", ev.ID, o.Number)
		}
		return o.Number
	}
	for set, problem := range map[string]string{
		"status = 'cancelled'":                                  "cancelled",
		`shipping_address = '{"country":"DE"}'`:                 "shipped",
		"status = 'pending_payment', payment_state = 'pending'": "pending_payment",
	} {
		card := b.get("/events/devcon/desk/orders/" + place(set))
		if card.doc.Find("#desk-problem[data-problem="+problem+"]").Length() != 1 || card.doc.Find("form.desk-collect").Length() != 0 {
			t.Fatalf("%s: want the problem %s and no collect form:\n%s", set, problem, card.body)
		}
	}
	unpaid := place("payment_state = 'at_pickup'")
	card := b.get("/events/devcon/desk/orders/" + unpaid)
	if card.doc.Find("#desk-problem[data-problem=not_paid]").Length() != 1 || card.doc.Find("#desk-pay-collect").Length() != 1 ||
		card.doc.Find("#desk-collect").Length() != 0 {
		t.Fatalf("to pay at pick-up: want not_paid and only Mark paid and collect:\n%s", card.body)
	}
	action, form := collectForm(t, card)
	if r := b.post(action, form); r.status != http.StatusSeeOther {
		t.Fatalf("mark paid and collect: %d", r.status)
	}
	if o, _ := s.db.OrderByNumber(context.Background(), ev.ID, unpaid); o.Status != storefront.StatusCollected || o.PaymentState != storefront.PaymentPaid {
		t.Fatalf("after mark paid and collect: %s, %s", o.Status, o.PaymentState)
	}

	number := place("")
	card = b.get("/events/devcon/desk/orders/" + number)
	action, form = collectForm(t, card)
	c2, _ := deskMember(t, s, ev, "cy@example.com", "Cy")
	_, form2 := collectForm(t, c2.get("/events/devcon/desk/orders/"+number))
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, desk := range []struct {
		b *shop
		v url.Values
	}{{b, form}, {c2, form2}} {
		wg.Go(func() { statuses[i] = desk.b.post(action, desk.v).status })
	}
	wg.Wait()
	if !(statuses[0] == http.StatusSeeOther && statuses[1] == http.StatusConflict) && !(statuses[1] == http.StatusSeeOther && statuses[0] == http.StatusConflict) {
		t.Fatalf("two desks at once: %v, want one 303 and one 409", statuses)
	}
}

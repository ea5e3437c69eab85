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
	"marquee/storefront/form"
	"marquee/tenant"
	"marquee/tenant/web/webtest"
)

// signupEvent makes ev a sign-up event asking for a company (required),
// with consent and thank-you texts in English and German.
func (s *storefrontApp) signupEvent(ev *tenant.Tenant) {
	s.t.Helper()
	ctx := context.Background()
	err := s.db.AddFormField(ctx, ev.ID, form.Field{Key: "company", Scope: form.ScopeCustomer, Type: form.TypeText, Required: true,
		Label: map[string]string{"en": "Company", "de": "Firma"}})
	if err == nil {
		err = s.db.SaveSignupForm(ctx, ev.ID, storefront.KindSignup,
			storefront.Text{"en": "Keep me posted about DevCon", "de": "Haltet mich zur DevCon auf dem Laufenden"},
			storefront.Text{"en": "See you at DevCon!", "de": "Bis bald auf der DevCon!"})
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.changed(ev.ID)
}

// TestTheSignupForm: a sign-up event's landing page is its form (the
// consent text of the language beside the checkbox); mistakes re-render
// it with each message by its input, the values kept, and nothing
// written; a good sign-up is stored once however often it is posted and
// thanks in the event's words; a shop has no sign-up form, and a form
// posted to another event's host stores nothing there.
func TestTheSignupForm(t *testing.T) {
	s := newStorefrontApp(t)
	ev, shop := s.event("devcon", "en", "de"), s.event("merch", "en")
	s.signupEvent(ev)
	v := s.visitor("devcon." + testBase)

	landing := v.get("/?lang=de")
	if landing.status != http.StatusOK || landing.doc.Find("form#signup-form").Length() != 1 ||
		!strings.HasPrefix(landing.text("label[for=company]"), "Firma") {
		t.Fatalf("landing: %d, form %d, company %q", landing.status, landing.doc.Find("form#signup-form").Length(), landing.text("label[for=company]"))
	}
	if got := landing.text("label.check:has(#consent)"); !strings.Contains(got, "Haltet mich zur DevCon auf dem Laufenden") {
		t.Fatalf("consent label %q", got)
	}
	if landing.doc.Find("a[href='/order']").Length() != 0 {
		t.Fatal("the sign-up form links to the order form")
	}
	hidden := webtest.FormValues(landing.doc, "form#signup-form input[type=hidden]")
	if _, err := uuid.Parse(hidden.Get("client_id")); err != nil {
		t.Fatalf("client id %q", hidden.Get("client_id"))
	}
	submit := func(host *visitor, vals url.Values) *page {
		all := url.Values{"csrf": {hidden.Get("csrf")}, "client_id": {hidden.Get("client_id")}}
		for k, x := range vals {
			all[k] = x
		}
		return host.post("/signup?lang=en", all)
	}

	bad := submit(v, url.Values{"name": {"Ada"}, "email": {"ada@"}})
	if bad.status != http.StatusUnprocessableEntity || bad.text("#email-error") == "" || bad.text("#company-error") == "" ||
		bad.text("#consent-error") == "" || bad.text("#name-error") != "" {
		t.Fatalf("bad: %d, errors email %q company %q consent %q name %q", bad.status, bad.text("#email-error"),
			bad.text("#company-error"), bad.text("#consent-error"), bad.text("#name-error"))
	}
	if bad.doc.Find("#problems li").Length() != 3 || bad.doc.Find("input#name").AttrOr("value", "") != "Ada" {
		t.Fatalf("problems %d, name kept %q", bad.doc.Find("#problems li").Length(), bad.doc.Find("input#name").AttrOr("value", ""))
	}
	if got := bad.doc.Find("form#signup-form input[name=client_id]").AttrOr("value", ""); got != hidden.Get("client_id") {
		t.Fatalf("the re-rendered form's client id %q, want the one posted", got)
	}
	if n := dbtest.CountIn(t, s.db, ev.ID, "SELECT count(*) FROM signups"); n != 0 {
		t.Fatalf("%d sign-ups after a refused one, want 0", n)
	}

	good := url.Values{"name": {"Ada Lovelace"}, "email": {"Ada@Example.com"}, "company": {"ACME"}, "consent": {"on"}}
	for range 2 {
		r := submit(v, good)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/signup/thanks?lang=en" {
			t.Fatalf("good: %d to %q", r.status, r.header.Get("Location"))
		}
	}
	if n := dbtest.CountIn(t, s.db, ev.ID, "SELECT count(*) FROM signups WHERE email = 'ada@example.com' AND answers->>'company' = 'ACME' AND source = 'web' AND consent_text = 'Keep me posted about DevCon'"); n != 1 {
		t.Fatalf("%d sign-ups stored as sent, want 1 however often it is posted", n)
	}
	thanks := v.get("/signup/thanks?lang=de")
	if thanks.status != http.StatusOK || thanks.text("#signup-thanks") != "Bis bald auf der DevCon!" {
		t.Fatalf("thanks: %d %q", thanks.status, thanks.text("#signup-thanks"))
	}

	theirs := s.visitor("merch." + testBase)
	if r := theirs.get("/signup"); r.status != http.StatusNotFound {
		t.Fatalf("a shop's sign-up form: %d, want 404", r.status)
	}
	shopCSRF := theirs.orderForm().Get("csrf")
	posted := url.Values{"csrf": {shopCSRF}, "client_id": {uuid.NewString()}}
	for k, x := range good {
		posted[k] = x
	}
	if r := theirs.post("/signup", posted); r.status != http.StatusNotFound {
		t.Fatalf("a sign-up posted to a shop: %d, want 404", r.status)
	}
	if r := theirs.get("/signup/thanks"); r.status != http.StatusNotFound {
		t.Fatalf("a shop's thank-you page: %d, want 404", r.status)
	}
	if n := dbtest.CountIn(t, s.db, shop.ID, "SELECT count(*) FROM signups"); n != 0 {
		t.Fatalf("%d sign-ups on the shop", n)
	}
}

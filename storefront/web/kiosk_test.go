package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"marquee/db"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/tenant/web/webtest"
)

// kioskLinkOf issues a device link on ev and returns the device and its
// page's path.
func (s *storefrontApp) kioskLinkOf(ev *tenant.Tenant, name string) (storefront.KioskDevice, string) {
	s.t.Helper()
	d, secret, err := s.db.IssueKioskDevice(context.Background(), ev.ID, staff.Staff{Email: "crew@example.com"}, name)
	if err != nil {
		s.t.Fatal(err)
	}
	return d, "/kiosk/" + secret
}

// postJSON sends body to path as the kiosk's script does.
func (v *visitor) postJSON(path, body string, headers ...string) (*page, map[string]any) {
	v.s.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	p := v.do(req, headers...)
	var answer map[string]any
	if err := json.Unmarshal([]byte(p.body), &answer); err != nil {
		v.s.t.Fatalf("%s answered %d with no JSON: %q", path, p.status, p.body)
	}
	return p, answer
}

// signupsOf is every sign-up of an event, newest first.
func (s *storefrontApp) signupsOf(ev *tenant.Tenant) []storefront.Signup {
	s.t.Helper()
	list, _, err := s.db.Signups(context.Background(), ev.ID, db.SignupCursor{}, 100)
	if err != nil {
		s.t.Fatal(err)
	}
	return list
}

// TestKioskPage: a device link shows the event's sign-up form and nothing
// to leave by; without JavaScript it posts and thanks as the storefront's
// form does, with the device as the source; another event's link, and a
// shop's, show nothing; a revoked link says so and takes nothing more.
func TestKioskPage(t *testing.T) {
	s := newStorefrontApp(t)
	ev, other, shop := s.event("devcon", "en", "de"), s.event("gophercon", "en"), s.event("merch", "en")
	s.signupEvent(ev)
	s.signupEvent(other)
	dev, link := s.kioskLinkOf(ev, "Stand A")
	_, theirLink := s.kioskLinkOf(other, "Their stand")
	_, shopLink := s.kioskLinkOf(shop, "Shop stand")
	v := s.visitor("devcon." + testBase)

	page := v.get(link + "?lang=de")
	if page.status != http.StatusOK || page.doc.Find("form#signup-form").AttrOr("action", "") != link ||
		!strings.HasPrefix(page.text("label[for=company]"), "Firma") {
		t.Fatalf("the kiosk: %d, action %q", page.status, page.doc.Find("form#signup-form").AttrOr("action", ""))
	}
	page.doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		if href := a.AttrOr("href", ""); !strings.HasPrefix(href, "?lang=") {
			t.Errorf("a link out of the kiosk: %q", href)
		}
	})
	main := page.doc.Find("main.kiosk-main")
	if main.AttrOr("data-endpoint", "") != link+"/signups" || page.doc.Find(`script[src="/static/kiosk.js"]`).Length() != 1 ||
		page.doc.Find("footer, .site-footer, header.console-header").Length() != 0 || page.header.Get("Referrer-Policy") != "same-origin" {
		t.Fatalf("the kiosk's frame: endpoint %q, referrer policy %q", main.AttrOr("data-endpoint", ""), page.header.Get("Referrer-Policy"))
	}
	if w := main.AttrOr("data-waiting", ""); w != "Warten auf Versand: {n}" {
		t.Fatalf("the waiting badge's text %q", w)
	}
	clientID := webtest.FormValues(page.doc, "form#signup-form input[type=hidden]").Get("client_id")

	t.Run("without JavaScript: mistakes re-render, a sign-up thanks, and a repeat stores nothing", func(t *testing.T) {
		bad := v.post(link+"?lang=en", url.Values{"client_id": {clientID}, "name": {"Ada"}, "email": {"ada@"}})
		if bad.status != http.StatusUnprocessableEntity || bad.text("#email-error") == "" || bad.text("#consent-error") == "" ||
			bad.doc.Find("input#name").AttrOr("value", "") != "Ada" || len(s.signupsOf(ev)) != 0 {
			t.Fatalf("a refused sign-up: %d, email %q, %d stored", bad.status, bad.text("#email-error"), len(s.signupsOf(ev)))
		}
		good := url.Values{"client_id": {clientID}, "name": {"Ada"}, "email": {"ada@example.com"}, "company": {"ACME"}, "consent": {"on"}}
		for range 2 {
			r := v.post(link+"?lang=en", good)
			if r.status != http.StatusSeeOther || r.header.Get("Location") != link+"/thanks?lang=en" {
				t.Fatalf("a sign-up: %d to %q", r.status, r.header.Get("Location"))
			}
		}
		list := s.signupsOf(ev)
		if len(list) != 1 || list[0].Source != dev.Source() || list[0].Email != "ada@example.com" || list[0].Answers["company"] != "ACME" {
			t.Fatalf("stored %+v", list)
		}
		thanks := v.get(link + "/thanks?lang=en")
		if thanks.status != http.StatusOK || thanks.text("#signup-thanks") != "See you at DevCon!" ||
			thanks.doc.Find("a#kiosk-next").AttrOr("href", "") != link+"?lang=en" {
			t.Fatalf("thanks: %d %q", thanks.status, thanks.text("#signup-thanks"))
		}
	})

	t.Run("as JSON: 201 once, 200 for the same client id, 422 naming the inputs", func(t *testing.T) {
		id := uuid.NewString()
		body := `{"client_id":"` + id + `","name":"Grace","email":"grace@example.com","consent":true,"locale":"de","answers":{"company":"Navy"}}`
		for i, want := range []int{http.StatusCreated, http.StatusOK} {
			r, answer := v.postJSON(link+"/signups", body)
			if r.status != want || answer["created"] != (i == 0) {
				t.Fatalf("send %d: %d %v, want %d", i+1, r.status, answer, want)
			}
		}
		if n := len(s.signupsOf(ev)); n != 2 {
			t.Fatalf("%d sign-ups, want 2", n)
		}
		if got := s.signupsOf(ev)[0]; got.Locale != "de" || got.Source != dev.Source() || got.ClientID.String() != id {
			t.Fatalf("stored %+v", got)
		}
		r, answer := v.postJSON(link+"/signups", `{"client_id":"`+uuid.NewString()+`","name":"","email":"x","consent":false}`)
		e, _ := answer["error"].(map[string]any)
		fields, _ := e["fields"].(map[string]any)
		if r.status != http.StatusUnprocessableEntity || e["field"] != "name" || fields["email"] == nil || fields["consent"] == nil || fields["company"] == nil {
			t.Fatalf("refused: %d %v", r.status, answer)
		}
		for name, bad := range map[string]string{"not JSON": `name=Ada`, "an unknown key": `{"client_id":"` + uuid.NewString() + `","nmae":"Ada"}`,
			"an answer of a wrong kind": `{"client_id":"` + uuid.NewString() + `","name":"A","email":"a@example.com","consent":true,"answers":{"company":{"a":1}}}`} {
			if r, answer := v.postJSON(link+"/signups", bad); r.status != http.StatusUnprocessableEntity || answer["error"] == nil {
				t.Errorf("%s: %d %v", name, r.status, answer)
			}
		}
		if r, _ := v.postJSON(link+"/signups", body, "Origin", "https://evil.example"); r.status != http.StatusForbidden {
			t.Fatalf("another site's post: %d", r.status)
		}
		if n := len(s.signupsOf(ev)); n != 2 {
			t.Fatalf("%d sign-ups after the refusals, want 2", n)
		}
	})

	t.Run("another event's link and a shop's show nothing and store nothing", func(t *testing.T) {
		for name, path := range map[string]string{"another event's link": theirLink, "a made-up link": "/kiosk/" + strings.Repeat("A", 43), "a shop's link": shopLink} {
			if r := v.get(path); r.status != http.StatusNotFound {
				t.Errorf("%s: %d", name, r.status)
			}
			if r, _ := v.postJSON(path+"/signups", `{"client_id":"`+uuid.NewString()+`","name":"Eve","email":"eve@example.com","consent":true,"answers":{"company":"X"}}`); r.status != http.StatusNotFound {
				t.Errorf("%s, as JSON: %d", name, r.status)
			}
		}
		if r := s.visitor("merch." + testBase).get(shopLink); r.status != http.StatusNotFound {
			t.Errorf("a shop's own link: %d", r.status)
		}
		if n := len(s.signupsOf(other)) + len(s.signupsOf(ev)); n != 2 {
			t.Fatalf("%d sign-ups, want devcon's 2", n)
		}
	})

	t.Run("a revoked link says so and takes nothing more", func(t *testing.T) {
		if _, err := s.db.RevokeKioskDevice(context.Background(), ev.ID, staff.Staff{}, dev.ID); err != nil {
			t.Fatal(err)
		}
		r := v.get(link)
		if r.status != http.StatusGone || r.text("#kiosk-revoked") != message(t, "en", "kiosk.revoked") || r.doc.Find("form").Length() != 0 {
			t.Fatalf("revoked: %d %q", r.status, r.text("#kiosk-revoked"))
		}
		if r, _ := v.postJSON(link+"/signups", `{"client_id":"`+uuid.NewString()+`","name":"Eve","email":"eve@example.com","consent":true,"answers":{"company":"X"}}`); r.status != http.StatusGone {
			t.Fatalf("revoked, as JSON: %d", r.status)
		}
		if r := v.post(link, url.Values{"client_id": {uuid.NewString()}, "name": {"Eve"}, "email": {"eve@example.com"}, "company": {"X"}, "consent": {"on"}}); r.status != http.StatusGone {
			t.Fatalf("revoked, posted: %d", r.status)
		}
		if n := len(s.signupsOf(ev)); n != 2 {
			t.Fatalf("%d sign-ups, want 2", n)
		}
	})
}

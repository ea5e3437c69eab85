package console

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestConsoleEmailPreviews(t *testing.T) {
	s, _, _ := consoleServer(t)
	b := signedInMember(t, s)
	list := consolePage(t, b, "/events/devcon/emails")
	rows := list.doc.Find("table.email-kinds tbody tr")
	if rows.Length() != 15 { // 8 to attendees, 4 to suppliers, the waiting list's offer, the message to attendees, a disabled webhook's to its owner
		t.Fatalf("%d kinds listed, want 15", rows.Length())
	}
	if got := list.text(`tr[data-kind="status_dispatched"] .name`); got != "Order dispatched" {
		t.Errorf("kind name %q", got)
	}
	titles := map[string]string{"en": "Welcome to devcon", "de": "Willkommen bei devcon"} // the event's title in each language
	rows.Each(func(_ int, row *goquery.Selection) {
		kind, _ := row.Attr("data-kind")
		for _, lang := range []string{"en", "de"} {
			href, ok := row.Find(`a[data-lang="` + lang + `"]`).Attr("href")
			if !ok || href != "/events/devcon/emails/"+kind+"?lang="+lang {
				t.Errorf("%s in %s: link %q", kind, lang, href)
				continue
			}
			r := b.do(http.MethodGet, href, "", "")
			if r.status != 200 || !strings.Contains(r.text("#subject"), titles[lang]) || r.text("#text-part") == "" {
				t.Errorf("%s in %s: %d, subject %q", kind, lang, r.status, r.text("#subject"))
			}
			if r.doc.Find("html").AttrOr("lang", "") != "en" {
				t.Errorf("%s in %s: the console left English", kind, lang)
			}
			src, _ := r.doc.Find("iframe.email-html[sandbox]").Attr("src")
			h := b.do(http.MethodGet, src, "", "")
			if h.status != 200 || h.header.Get("Content-Security-Policy") != wantEmailFrameCSP || h.doc.Find("script").Length() != 0 || h.doc.Find("body").Length() != 1 {
				t.Errorf("%s in %s: html %q: %d, CSP %q", kind, lang, src, h.status, h.header.Get("Content-Security-Policy"))
			}
		}
	})
	t.Run("the confirmation's pick-up code shows in the preview", func(t *testing.T) {
		h := b.do(http.MethodGet, "/events/devcon/emails/order_confirmation/html?lang=en", "", "")
		img := h.doc.Find(`img[src^="data:image/png;base64,"]`)
		if alt, _ := img.Attr("alt"); img.Length() != 1 || alt != "QR code to pick up order K7M3-Q9XZ" || h.doc.Find(`img[src^="cid:"]`).Length() != 0 {
			t.Fatalf("%d images with the code, alt %q", img.Length(), alt)
		}
	})
	t.Run("the subject is in the chosen language", func(t *testing.T) {
		en := b.do(http.MethodGet, "/events/devcon/emails/status_dispatched?lang=en", "", "").text("#subject")
		de := b.do(http.MethodGet, "/events/devcon/emails/status_dispatched?lang=de", "", "").text("#subject")
		if want := s.themes.Translations().T("de", "email.status_dispatched.subject", "Number", "K7M3-Q9XZ", "Event", titles["de"]); de != want || en == de {
			t.Fatalf("German subject %q, want %q (English %q)", de, want, en)
		}
	})
	t.Run("an unknown kind or a language the event does not offer is not found", func(t *testing.T) {
		for _, path := range []string{"/events/devcon/emails/birthday", "/events/devcon/emails/birthday/html",
			"/events/devcon/emails/order_confirmation?lang=fr", "/events/devcon/emails/order_confirmation/html?lang=fr",
			"/events/devcon/emails/order_confirmation?lang=xx"} {
			if r := b.do(http.MethodGet, path, "", ""); r.status != 404 {
				t.Errorf("%s: %d", path, r.status)
			}
		}
	})
	t.Run("fulfilment staff do not see the previews", func(t *testing.T) {
		ev, err := s.db.TenantBySlug(context.Background(), "devcon")
		if err != nil {
			t.Fatal(err)
		}
		f := fulfilmentMember(t, s, ev)
		for _, path := range []string{"/events/devcon/emails", "/events/devcon/emails/order_confirmation", "/events/devcon/emails/order_confirmation/html"} {
			if r := f.do(http.MethodGet, path, "", ""); r.status != 404 {
				t.Errorf("%s as fulfilment: %d", path, r.status)
			}
		}
	})
}

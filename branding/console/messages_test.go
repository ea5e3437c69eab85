package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
)

// TestConsoleMessagesToAttendees: staff write a message in each language
// of the event (refusals name their field and store nothing), preview it
// as attendees get it with how many it reaches, are asked before it goes,
// and see it sent, counted out, in the list; another event's message is
// not found anywhere.
func TestConsoleMessagesToAttendees(t *testing.T) {
	s, ev := consoleServerWithWorkers(t)
	ctx := context.Background()
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	hoodie := addSizedProduct(t, s, ev, "Hoodie")
	theirs := addSizedProduct(t, s, other, "Their hoodie")
	placeOrderBy(t, s, ev, hoodie, "Ada", "ada@example.com")
	placeOrderBy(t, s, ev, hoodie, "Ada", "ada@example.com") // one person, one message
	placeOrderBy(t, s, ev, hoodie, "Bo", "bo@example.com")
	theirMessage, err := s.db.CreateMessage(ctx, other.ID, storefront.Message{Audience: storefront.Audience{Kind: storefront.AudienceAll},
		Texts: map[string]storefront.MessageText{"en": {Subject: "Theirs", Body: "Theirs"}}})
	if err != nil {
		t.Fatal(err)
	}
	b := signedInMember(t, s)
	list := consolePage(t, b, "/events/devcon/messages")
	if list.doc.Find("a.nav-messages").Length() == 0 || list.doc.Find(".no-messages").Length() != 1 {
		t.Fatal("the list is not linked from the navigation, or not empty")
	}
	form := consolePage(t, b, "/events/devcon/messages/new")
	if form.doc.Find(`#subject_en`).Length() != 1 || form.doc.Find(`#body_de`).Length() != 1 ||
		form.doc.Find(`#audience option[value="variant:`+hoodie.Variants[1].ID.String()+`"]`).Length() != 1 {
		t.Fatal("the form lacks a language's inputs or the hoodie's options")
	}
	valid := url.Values{"csrf": {csrfOf(form)}, "audience": {"product:" + hoodie.ID.String()},
		"subject_en": {"Pick-up moves to Hall B"}, "body_en": {"The desk is in **Hall B**."},
		"subject_de": {"Ausgabe in Halle B"}, "body_de": {"Die Ausgabe ist in **Halle B**."}}
	stored := func() int {
		_, n, err := s.db.Messages(ctx, ev.ID, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tc := range []struct {
		name, field, message string
		form                 url.Values
	}{
		{"a language without a subject", "subject_de", "message.subject_required", formWith(valid, "subject_de", "")},
		{"a language without a body", "body_en", "message.body_required", formWith(valid, "body_en", " ")},
		{"a subject over 200 characters", "subject_en", "message.subject_invalid", formWith(valid, "subject_en", strings.Repeat("s", 201))},
		{"another event's product", "audience", "message.audience_invalid", formWith(valid, "audience", "product:"+theirs.ID.String())},
		{"another event's option", "audience", "message.audience_invalid", formWith(valid, "audience", "variant:"+theirs.Variants[0].ID.String())},
		{"an unknown status", "audience", "message.audience_invalid", formWith(valid, "audience", "status:lost")},
	} {
		t.Run(tc.name+" is refused on its field", func(t *testing.T) {
			r := b.post("/events/devcon/messages", tc.form)
			if r.status != http.StatusUnprocessableEntity || r.text("#problem") != enMessage(s, tc.message) {
				t.Fatalf("%d %q, want 422 %q", r.status, r.text("#problem"), enMessage(s, tc.message))
			}
			if field, _ := r.doc.Find("#problem").Attr("data-field"); field != tc.field {
				t.Errorf("field %q, want %q", field, tc.field)
			}
			if v := r.doc.Find("#body_de").Text(); v != tc.form.Get("body_de") {
				t.Errorf("the German body was not kept: %q", v)
			}
			if n := stored(); n != 0 {
				t.Fatalf("%d messages stored after a refusal", n)
			}
		})
	}

	r := b.post("/events/devcon/messages", valid)
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), "?saved=message_saved") {
		t.Fatalf("create: %d to %q: %s", r.status, r.header.Get("Location"), r.text("#problem"))
	}
	link := strings.TrimSuffix(r.header.Get("Location"), "?saved=message_saved")
	page := consolePage(t, b, r.header.Get("Location"))
	if page.text("#message-state") != "Draft" || page.text("#message-reach") != "2 people" || page.text("#message-audience") != "Who ordered Hoodie" {
		t.Fatalf("draft page: state %q, reach %q, audience %q", page.text("#message-state"), page.text("#message-reach"), page.text("#message-audience"))
	}
	if page.text(`section[data-lang="de"] .preview-subject`) != "Ausgabe in Halle B" || page.doc.Find("section.message-preview").Length() != 2 {
		t.Fatalf("previews: %q", page.text(`section[data-lang="de"] .preview-subject`))
	}
	src, _ := page.doc.Find(`section[data-lang="de"] iframe.email-html[sandbox]`).Attr("src")
	if h := b.do(http.MethodGet, src, "", ""); h.status != 200 || h.text("strong") != "Halle B" || h.header.Get("Content-Security-Policy") != wantEmailFrameCSP {
		t.Fatalf("the German HTML part: %d %q", h.status, h.text("strong"))
	}
	ask := consolePage(t, b, link+"/send")
	if !strings.Contains(ask.doc.Find("main").Text(), "2 people get this message") {
		t.Fatalf("the question does not say how many: %s", ask.doc.Find("main").Text())
	}
	r = b.post(link+"/send", url.Values{"csrf": {csrfOf(ask)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("send: %d", r.status)
	}
	waitFor(t, 30*time.Second, func() bool {
		return consolePage(t, b, link).text("#progress-sent") == "2"
	})
	page = consolePage(t, b, link)
	if page.text("#message-state") != "Sent" || page.text("#progress-remaining") != "0" || page.text("#progress-failed") != "0" || page.text("#progress-total") != "2" {
		t.Fatalf("progress: %q, remaining %q, failed %q, total %q", page.text("#message-state"), page.text("#progress-remaining"), page.text("#progress-failed"), page.text("#progress-total"))
	}
	row := consolePage(t, b, "/events/devcon/messages").doc.Find("table.messages tbody tr")
	if row.Length() != 1 || row.Find(".sent").Text() != "2" || row.Find(".remaining").Text() != "0" || row.Find(".subject").Text() != "Pick-up moves to Hall B" {
		t.Fatalf("the list shows %q", row.Text())
	}
	if r := b.post(link+"/send", url.Values{"csrf": {csrfOf(ask)}}); r.status != http.StatusConflict {
		t.Errorf("sending twice: %d, want 409", r.status)
	}
	if r := b.post(link, formWith(valid, "subject_en", "Changed")); r.status != http.StatusConflict {
		t.Errorf("changing a sent message: %d, want 409", r.status)
	}

	t.Run("another event's message is not found", func(t *testing.T) {
		theirs := "/events/devcon/messages/" + theirMessage.String()
		for _, path := range []string{theirs, theirs + "/edit", theirs + "/html?lang=en", theirs + "/send", "/events/devcon/messages/" + uuid.NewString(), "/events/devcon/messages/not-an-id"} {
			if r := b.do(http.MethodGet, path, "", ""); r.status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, r.status)
			}
		}
		for _, path := range []string{theirs, theirs + "/send"} {
			if r := b.post(path, formWith(valid, "subject_en", "Hijack")); r.status != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", path, r.status)
			}
		}
		m, err := s.db.Message(ctx, other.ID, theirMessage)
		if err != nil || m.State != storefront.MessageDraft || m.Texts["en"].Subject != "Theirs" {
			t.Errorf("their message changed: %+v %v", m, err)
		}
	})
}

package render

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"marquee/storefront"
)

func TestAttendeeMessageRendersStaffsMarkdownSafely(t *testing.T) {
	r := newRenderer(t)
	ev := testEvent()
	m, err := r.AttendeeMessage(ev, "de", storefront.MessageText{Subject: "Ausgabe in Halle B",
		Body: "Die Ausgabe ist in **Halle B**.\n\n<script>alert(1)</script>\n\n[Plan](https://devcon.example.com/plan)"}, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Ausgabe in Halle B" || m.ReplyTo != "merch@devcon.example" || len(m.To) != 1 || m.To[0] != "ada@example.com" {
		t.Errorf("subject %q, reply-to %q, to %v", m.Subject, m.ReplyTo, m.To)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(m.HTML))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Find("h1").Text(); got != "Ausgabe in Halle B" {
		t.Errorf("heading %q", got)
	}
	if got := doc.Find("strong").Text(); got != "Halle B" {
		t.Errorf("bold %q, want the Markdown rendered", got)
	}
	if doc.Find("script").Length() != 0 || strings.Contains(m.HTML, "alert(1)") {
		t.Error("the body's script survived")
	}
	if href, _ := doc.Find(`a[href="https://devcon.example.com/plan"]`).Attr("rel"); !strings.Contains(href, "nofollow") {
		t.Errorf("the link's rel is %q", href)
	}
	if doc.Find("html").AttrOr("lang", "") != "de" || !strings.Contains(m.HTML, "weil du mit dieser Adresse bei DevCon 2027 bestellt hast") {
		t.Error("the frame is not in German")
	}
	if !strings.Contains(m.Text, "Die Ausgabe ist in **Halle B**.") {
		t.Errorf("text part:\n%s", m.Text)
	}
	assertTranslated(t, m)
}

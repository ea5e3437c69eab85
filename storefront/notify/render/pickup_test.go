package render

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/storefront/pickupqr/pickupqrtest"
)

// pickupEvent is the test event without shipping, and its order to
// collect there.
func pickupEvent(lang string) (Event, storefront.Order) {
	ev := testEvent()
	ev.Ships = false
	o := testOrder(lang)
	o.Address = nil
	return ev, o
}

func TestConfirmationShowsThePickupCode(t *testing.T) {
	r := newRenderer(t)
	token := storefront.PickupTokens{Key: []byte("0123456789abcdef0123456789abcdef")}.Token(uuid.New(), "K7M3-Q9XZ")
	for lang, alt := range map[string]string{"en": "QR code to pick up order K7M3-Q9XZ", "de": "QR-Code zur Abholung der Bestellung K7M3-Q9XZ"} {
		t.Run(lang, func(t *testing.T) {
			ev, o := pickupEvent(lang)
			m, err := r.AttendeeWithPickupCode(notify.KindOrderConfirmation, ev, o, statusURL, "", token)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Attachments) != 1 || m.Attachments[0].ContentID == "" || m.Attachments[0].ContentType != "image/png" {
				t.Fatalf("attachments %+v, want one inline PNG", m.Attachments)
			}
			img := m.Attachments[0]
			if got := pickupqrtest.ReadPNG(t, img.Data); got != token {
				t.Errorf("the image reads %q, want the pick-up token %q", got, token)
			}
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(m.HTML))
			if err != nil {
				t.Fatal(err)
			}
			tag := doc.Find(`img[src="cid:` + img.ContentID + `"]`)
			if tag.Length() != 1 {
				t.Fatalf("the HTML does not show the inline image cid:%s:\n%s", img.ContentID, m.HTML)
			}
			if got, _ := tag.Attr("alt"); got != alt {
				t.Errorf("alt %q, want %q", got, alt)
			}
			if !strings.Contains(m.Text, "K7M3-Q9XZ") || strings.Contains(m.Text, "cid:") {
				t.Errorf("the text part should name the number, not the image:\n%s", m.Text)
			}
			assertTranslated(t, m)
		})
	}
	t.Run("emails that do not lead to the desk carry no code", func(t *testing.T) {
		ev, o := pickupEvent("en")
		for _, k := range []notify.Kind{notify.KindStatusCancelled, notify.KindStatusCollected, notify.KindStatusDispatched} {
			m, err := r.AttendeeWithPickupCode(k, ev, o, statusURL, "", token)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Attachments) != 0 || strings.Contains(m.HTML, "cid:") {
				t.Errorf("%s carries a pick-up code", k)
			}
		}
		if m, err := r.Attendee(notify.KindOrderConfirmation, ev, o, statusURL, ""); err != nil || len(m.Attachments) != 0 || strings.Contains(m.HTML, "cid:") {
			t.Errorf("without a token the confirmation carries an image (%v)", err)
		}
	})
	t.Run("the preview's confirmation shows a code when the event does not ship", func(t *testing.T) {
		ev, _ := pickupEvent("en")
		m, err := r.Sample(notify.KindOrderConfirmation, ev, "fr")
		if err != nil || len(m.Attachments) != 1 || !strings.Contains(m.HTML, "cid:"+m.Attachments[0].ContentID) {
			t.Fatalf("sample: %v, %d attachments", err, len(m.Attachments))
		}
		if m, err := r.Sample(notify.KindOrderConfirmation, testEvent(), "fr"); err != nil || len(m.Attachments) != 0 {
			t.Errorf("a shipping event's sample carries a pick-up code (%v)", err)
		}
	})
}

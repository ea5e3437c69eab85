package render

import (
	"strings"
	"testing"
	"time"

	"marquee/storefront/notify"
)

func TestAttendeeEmailsShowTimesInTheEventsZone(t *testing.T) {
	r := newRenderer(t)
	ev := testEvent()
	var err error
	if ev.Zone, err = time.LoadLocation("Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	for lang, placed := range map[string]string{ // 14:30 UTC on 3 May is 16:30 in Berlin, summer time
		"en": "Monday 3 May 2027, 16:30 CEST",
		"de": "Montag, 3. Mai 2027, 16:30 Uhr CEST",
	} {
		m, err := r.Attendee(notify.KindOrderConfirmation, ev, testOrder(lang), statusURL, "")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Text, placed) || !strings.Contains(m.HTML, placed) {
			t.Errorf("%s: the email does not say it was placed %q:\n%s", lang, placed, m.Text)
		}
		if strings.Contains(m.Text, " UTC") {
			t.Errorf("%s: the email shows UTC:\n%s", lang, m.Text)
		}
	}
}

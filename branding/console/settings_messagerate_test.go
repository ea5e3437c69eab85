package console

import (
	"context"
	"net/http"
	"testing"

	"marquee/storefront"
)

// TestMessageRateSetting: how many emails per second a message to
// attendees sends is set on the settings page (1 to 100, 10 by default),
// in the table the sending reads; bad values are refused naming the field
// and shown as typed, nothing written; another event's settings are not
// reached.
func TestMessageRateSetting(t *testing.T) {
	s, ev, _ := consoleServer(t)
	b := signedInMember(t, s)
	csrf := csrfOf(b.do(http.MethodGet, "/events/devcon/settings", "", ""))
	checkNumberSetting(t, s, ev, b, csrf, numberSetting{field: "message_rate", help: "message-rate-help",
		def: storefront.DefaultMessageRate, typed: " 25 ", want: 25, bad: []string{"0", "101", "fast", "", "2.5"},
		problem: "Emails per second when a message goes to attendees: enter",
		of:      func(st storefront.Settings) int { return st.MessageRate }, otherEventOK: storefront.DefaultMessageRate})
	var inTable int
	if err := s.db.Pool.QueryRow(context.Background(), "SELECT message_rate FROM storefront_settings WHERE tenant_id = $1", ev.ID).Scan(&inTable); err != nil || inTable != 25 {
		t.Fatalf("the sending reads %d (%v), want 25", inTable, err)
	}
}

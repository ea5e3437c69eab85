package jobs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/pickupqr/pickupqrtest"
)

// TestTheConfirmationCarriesThePickupCode: the confirmation of an order
// collected at the event, as the attendee receives it, shows the QR code
// of the order's pick-up token inline (an image part the HTML names by
// its Content-ID); a cancellation carries none.
func TestTheConfirmationCarriesThePickupCode(t *testing.T) {
	h := newHarness(t)
	email := uuid.NewString()[:8] + "@example.com"
	o := h.placeOrder(t, email, h.line("Cap", "One size", 1, ""))
	m := h.waitFor(t, email, "order_confirmation", o.Number)
	if len(m.Attachments) != 1 {
		t.Fatalf("received %d parts besides the bodies, want the inline QR code", len(m.Attachments))
	}
	img := m.Attachments[0]
	if img.ContentID == "" || img.ContentType != "image/png" || !strings.Contains(m.HTML, `src="cid:`+img.ContentID+`"`) {
		t.Fatalf("image part %q (%s), not shown by the HTML:\n%s", img.ContentID, img.ContentType, m.HTML)
	}
	want := testLinks.PickupTokens().Token(h.event.ID, o.Number)
	if got := pickupqrtest.ReadPNG(t, img.Data); got != want {
		t.Fatalf("the QR code reads %q, want the order's pick-up token %q", got, want)
	}
	if number, ok := testLinks.PickupTokens().Parse(h.event.ID, pickupqrtest.ReadPNG(t, img.Data)); !ok || number != o.Number {
		t.Fatalf("the desk would read order %q (%v), want %s", number, ok, o.Number)
	}

	if _, err := h.db.ChangeOrderStatus(context.Background(), h.event.ID, o.Number, storefront.StatusCancelled, "", uuid.Nil); err != nil {
		t.Fatal(err)
	}
	if c := h.waitFor(t, email, "status_cancelled", o.Number); len(c.Attachments) != 0 || strings.Contains(c.HTML, "cid:") {
		t.Errorf("the cancellation carries a pick-up code")
	}
}

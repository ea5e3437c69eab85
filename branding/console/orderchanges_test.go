package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront"
)

// TestTheOrderPageShowsAttendeesChanges: a change the attendee made is a
// row of the order's history on the console, named for what changed (not
// for the status, which stayed), with its note; and the event's settings
// turn attendees' changes off.
func TestTheOrderPageShowsAttendeesChanges(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	shirt, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "T-shirt"}, Visible: true, PriceMinor: 1000,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "M"}}, {Label: storefront.Text{"en": "L"}, Position: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.db.PlaceOrder(ctx, ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "ada@example.com", Name: "Ada", Locale: "en",
		Lines: []storefront.Line{{ProductID: shirt.ID, VariantID: shirt.Variants[0].ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.SwapOrderOption(ctx, ev.ID, o.Number, 0, shirt.Variants[1].ID); err != nil {
		t.Fatal(err)
	}
	b := fulfilmentMember(t, s, ev)
	page := b.do(http.MethodGet, "/events/devcon/orders/"+o.Number, "", "")
	last := page.doc.Find("ol.history li").Last()
	if what := last.Find(".what").Text(); what != "Option swapped" || !strings.Contains(last.Text(), "T-shirt: M → L") || !strings.Contains(last.Text(), "attendee") {
		t.Errorf("the history's last row: %q", last.Text())
	}

	owner := signedInMember(t, s)
	settings := consolePage(t, owner, "/events/devcon/settings")
	if _, on := settings.doc.Find(`input#attendee_can_change`).Attr("checked"); !on {
		t.Fatal("changes are not on by default")
	}
	form := url.Values{"csrf": {settings.doc.Find(`input[name="csrf"]`).AttrOr("value", "")}, "attendee_can_cancel": {"on"},
		"time_zone": {"Europe/Berlin"}, "retention_days": {"90"}, "hold_minutes": {"15"}}
	if r := owner.do(http.MethodPost, "/events/devcon/settings", "application/x-www-form-urlencoded", form.Encode()); r.status != http.StatusSeeOther {
		t.Fatalf("saving the settings: %d %s", r.status, r.text(".error, #problem"))
	}
	got, err := s.db.Settings(ctx, ev.ID)
	if err != nil || got.AttendeeCanChange || !got.AttendeeCanCancel {
		t.Errorf("after unticking changes: %+v %v", got, err)
	}
}

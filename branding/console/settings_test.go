package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"marquee/storefront"
)

// settingsForm is the shop settings form of devcon as a member fills it
// in: the session's token and the given inputs, nothing else ticked.
func settingsForm(csrf string, pairs ...string) url.Values {
	v := url.Values{"csrf": {csrf}}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return v
}

// countryOptions lists the codes of the order form's country select, the
// empty choice left out.
func countryOptions(r *response) []string {
	var codes []string
	r.doc.Find(`select[name="address.country_code"] option`).Each(func(_ int, o *goquery.Selection) {
		if v, _ := o.Attr("value"); v != "" {
			codes = append(codes, v)
		}
	})
	return codes
}

func TestShopSettings(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	hat, err := s.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Cap"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}}}})
	if err != nil {
		t.Fatal(err)
	}
	b := signedInMember(t, s)
	page := b.do(http.MethodGet, "/events/devcon/settings", "", "")
	if page.status != 200 {
		t.Fatalf("settings page: %d", page.status)
	}
	csrf := csrfOf(page)
	stored := func() storefront.Settings {
		t.Helper()
		st, err := s.db.Settings(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	save := func(v url.Values) *response {
		t.Helper()
		return b.post("/events/devcon/settings", v)
	}
	orderForm := func() *response { return s.get("devcon.shop.test", "/order") }

	t.Run("the page shows the event's currency read-only and the defaults", func(t *testing.T) {
		if got := page.text("#settings-currency"); got != "EUR" {
			t.Errorf("currency %q, want EUR", got)
		}
		if page.doc.Find(`form.settings-form [name="currency"], form.settings-form [name="closes_at"]`).Length() != 0 {
			t.Error("the currency or the close time is editable")
		}
		if page.doc.Find(`input[name="ships"]:checked`).Length() != 0 || page.doc.Find(`input[name="attendee_can_cancel"]:checked`).Length() != 1 {
			t.Error("the form does not show the defaults: no shipping, attendees may cancel")
		}
	})
	t.Run("shipping makes the order form ask for an address", func(t *testing.T) {
		if orderForm().doc.Find(`select[name="address.country_code"]`).Length() != 0 {
			t.Fatal("the order form asks for an address before shipping is on")
		}
		if r := save(settingsForm(csrf, "ships", "on", "attendee_can_cancel", "on")); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		waitFor(t, time.Second, func() bool {
			return orderForm().doc.Find(`select[name="address.country_code"]`).Length() == 1
		})
		if st := stored(); !st.Ships || !st.AttendeeCanCancel {
			t.Errorf("stored %+v", st)
		}
	})
	t.Run("common countries come first in the country select, in the chosen order", func(t *testing.T) {
		r := save(settingsForm(csrf, "ships", "on", "attendee_can_cancel", "on",
			"common_countries", "CH", "common_countries", "AT", "common_countries", "DE"))
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		var form *response
		waitFor(t, time.Second, func() bool {
			form = orderForm()
			codes := countryOptions(form)
			return len(codes) > 3 && slices.Equal(codes[:3], []string{"CH", "AT", "DE"})
		})
		if form.doc.Find(`input[name="address.line1"]`).Length() != 1 {
			t.Error("the first common country is preselected, yet the form shows no address lines")
		}
		var ticked []string
		b.do(http.MethodGet, "/events/devcon/settings", "", "").doc.Find(`ol.chosen-countries input:checked`).Each(func(_ int, in *goquery.Selection) {
			v, _ := in.Attr("value")
			ticked = append(ticked, v)
		})
		if !slices.Equal(ticked, []string{"CH", "AT", "DE"}) {
			t.Errorf("the settings page lists %v on top, want CH AT DE", ticked)
		}
	})
	t.Run("unticking may cancel removes the cancel button from the status page", func(t *testing.T) {
		order, err := s.db.PlaceOrder(ctx, ev.ID, orderForProduct(storefront.Catalogue{Products: []storefront.Product{hat}}, "Cap"))
		if err != nil {
			t.Fatal(err)
		}
		status := storefront.OrderLinks{Key: testSecret}.Path(ev.ID, order.Number)
		if r := s.get("devcon.shop.test", status); r.status != 200 || r.doc.Find("form.cancel").Length() != 1 {
			t.Fatalf("before: %d, cancel forms %d", r.status, r.doc.Find("form.cancel").Length())
		}
		if r := save(settingsForm(csrf, "ships", "on", "common_countries", "CH")); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		waitFor(t, time.Second, func() bool {
			r := s.get("devcon.shop.test", status)
			return r.status == 200 && r.doc.Find("form.cancel").Length() == 0
		})
	})
	t.Run("a bad reply-to address is refused naming the field, keeps what was typed and changes nothing", func(t *testing.T) {
		before := stored()
		r := save(settingsForm(csrf, "attendee_can_cancel", "on", "common_countries", "FR", "reply_to", "not an email"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(".problems"), "reply-to address") {
			t.Fatalf("status %d, %q", r.status, r.text(".problems"))
		}
		if v, _ := r.doc.Find(`input[name="reply_to"]`).Attr("value"); v != "not an email" {
			t.Errorf("reply-to not kept: %q", v)
		}
		if r.doc.Find(`input[name="ships"]:checked`).Length() != 0 || r.doc.Find(`input[name="attendee_can_cancel"]:checked`).Length() != 1 {
			t.Error("the ticks typed were not kept")
		}
		if v, _ := r.doc.Find(`ol.chosen-countries input:checked`).Attr("value"); v != "FR" {
			t.Errorf("the chosen country was not kept: %q", v)
		}
		after := stored()
		if after.Ships != before.Ships || after.AttendeeCanCancel != before.AttendeeCanCancel || after.ReplyTo != before.ReplyTo ||
			!slices.Equal(after.CommonCountries, before.CommonCountries) {
			t.Fatalf("a refused form changed the settings: %+v, was %+v", after, before)
		}
	})
	t.Run("more than ten countries on top are refused", func(t *testing.T) {
		before := stored().CommonCountries
		v := settingsForm(csrf, "ships", "on")
		for _, c := range []string{"AT", "BE", "CH", "DE", "DK", "ES", "FR", "IT", "NL", "PL", "SE"} {
			v.Add("common_countries", c)
		}
		if r := save(v); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(".problems"), "at most 10") {
			t.Fatalf("status %d, %q", r.status, r.text(".problems"))
		}
		if got := stored().CommonCountries; !slices.Equal(got, before) {
			t.Fatalf("stored %v, was %v", got, before)
		}
	})
	t.Run("a good reply-to address is stored", func(t *testing.T) {
		if r := save(settingsForm(csrf, "ships", "on", "reply_to", " Orders@DevCon.example ")); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.text(".problems"))
		}
		if got := stored().ReplyTo; got != "orders@devcon.example" {
			t.Fatalf("reply-to %q", got)
		}
		r := b.do(http.MethodGet, "/events/devcon/settings?saved=settings", "", "")
		if v, _ := r.doc.Find(`input[name="reply_to"]`).Attr("value"); v != "orders@devcon.example" || r.text("#flash") != "Settings saved." {
			t.Errorf("page after saving: reply-to %q, notice %q", v, r.text("#flash"))
		}
	})
	t.Run("the event's navigation links to the settings", func(t *testing.T) {
		if href, _ := b.do(http.MethodGet, "/events/devcon/dashboard", "", "").doc.Find("nav.console-nav a.settings-link").Attr("href"); href != "/events/devcon/settings" {
			t.Fatalf("link %q", href)
		}
	})
	t.Run("fulfilment staff get 404 and no link", func(t *testing.T) {
		f := fulfilmentMember(t, s, ev)
		if r := f.do(http.MethodGet, "/events/devcon/settings", "", ""); r.status != 404 {
			t.Fatalf("GET: %d", r.status)
		}
		fcsrf := csrfOf(f.do(http.MethodGet, "/", "", ""))
		if r := f.post("/events/devcon/settings", settingsForm(fcsrf, "attendee_can_cancel", "on")); r.status != 404 {
			t.Fatalf("POST: %d", r.status)
		}
		if f.do(http.MethodGet, "/events/devcon/dashboard", "", "").doc.Find("a.settings-link").Length() != 0 {
			t.Error("the navigation links fulfilment to the settings")
		}
		if stored().AttendeeCanCancel {
			t.Fatal("fulfilment changed the settings")
		}
	})
	t.Run("a member of devcon only gets 404 for another event's settings", func(t *testing.T) {
		other, err := s.db.TenantBySlug(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		if r := b.do(http.MethodGet, "/events/other/settings", "", ""); r.status != 404 {
			t.Fatalf("GET: %d", r.status)
		}
		if r := b.post("/events/other/settings", settingsForm(csrf, "ships", "on")); r.status != 404 {
			t.Fatalf("POST: %d", r.status)
		}
		if st, _ := s.db.Settings(ctx, other.ID); st.Ships {
			t.Fatal("the other event's settings changed")
		}
	})
}

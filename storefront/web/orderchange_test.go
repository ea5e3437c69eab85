package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/address"
)

// orderItems is an order's lines in the database.
func orderItems(t *testing.T, sh *shop, number string) []storefront.Item {
	t.Helper()
	o, err := sh.s.db.OrderByNumber(context.Background(), sh.ev.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	return o.Items
}

func TestAttendeesChangeTheirOrder(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "changes")
	other := newShop(t, s, "elsewhere")
	u := placedOrder(t, sh) // a shirt in M (line 0) and a hoodie (line 1)
	number, sig := strings.TrimPrefix(u.Path, "/orders/"), url.QueryEscape(u.Query().Get("sig"))
	changePath := "/orders/" + number + "/change?sig=" + sig
	swapPath := "/orders/" + number + "/change/option?sig=" + sig
	cancelPath := "/orders/" + number + "/change/cancel-line?sig=" + sig
	shirtS, shirtXL := sh.shirt.Variants[0].ID.String(), sh.shirt.Variants[2].ID.String()

	t.Run("the status page leads to the change page, which offers the other sizes", func(t *testing.T) {
		status := sh.do(http.MethodGet, u.String(), "", "")
		if status.text("#change-order") != "Change this order" {
			t.Fatalf("no change button on the status page: %q", status.text("form.change"))
		}
		page := sh.do(http.MethodGet, changePath, "", "")
		if page.status != http.StatusOK || page.text("h1") != "Change order "+number {
			t.Fatalf("change page: %d %q", page.status, page.text("h1"))
		}
		if got := page.text("#line-0 select option:not([disabled])"); got != "S" {
			t.Errorf("sizes on offer %q, want S", got)
		}
		if got := page.text("#line-0 select option[disabled]"); got != "XL (sold out)" {
			t.Errorf("sold-out size %q", got)
		}
		if got := page.text("#line-1 .help"); got != "No other option at the same price." {
			t.Errorf("the hoodie's line says %q", got)
		}
	})
	changePage := sh.do(http.MethodGet, changePath, "", "")
	swap := func(variant string) *page {
		v := asBrowser(changePage, "#line-0 form.swap", "")
		v.Set("variant", variant)
		return sh.post(swapPath, v)
	}
	t.Run("a sold-out size is refused on the line, and nothing moves", func(t *testing.T) {
		r := swap(shirtXL)
		if r.status != http.StatusConflict || !strings.Contains(r.text("#line-0-error"), "sold out") {
			t.Fatalf("swap to XL: %d %q", r.status, r.text("#line-0-error"))
		}
		if _, ok := r.doc.Find(`#line-0 select[aria-invalid="true"]`).Attr("aria-describedby"); !ok {
			t.Error("the size select is not marked invalid")
		}
		if items := orderItems(t, sh, number); items[0].VariantID != sh.shirt.Variants[1].ID {
			t.Errorf("the line moved to %s", items[0].VariantLabel["en"])
		}
	})
	t.Run("another event's order, option or host is not found", func(t *testing.T) {
		if r := swap(other.shirt.Variants[0].ID.String()); r.status != http.StatusNotFound {
			t.Errorf("another event's option: %d", r.status)
		}
		csrf, _ := other.do(http.MethodGet, "/order", "", "").doc.Find(`input[name="csrf"]`).Attr("value")
		if r := other.do(http.MethodGet, changePath, "", ""); r.status != http.StatusNotFound {
			t.Errorf("the change page on another event's host: %d", r.status)
		}
		for _, path := range []string{swapPath, cancelPath} {
			if r := other.post(path, url.Values{"csrf": {csrf}, "line": {"0"}, "variant": {shirtS}}); r.status != http.StatusNotFound {
				t.Errorf("POST %s on another event's host: %d", path, r.status)
			}
		}
		if r := sh.do(http.MethodGet, "/orders/"+number+"/change?sig=forged", "", ""); r.status != http.StatusNotFound {
			t.Errorf("a forged signature: %d", r.status)
		}
	})
	t.Run("bad input names its field and changes nothing", func(t *testing.T) {
		v := asBrowser(changePage, "#line-0 form.swap", "")
		for _, c := range []struct{ line, variant, want string }{{"x", shirtS, "#problem"}, {"7", shirtS, "#problem"}, {"0", "not-a-uuid", "#line-0-error"}} {
			v.Set("line", c.line)
			v.Set("variant", c.variant)
			r := sh.post(swapPath, v)
			if r.status != http.StatusBadRequest || r.text(c.want) == "" {
				t.Errorf("line %q variant %q: %d, %s %q", c.line, c.variant, r.status, c.want, r.text(c.want))
			}
		}
		if r := sh.post(swapPath, url.Values{"line": {"0"}, "variant": {shirtS}}); r.status != http.StatusForbidden {
			t.Errorf("without the form token: %d", r.status)
		}
	})
	t.Run("a swap moves the line, says so and shows in the history", func(t *testing.T) {
		r := swap(shirtS)
		if r.status != http.StatusSeeOther {
			t.Fatalf("swap to S: %d %s", r.status, r.text("main"))
		}
		status := sh.do(http.MethodGet, r.header.Get("Location"), "", "")
		if status.text("#order-changed") == "" || !strings.Contains(status.text("table.items tbody"), "S") {
			t.Errorf("status after the swap: %q %q", status.text("#order-changed"), status.text("table.items tbody"))
		}
		last := status.doc.Find("ol.history li").Last()
		if got := last.Text(); !strings.Contains(got, "Option swapped") || !strings.Contains(got, "T-shirt: M → S") {
			t.Errorf("history %q", got)
		}
		if items := orderItems(t, sh, number); items[0].VariantID != sh.shirt.Variants[0].ID {
			t.Errorf("the line is %s", items[0].VariantLabel["en"])
		}
	})
	t.Run("cancelling a line takes it off; the last line is the order's to cancel", func(t *testing.T) {
		r := sh.post(cancelPath, asBrowser(changePage, "#line-1 form.cancel-line", ""))
		if r.status != http.StatusSeeOther {
			t.Fatalf("cancel the hoodie: %d", r.status)
		}
		if items := orderItems(t, sh, number); len(items) != 1 || items[0].ProductID != sh.shirt.ID {
			t.Fatalf("lines after cancelling the hoodie: %+v", items)
		}
		after := sh.do(http.MethodGet, changePath, "", "")
		if after.doc.Find("form.cancel-line").Length() != 0 || !strings.Contains(after.text("#line-0 .help"), "only item") {
			t.Errorf("the only line can still be cancelled: %q", after.text("#line-0"))
		}
		if again := sh.post(cancelPath, asBrowser(changePage, "#line-0 form.cancel-line", "")); again.status != http.StatusConflict {
			t.Errorf("cancelling the last line: %d", again.status)
		}
	})
	t.Run("a dispatched order cannot be changed", func(t *testing.T) {
		if _, err := s.db.ChangeOrderStatus(context.Background(), sh.ev.ID, number, storefront.StatusDispatched, "", uuid.New()); err != nil {
			t.Fatal(err)
		}
		if r := sh.do(http.MethodGet, changePath, "", ""); r.status != http.StatusConflict {
			t.Errorf("change page of a dispatched order: %d", r.status)
		}
		if r := swap(sh.shirt.Variants[1].ID.String()); r.status != http.StatusConflict {
			t.Errorf("swap on a dispatched order: %d", r.status)
		}
		if status := sh.do(http.MethodGet, u.String(), "", ""); status.doc.Find("#change-order").Length() != 0 {
			t.Error("the status page of a dispatched order offers changes")
		}
	})
}

func TestEventsThatDoNotAllowChanges(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "nochanges")
	settings := storefront.DefaultSettings()
	settings.AttendeeCanChange = false
	if err := s.db.SaveSettings(context.Background(), sh.ev.ID, settings); err != nil {
		t.Fatal(err)
	}
	s.changed(sh.ev.ID)
	u := placedOrder(t, sh)
	if status := sh.do(http.MethodGet, u.String(), "", ""); status.doc.Find("#change-order").Length() != 0 {
		t.Error("the status page offers changes")
	}
	if r := sh.do(http.MethodGet, u.Path+"/change?"+u.RawQuery, "", ""); r.status != http.StatusForbidden {
		t.Errorf("change page: %d", r.status)
	}
}

func TestAttendeesChangeTheirAddress(t *testing.T) {
	ctx := context.Background()
	s := newStorefrontApp(t)
	sh := newShop(t, s, "shipping")
	settings := storefront.DefaultSettings()
	settings.Ships, settings.CommonCountries = true, []string{"DE"}
	if err := s.db.SaveSettings(ctx, sh.ev.ID, settings); err != nil {
		t.Fatal(err)
	}
	s.changed(sh.ev.ID)
	o, err := s.db.PlaceOrder(ctx, sh.ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "ship@example.com", Name: "Ada", Locale: "en",
		Address: &address.Address{Name: "Ada", Line1: "Old Street 1", Locality: "Berlin", PostalCode: "10115", CountryCode: "DE"},
		Lines:   []storefront.Line{{ProductID: sh.hoodie.ID, VariantID: sh.hoodie.Variants[0].ID, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/orders/" + o.Number + "/change/address?sig=" + url.QueryEscape(s.handler.Links.Sign(sh.ev.ID, o.Number))
	page := sh.do(http.MethodGet, path, "", "")
	if page.status != http.StatusOK || page.doc.Find(`input[name="address.line1"][value="Old Street 1"]`).Length() != 1 {
		t.Fatalf("address page: %d %q", page.status, page.text("form"))
	}
	v := asBrowser(page, "form.address-change", "save")
	v.Set("address.locality", "")
	r := sh.post(path, v)
	if r.status != http.StatusUnprocessableEntity || r.text("#address\\.locality-error") == "" {
		t.Fatalf("without a city: %d %q", r.status, r.text(".error"))
	}
	v.Set("address.line1", "New Street 2")
	v.Set("address.locality", "Hamburg")
	v.Set("address.postal_code", "20095")
	if r := sh.post(path, v); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %q", r.status, r.text(".error"))
	}
	after, err := s.db.OrderByNumber(ctx, sh.ev.ID, o.Number)
	if err != nil {
		t.Fatal(err)
	}
	if after.Address.Line1 != "New Street 2" || after.Address.Locality != "Hamburg" || after.History[len(after.History)-1].Change != storefront.ChangeAddressChanged {
		t.Errorf("after the change: %+v, history %+v", after.Address, after.History)
	}
	// An event that does not ship has no address page.
	pickup := newShop(t, s, "pickup")
	u := placedOrder(t, pickup)
	if r := pickup.do(http.MethodGet, u.Path+"/change/address?"+u.RawQuery, "", ""); r.status != http.StatusConflict {
		t.Errorf("address page of an order not shipped: %d", r.status)
	}
}

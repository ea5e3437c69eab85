package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"marquee/storefront"
)

// placedOrder places the shop's valid order and returns its status link.
func placedOrder(t *testing.T, sh *shop) *url.URL {
	t.Helper()
	r := sh.post("/order", sh.validOrder())
	u, err := url.Parse(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || err != nil {
		t.Fatalf("order: %d %v", r.status, err)
	}
	return u
}

// orderStatus is an order's status in the database.
func orderStatus(t *testing.T, sh *shop, number string) storefront.Status {
	t.Helper()
	o, err := sh.s.db.OrderByNumber(context.Background(), sh.ev.ID, number)
	if err != nil {
		t.Fatal(err)
	}
	return o.Status
}

func TestCancelAsksToConfirm(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "cancels")
	other := newShop(t, s, "elsewhere")
	u := placedOrder(t, sh)
	number, sig := strings.TrimPrefix(u.Path, "/orders/"), u.Query().Get("sig")
	confirmPath := "/orders/" + number + "/cancel?sig=" + url.QueryEscape(sig)

	t.Run("the status page's button leads to the confirmation, cancelling nothing", func(t *testing.T) {
		status := sh.do(http.MethodGet, u.String(), "", "")
		if status.doc.Find(`form[method="post"] button.danger, form.cancel[method="post"]`).Length() != 0 {
			t.Fatal("the status page still cancels in one tap")
		}
		page := sh.do(http.MethodGet, confirmPath, "", "")
		if page.status != http.StatusOK || page.text("h1") != "Cancel order "+number+"?" {
			t.Fatalf("confirm page: %d %q", page.status, page.text("h1"))
		}
		if page.text("#confirm-cancel") != "Yes, cancel my order" || page.doc.Find(`a#keep-order[href="/orders/`+number+`?sig=`+url.QueryEscape(sig)+`"]`).Length() != 1 {
			t.Errorf("no confirm button or way back: %q", page.text("form.cancel-order"))
		}
		if !strings.Contains(page.text("ul.cancel-items"), "1 × T-shirt (M)") {
			t.Errorf("items %q", page.text("ul.cancel-items"))
		}
		if got := orderStatus(t, sh, number); got != storefront.StatusPlaced {
			t.Fatalf("after the GET the order is %s", got)
		}
	})
	t.Run("another event, or a bad signature, is a 404 and cancels nothing", func(t *testing.T) {
		csrf, _ := other.do(http.MethodGet, "/order", "", "").doc.Find(`input[name="csrf"]`).Attr("value")
		if r := other.do(http.MethodGet, confirmPath, "", ""); r.status != http.StatusNotFound {
			t.Errorf("GET on another event: %d", r.status)
		}
		if r := other.post(confirmPath, url.Values{"csrf": {csrf}}); r.status != http.StatusNotFound {
			t.Errorf("POST on another event: %d", r.status)
		}
		if r := sh.do(http.MethodGet, "/orders/"+number+"/cancel?sig=forged", "", ""); r.status != http.StatusNotFound {
			t.Errorf("a forged signature: %d", r.status)
		}
		if got := orderStatus(t, sh, number); got != storefront.StatusPlaced {
			t.Fatalf("the order is %s", got)
		}
	})
	t.Run("a POST without the form token, or a forged one, is refused", func(t *testing.T) {
		for _, v := range []url.Values{{}, {"csrf": {"forged"}}} {
			if r := sh.post(confirmPath, v); r.status != http.StatusForbidden {
				t.Errorf("csrf %q: %d", v.Get("csrf"), r.status)
			}
		}
		if got := orderStatus(t, sh, number); got != storefront.StatusPlaced {
			t.Fatalf("the order is %s", got)
		}
	})
	t.Run("the confirmation's form cancels", func(t *testing.T) {
		page := sh.do(http.MethodGet, confirmPath, "", "")
		action, _ := page.doc.Find("form.cancel-order").Attr("action")
		r := sh.post(action, asBrowser(page, "form.cancel-order", ""))
		if r.status != http.StatusSeeOther || orderStatus(t, sh, number) != storefront.StatusCancelled {
			t.Fatalf("cancel: %d, order %s", r.status, orderStatus(t, sh, number))
		}
		if again := sh.do(http.MethodGet, confirmPath, "", ""); again.status != http.StatusConflict || !strings.Contains(again.body, "can no longer be cancelled") {
			t.Errorf("confirming a cancelled order: %d", again.status)
		}
	})
}

func TestStatusPageInTheEventsTimeZone(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "zoned")
	settings := storefront.DefaultSettings()
	settings.TimeZone, settings.PickupPlace, settings.PickupDetails = "America/New_York", "Registration desk, Hall A", "Friday 9:00 to 17:00.\n\nBring your order number."
	if err := s.db.SaveSettings(context.Background(), sh.ev.ID, settings); err != nil {
		t.Fatal(err)
	}
	s.changed(sh.ev.ID)
	u := placedOrder(t, sh)
	page := sh.do(http.MethodGet, u.String(), "", "")
	o, err := s.db.OrderByNumber(context.Background(), sh.ev.ID, strings.TrimPrefix(u.Path, "/orders/"))
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := storefront.LoadTimeZone("America/New_York")
	wantTime := o.CreatedAt.In(ny).Format("15:04")
	for _, sel := range []string{".placed", "ol.history li .when"} {
		if got := page.text(sel); !strings.Contains(got, wantTime) || !strings.Contains(got, "EST") && !strings.Contains(got, "EDT") || strings.Contains(got, "UTC") {
			t.Errorf("%s says %q, want %s in New York's zone, named", sel, got, wantTime)
		}
	}
	if page.text(".pickup .pickup-place") != "Registration desk, Hall A" || page.doc.Find(".pickup p").Length() != 3 {
		t.Errorf("pick-up facts %q", page.text(".pickup"))
	}
}

func TestOrderPagesDescribeThemselves(t *testing.T) {
	s := newStorefrontApp(t)
	sh := newShop(t, s, "described")
	u := placedOrder(t, sh)
	number := strings.TrimPrefix(u.Path, "/orders/")
	v := sh.validOrder()
	v.Set("action", "review")
	for name, p := range map[string]*page{
		"order form": sh.do(http.MethodGet, "/order", "", ""),
		"review":     sh.post("/order", v),
		"status":     sh.do(http.MethodGet, u.String(), "", ""),
		"cancel":     sh.do(http.MethodGet, "/orders/"+number+"/cancel?"+u.RawQuery, "", ""),
	} {
		want := "Order your merchandise for described en." // the event's, as every page without one of its own
		if name == "status" || name == "cancel" {
			want = "Your order " + number + " at described en: what you ordered and where it stands."
		}
		if got, _ := p.doc.Find(`meta[name="description"]`).Attr("content"); p.status != 200 || got != want {
			t.Errorf("%s: %d, description %q, want %q", name, p.status, got, want)
		}
	}
	t.Run("the language links of a signed page keep its signature", func(t *testing.T) {
		status := sh.do(http.MethodGet, u.String(), "", "")
		href, _ := status.doc.Find(`nav.languages a[hreflang="de"]`).Attr("href")
		de := sh.do(http.MethodGet, u.Path+href, "", "")
		if de.status != 200 || de.doc.Find("html[lang=de]").Length() != 1 {
			t.Fatalf("German link %q: %d", href, de.status)
		}
	})
}

package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// csrfCookie is the visitor's CSRF cookie on the shop's host.
func csrfCookie(t *testing.T, sh *shop) string {
	t.Helper()
	for _, c := range sh.client.Jar.Cookies(&url.URL{Scheme: "http", Host: sh.host, Path: "/"}) {
		if c.Name == "csrf" {
			return c.Value
		}
	}
	t.Fatal("no CSRF cookie")
	return ""
}

// postWithCookie posts form to the shop's host with only the given CSRF
// cookie, as a forger holding a pair taken elsewhere would.
func postWithCookie(t *testing.T, sh *shop, cookie string, form url.Values, headers ...string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, sh.s.url+"/order", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = sh.host
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", "csrf="+cookie)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestStorefrontCSRFIsBoundToTheEventsHost(t *testing.T) {
	s := startServer(t, defaultConfig())
	alpha, beta := newShop(t, s, "north"), newShop(t, s, "south")
	alphaForm := alpha.validOrder()
	alphaCookie := csrfCookie(t, alpha)

	t.Run("a token and cookie pair taken from one event places no order on another", func(t *testing.T) {
		order := beta.validOrder() // beta's products and key, alpha's token and cookie
		order.Set("csrf", alphaForm.Get("csrf"))
		if got := postWithCookie(t, beta, alphaCookie, order); got != http.StatusForbidden {
			t.Errorf("status %d, want 403", got)
		}
		if beta.orders() != 0 {
			t.Fatal("an order was placed with another event's token")
		}
	})
	t.Run("Origin: null is refused even with a valid token", func(t *testing.T) {
		if got := postWithCookie(t, alpha, alphaCookie, alphaForm, "Origin", "null"); got != http.StatusForbidden {
			t.Errorf("status %d, want 403", got)
		}
		if alpha.orders() != 0 {
			t.Fatal("an order was placed from Origin: null")
		}
	})
	t.Run("the event's own pair, from its own origin, places the order", func(t *testing.T) {
		if got := postWithCookie(t, alpha, alphaCookie, alphaForm, "Origin", "http://north.shop.test"); got != http.StatusSeeOther {
			t.Errorf("status %d, want 303", got)
		}
		if alpha.orders() != 1 {
			t.Fatalf("%d orders, want 1", alpha.orders())
		}
	})
}

package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/tenant"
	tenantweb "marquee/tenant/web"
)

// TestKeepWithHost: what a handler keeps with a Host header reaches the
// next requests with that header, and no other host's.
func TestKeepWithHost(t *testing.T) {
	r := tenant.NewResolver("shop.test", &growingStore{devconID: uuid.New()}, tenant.MemoOptions{})
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(tenantweb.Resolve(r, tenantweb.Proxies{netip.MustParsePrefix("0.0.0.0/32")}))
	drops := map[string]func(){}
	app.Get("/", func(c *fiber.Ctx) error {
		kept, _ := tenantweb.KeptWithHost(c).(*string)
		if v := strings.Clone(c.Query("keep")); v != "" { // not the request buffer's bytes, which the next request reuses
			drops[v] = tenantweb.KeepWithHost(c, &v)
		}
		if kept == nil {
			return c.SendString("nothing")
		}
		return c.SendString(*kept)
	})
	get := func(path, host string, headers ...string) string {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Host = host
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := app.Test(req, 5000)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s on %s: %d %s", path, host, res.StatusCode, body)
		}
		return string(body)
	}
	if got := get("/?keep=first", "devcon.shop.test"); got != "nothing" {
		t.Fatalf("the host's first request found %q kept, want nothing", got)
	}
	for _, c := range []struct{ name, host, want string }{
		{"the same Host header", "devcon.shop.test", "first"},
		{"another spelling of the host (a header of its own)", "devcon.shop.test:8080", "nothing"},
	} {
		if got := get("/", c.host); got != c.want {
			t.Errorf("%s: found %q kept, want %q", c.name, got, c.want)
		}
	}
	get("/?keep=second", "devcon.shop.test")
	if got := get("/", "devcon.shop.test"); got != "second" {
		t.Errorf("after a second keep: found %q, want %q", got, "second")
	}
	t.Run("dropping what was replaced since leaves the new keepsake", func(t *testing.T) {
		drops["first"]()
		if got := get("/", "devcon.shop.test"); got != "second" {
			t.Errorf("found %q, want %q", got, "second")
		}
	})
	t.Run("dropping the keepsake leaves nothing", func(t *testing.T) {
		drops["second"]()
		if got := get("/", "devcon.shop.test"); got != "nothing" {
			t.Errorf("found %q, want nothing", got)
		}
		get("/?keep=second", "devcon.shop.test")
	})
	t.Run("a forwarded host keeps nothing", func(t *testing.T) {
		get("/?keep=forwarded", "proxy.internal", "X-Forwarded-Host", "devcon.shop.test")
		if drops["forwarded"] != nil {
			t.Error("keeping with a forwarded host gave a drop")
		}
		if got := get("/", "proxy.internal", "X-Forwarded-Host", "devcon.shop.test"); got != "nothing" {
			t.Errorf("a forwarded host found %q kept, want nothing", got)
		}
		if got := get("/", "devcon.shop.test"); got != "second" {
			t.Errorf("the Host header's keepsake became %q, want %q", got, "second")
		}
	})
}

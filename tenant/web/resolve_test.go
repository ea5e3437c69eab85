package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/valyala/fasthttp"

	"marquee"
	"marquee/tenant"
	tenantweb "marquee/tenant/web"
)

// growingStore knows devcon until gone is set, and newcon once opened is
// set.
type growingStore struct {
	opened, gone atomic.Bool
	devconID     uuid.UUID
}

func (s *growingStore) TenantBySlug(_ context.Context, slug string) (*tenant.Tenant, error) {
	if (slug == "devcon" && !s.gone.Load()) || (slug == "newcon" && s.opened.Load()) {
		return &tenant.Tenant{ID: s.devconID, Slug: slug, Name: slug}, nil
	}
	return nil, marquee.New(marquee.ENOTFOUND, "error.not_found")
}

func (*growingStore) TenantByDomain(context.Context, string) (*tenant.Tenant, error) {
	return nil, marquee.New(marquee.ENOTFOUND, "error.not_found")
}

// resolveApp answers every path with the event's slug and the host
// Resolve routed by.
func resolveApp(r *tenant.Resolver) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(marquee.HTTPStatus(err)).SendString("error")
	}})
	app.Use(tenantweb.Resolve(r, nil))
	app.Get("/", func(c *fiber.Ctx) error {
		return c.SendString(tenantweb.FromCtx(c).Slug + " " + tenantweb.HostFromCtx(c))
	})
	return app
}

func fetch(t *testing.T, app *fiber.App, host string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Host = host
	res, err := app.Test(req, 5000)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body [256]byte
	n, _ := res.Body.Read(body[:])
	return res.StatusCode, string(body[:n])
}

func TestResolveRemembersHosts(t *testing.T) {
	store := &growingStore{devconID: uuid.New()}
	r := tenant.NewResolver("shop.test", store, tenant.MemoOptions{})
	app := resolveApp(r)
	t.Run("every spelling of an event's host, again and again, routes by its normalised form", func(t *testing.T) {
		for range 3 {
			for _, host := range []string{"devcon.shop.test", "DevCon.Shop.Test:8080", "devcon.shop.test."} {
				if status, body := fetch(t, app, host); status != 200 || body != "devcon devcon.shop.test" {
					t.Errorf("%s: %d %q, want 200 %q", host, status, body, "devcon devcon.shop.test")
				}
			}
		}
	})
	t.Run("a Host header of any length routes by its normalised form", func(t *testing.T) {
		// 48 bytes, kept beside the host (namedHost), and 49, kept apart.
		long := tenant.NewResolver("abcdefghijk.abcdefghij.abcdefghij.example", store, tenant.MemoOptions{})
		longApp := resolveApp(long)
		want := "devcon devcon.abcdefghijk.abcdefghij.abcdefghij.example"
		for range 3 {
			for _, host := range []string{"devcon.abcdefghijk.abcdefghij.abcdefghij.example", "devcon.abcdefghijk.abcdefghij.abcdefghij.example."} {
				if status, body := fetch(t, longApp, host); status != 200 || body != want {
					t.Errorf("%s (%d bytes): %d %q, want 200 %q", host, len(host), status, body, want)
				}
			}
		}
	})
	t.Run("a malformed host is refused every time", func(t *testing.T) {
		for range 2 {
			if status, _ := fetch(t, app, "devcon..shop.test"); status != 400 {
				t.Errorf("devcon..shop.test: %d, want 400", status)
			}
		}
	})
	t.Run("a host that was no event answers once the event exists", func(t *testing.T) {
		if status, _ := fetch(t, app, "newcon.shop.test"); status != 404 {
			t.Fatalf("newcon before it exists: %d, want 404", status)
		}
		store.opened.Store(true)
		r.ForgetAll() // what a new event's notification does
		if status, body := fetch(t, app, "newcon.shop.test"); status != 200 || body != "newcon newcon.shop.test" {
			t.Errorf("newcon after it opened: %d %q", status, body)
		}
	})
	t.Run("a remembered host follows its event's change at once", func(t *testing.T) {
		store.gone.Store(true)
		r.Forget(store.devconID) // what the event's deletion notifies
		for _, host := range []string{"devcon.shop.test", "DevCon.Shop.Test:8080"} {
			if status, body := fetch(t, app, host); status != 404 {
				t.Errorf("%s after the event was deleted: %d %q, want 404", host, status, body)
			}
		}
	})
}

// BenchmarkResolve compares host resolution as it was (the Host header
// copied and normalised on every request) with Resolve's remembered hosts,
// over 1,000 events' hosts.
func BenchmarkResolve(b *testing.B) {
	r := tenant.NewResolver("shop.test", anyEvent{}, tenant.MemoOptions{})
	hosts := make([][]byte, 1000)
	for i := range hosts {
		hosts[i] = []byte("ev" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676)) + ".shop.test")
	}
	before := func(c *fiber.Ctx) error {
		host, err := tenant.NormalizeHost(tenantweb.RequestHost(c, nil))
		if err != nil {
			return err
		}
		t, err := r.Resolve(c.UserContext(), host)
		if err != nil {
			return err
		}
		c.Locals("marquee.tenant", t)
		c.Locals("marquee.host", host)
		c.SetUserContext(tenant.NewContext(c.UserContext(), t))
		return c.Next()
	}
	for _, bc := range []struct {
		name string
		mw   fiber.Handler
	}{{"before", before}, {"after", tenantweb.Resolve(r, nil)}} {
		app := fiber.New(fiber.Config{DisableStartupMessage: true})
		app.Use(bc.mw)
		app.Get("/", func(c *fiber.Ctx) error { return nil })
		h := app.Handler()
		b.Run(bc.name, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				ctx.Request.Reset()
				ctx.Response.Reset()
				ctx.Request.SetRequestURI("/")
				ctx.Request.Header.SetHostBytes(hosts[i%len(hosts)])
				i++
				h(&ctx)
				if ctx.Response.StatusCode() != 200 {
					b.Fatalf("status %d", ctx.Response.StatusCode())
				}
			}
		})
	}
}

// anyEvent is a store in which every slug is an event.
type anyEvent struct{}

func (anyEvent) TenantBySlug(_ context.Context, slug string) (*tenant.Tenant, error) {
	return &tenant.Tenant{ID: uuid.New(), Slug: slug}, nil
}

func (anyEvent) TenantByDomain(context.Context, string) (*tenant.Tenant, error) {
	return nil, marquee.New(marquee.ENOTFOUND, "error.not_found")
}

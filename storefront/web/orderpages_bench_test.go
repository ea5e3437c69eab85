package web

import (
	"testing"

	"github.com/google/uuid"
	"github.com/valyala/fasthttp"

	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/tenant/web/webtest"
)

// BenchmarkOrderPages is what an attendee of a shop opening loads besides
// the event's page, served in process (no network) by the storefront as
// serve mounts it on a real database: the empty order form as kept with
// the Site ("form"), the form rendered for the request as every form was
// before it was kept ("form-rendered": a product the event does not have
// preselects nothing, so it is the same page), and an order's status page
// ("status": its order read from the database).
func BenchmarkOrderPages(b *testing.B) {
	s := newStorefrontApp(b)
	sh := newShop(b, s, "benchshop")
	sh.form() // the visitor's CSRF cookie
	order := dbtest.PlaceOrder(b, s.db, sh.ev.ID, sh.hoodie, 0, "Ada")
	links := storefront.OrderLinks{Key: []byte(webtest.SecretKey)}
	handler := s.app.Handler()
	for _, bc := range []struct{ name, uri string }{
		{"form", "/order"},
		{"form-rendered", "/order?product=" + uuid.NewString()},
		{"status", links.Path(sh.ev.ID, order.Number)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var ctx fasthttp.RequestCtx
			b.ReportAllocs()
			for b.Loop() {
				ctx.Request.Reset() // as fasthttp's server does between requests
				ctx.Response.Reset()
				ctx.ResetUserValues()
				ctx.Request.SetRequestURI(bc.uri)
				ctx.Request.Header.SetHost(sh.visitor.host)
				ctx.Request.Header.Set("Accept-Language", "en")
				for name, value := range sh.visitor.cookies {
					ctx.Request.Header.SetCookie(name, value)
				}
				handler(&ctx)
				if ctx.Response.StatusCode() != 200 {
					b.Fatalf("GET %s: status %d: %.300s", bc.uri, ctx.Response.StatusCode(), ctx.Response.Body())
				}
			}
		})
	}
}

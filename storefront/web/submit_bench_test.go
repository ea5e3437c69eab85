package web

import (
	"net/url"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/valyala/fasthttp"

	"marquee/storefront"
)

// BenchmarkSubmitOrder is bench/orders's request served in process (no
// network) by the storefront as serve mounts it, on a real database: an
// attendee's POST /order of one unit (the CSRF token and cookie, a fresh
// idempotency key, name and email), answered by the redirect to the
// order's page. Profile it to see what the order path costs in Go beside
// PlaceOrder (BenchmarkPlaceOrder in db); go-µs/order is this process's
// CPU per order.
func BenchmarkSubmitOrder(b *testing.B) {
	s := newStorefrontApp(b)
	ev := s.event("submitbench", "en")
	many := 100_000_000
	pen := s.product(ev, storefront.Product{Name: storefront.Text{"en": "Pen"},
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "Blue"}, Stock: &many}}})
	v := s.visitor("submitbench." + testBase)
	token := v.orderForm().Get("csrf")
	handler := s.app.Handler()
	form := url.Values{"csrf": {token}, "action": {"place"}, "line.0.product": {pen.ID.String()},
		"line.0.variant": {pen.Variants[0].ID.String()}, "line.0.quantity": {"1"}, "name": {"Bench"}}
	var ctx fasthttp.RequestCtx
	cpu := processCPU()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		form.Set("idempotency_key", uuid.NewString())
		form.Set("email", "b"+strconv.Itoa(n)+"@example.com")
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.ResetUserValues() // as fasthttp's server does for each request
		ctx.Request.Header.SetMethod("POST")
		ctx.Request.SetRequestURI("/order")
		ctx.Request.Header.SetHost(v.host)
		ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
		for name, value := range v.cookies {
			ctx.Request.Header.SetCookie(name, value)
		}
		ctx.Request.SetBodyString(form.Encode())
		handler(&ctx)
		if ctx.Response.StatusCode() != 303 {
			b.Fatalf("POST /order: status %d: %.300s", ctx.Response.StatusCode(), ctx.Response.Body())
		}
	}
	b.ReportMetric(float64((processCPU()-cpu).Microseconds())/float64(b.N), "go-µs/order")
}

// processCPU is the CPU time this process used so far (getrusage), which
// waiting on the database does not inflate.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

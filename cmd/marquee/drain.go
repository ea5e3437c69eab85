package main

import (
	"errors"
	"io"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// tuneServer sets what Fiber's config cannot on app's fasthttp server: body
// limits decided from the headers, the end of each request (no streamed
// body to HEAD; the rest of an unread body; Connection: close while
// draining), and silence for clients that leave before sending a request.
func (p *platform) tuneServer(app *fiber.App) {
	srv := app.Server()
	srv.HeaderReceived = bodyLimits{console: "console." + p.cfg.BaseDomain}.check
	handle := srv.Handler
	srv.Handler = func(ctx *fasthttp.RequestCtx) {
		handle(ctx)
		if ctx.IsHead() && ctx.Response.IsBodyStream() {
			// fasthttp ends a streamed answer to HEAD with the chunked
			// trailer's empty line though it sends no body; the client
			// would read that line as the start of its next answer.
			ctx.Response.ResetBody()
		}
		finishBody(ctx)
		if p.draining.Load() {
			// The client's next request opens a new connection, which the
			// load balancer sends to a replica that is not going away.
			ctx.Response.SetConnectionClose()
		}
	}
	srv.ErrorHandler = p.unlessClientLeft(srv.ErrorHandler)
}

// drain is the first step of stopping, the one a rolling update needs:
// /readyz answers 503 from now on, so load balancers take this replica out
// of rotation, and serving goes on for DRAIN_DELAY while they notice, with
// every response closing its connection. Shutting down (the listener
// closes, idle connections are closed, requests in flight get
// SHUTDOWN_TIMEOUT) comes after.
func (p *platform) drain() {
	p.draining.Store(true)
	p.log.Info("draining", "delay", p.cfg.DrainDelay, "shutdown_timeout", p.cfg.ShutdownTimeout)
	time.Sleep(p.cfg.DrainDelay)
}

// readyzDraining answers /readyz while the replica drains.
const readyzDraining = "draining\n"

// unlessClientLeft passes an error met while reading a request to onError,
// unless it only says that the client went away: it closed or reset the
// connection (after a TLS handshake, say) or sent an alert. Nobody would
// read an answer, and Fiber would log each as a 502 error: an alert flood
// anyone could cause. A timeout still gets its 408.
func (p *platform) unlessClientLeft(onError func(*fasthttp.RequestCtx, error)) func(*fasthttp.RequestCtx, error) {
	return func(ctx *fasthttp.RequestCtx, err error) {
		if clientLeft(err) {
			p.log.Debug("connection closed without a complete request", "remote", ctx.RemoteAddr().String(), "err", err)
			ctx.SetConnectionClose()
			return
		}
		onError(ctx, err)
	}
}

func clientLeft(err error) bool {
	var netErr net.Error
	if errors.As(err, &netErr) {
		return !netErr.Timeout()
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

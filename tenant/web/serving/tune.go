package serving

import (
	"errors"
	"io"
	"log/slog"
	"net"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Options are what Tune needs to know of the platform.
type Options struct {
	// ConsoleHost is console.BASE_DOMAIN, whose multipart requests are
	// uploads (UploadBodyLimit).
	ConsoleHost string
	// Draining reports whether the replica is draining: every response
	// then closes its connection.
	Draining func() bool
	// Log gets a debug line for each client that left before sending a
	// request.
	Log *slog.Logger
	// Pressure, when set, counts the requests in flight.
	Pressure *Pressure
}

// Tune sets what Fiber's config cannot on app's fasthttp server: body
// limits decided from the headers, the end of each request (no streamed
// body to HEAD; the rest of an unread body; Connection: close while
// draining), and silence for clients that leave before sending a request.
func Tune(app *fiber.App, o Options) {
	srv := app.Server()
	srv.HeaderReceived = bodyLimits{console: o.ConsoleHost}.check
	handle := srv.Handler
	srv.Handler = func(ctx *fasthttp.RequestCtx) {
		if p := o.Pressure; p != nil {
			p.inFlight.Add(1)
			defer p.inFlight.Add(-1)
		}
		handle(ctx)
		if ctx.IsHead() && ctx.Response.IsBodyStream() {
			// fasthttp ends a streamed answer to HEAD with the chunked
			// trailer's empty line though it sends no body; the client
			// would read that line as the start of its next answer.
			ctx.Response.ResetBody()
		}
		finishBody(ctx)
		if o.Draining() {
			// The client's next request opens a new connection, which the
			// load balancer sends to a replica that is not going away.
			ctx.Response.SetConnectionClose()
		}
	}
	srv.ErrorHandler = unlessClientLeft(o.Log, srv.ErrorHandler)
}

// unlessClientLeft passes an error met while reading a request to onError,
// unless it only says that the client went away: it closed or reset the
// connection (after a TLS handshake, say) or sent an alert. Nobody would
// read an answer, and Fiber would log each as a 502 error: an alert flood
// anyone could cause. A timeout still gets its 408.
func unlessClientLeft(log *slog.Logger, onError func(*fasthttp.RequestCtx, error)) func(*fasthttp.RequestCtx, error) {
	return func(ctx *fasthttp.RequestCtx, err error) {
		if clientLeft(err) {
			log.Debug("connection closed without a complete request", "remote", ctx.RemoteAddr().String(), "err", err)
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

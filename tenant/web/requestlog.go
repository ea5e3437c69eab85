package web

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"go.opentelemetry.io/otel/trace"

	"marquee/tenant"
)

// RequestLog is the middleware that writes one structured line per
// request, the only line a failed request gets: its request id (the
// response's X-Request-Id, which RequestID in front sets), method, host, path, event (Resolve's),
// status and duration, with the cause of a server error (left by the error
// handler or the handler that answered it, NoteFailure). It renders errors
// itself (with the app's error handler, onError) so the logged status is
// the one the client got; an error handler that fails leaves a 500. A 503
// is a warning (a dependency is away or an event is closed: no bug to
// fix), any other 5xx an error, the rest information. With a JSONLog
// handler the line is appended into a pooled buffer (WriteRequest), with
// any other handler it goes through slog: the same fields either way.
func RequestLog(log *slog.Logger, onError fiber.ErrorHandler) fiber.Handler {
	return RequestLogTo(log, onError, nil)
}

// RequestObserver is told of every request the log sees, with the status
// it logs and how long the request took (the metrics: it must neither
// allocate nor lock).
type RequestObserver interface {
	ObserveRequest(c *fiber.Ctx, status int, took time.Duration)
}

// RequestLogTo is RequestLog that also tells obs (nil: nobody) of every
// request; the clock is read once for both.
func RequestLogTo(log *slog.Logger, onError fiber.ErrorHandler, obs RequestObserver) fiber.Handler {
	fast, _ := log.Handler().(*JSONLog)
	return func(c *fiber.Ctx) error {
		start := c.Context().Time() // when fasthttp took the request: the clock is not read twice
		if start.IsZero() {         // a handler called without fasthttp's server
			start = time.Now()
		}
		if err := c.Next(); err != nil {
			if herr := onError(c, err); herr != nil {
				c.Status(fiber.StatusInternalServerError)
			}
		}
		status := c.Response().StatusCode()
		var now time.Time
		if obs != nil {
			now = time.Now()
			obs.ObserveRequest(c, status, now.Sub(start))
		}
		level := slog.LevelInfo
		switch {
		case status == fiber.StatusServiceUnavailable:
			level = slog.LevelWarn
		case status >= 500:
			level = slog.LevelError
		}
		if !log.Enabled(c.UserContext(), level) {
			return nil
		}
		slug := ""
		if k, ok := c.UserContext().(*tenant.Context); ok {
			slug = k.Slug() // in the bytes of the host's lookup, for a remembered host (normalHost.context)
		} else if t := FromCtx(c); t != nil {
			slug = t.Slug
		}
		rid := c.Response().Header.Peek(fiber.HeaderXRequestID) // the response's bytes, as the client gets them
		if fast != nil {
			// The id's and the host's bytes stay the response's and the
			// request's until the handler returns, after the line is
			// written.
			if now.IsZero() {
				now = time.Now()
			}
			fast.WriteRequest(c.UserContext(), RequestLine{Time: now, Level: level, RequestID: utils.UnsafeString(rid),
				Method: c.Method(), Host: utils.UnsafeString(c.Request().Host()), Path: c.Path(),
				Tenant: slug, Status: status, Duration: now.Sub(start), Err: Failure(c),
				TraceID: trace.SpanContextFromContext(c.UserContext()).TraceID()})
			return nil
		}
		attrs := []slog.Attr{slog.String("request_id", string(rid)), slog.String("method", c.Method()),
			slog.String("host", string(c.Request().Host())), slog.String("path", c.Path()),
			slog.String("tenant", slug), slog.Int("status", status),
			slog.Duration("duration", time.Since(start))}
		if id := trace.SpanContextFromContext(c.UserContext()).TraceID(); id.IsValid() {
			attrs = append(attrs, slog.String("trace_id", id.String()))
		}
		if cause := Failure(c); cause != nil {
			attrs = append(attrs, slog.Any("err", cause))
		}
		log.LogAttrs(c.UserContext(), level, "request", attrs...)
		return nil
	}
}

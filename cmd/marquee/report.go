package main

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/getsentry/sentry-go"
	"github.com/gofiber/fiber/v2"

	tenantweb "marquee/tenant/web"
)

// reporter sends every internal error (a 5xx other than 503, panics
// included: the recover middleware makes them 500s) to Sentry when
// SENTRY_DSN is set, with the request id, the event's slug and the route,
// and nothing of the request itself: no headers, cookies, query, body,
// client address or user.
type reporter struct {
	client *sentry.Client
}

func newReporter(dsn string) (*reporter, error) {
	client, err := sentry.NewClient(sentry.ClientOptions{Dsn: dsn, SendDefaultPII: false, AttachStacktrace: true,
		BeforeSend: func(e *sentry.Event, _ *sentry.EventHint) *sentry.Event {
			e.Request, e.User, e.ServerName = nil, sentry.User{}, ""
			e.Breadcrumbs, e.Contexts = nil, nil
			return e
		}})
	if err != nil {
		return nil, errors.Join(errors.New("SENTRY_DSN"), err)
	}
	return &reporter{client: client}, nil
}

// ObserveRequest reports a request that failed with an internal error
// (tenant/web.RequestObserver).
func (r *reporter) ObserveRequest(c *fiber.Ctx, status int, _ time.Duration) {
	if status < 500 || status == http.StatusServiceUnavailable {
		return
	}
	err := tenantweb.Failure(c)
	if err == nil {
		err = errors.New(http.StatusText(status))
	}
	scope := sentry.NewScope()
	scope.SetTag("request_id", tenantweb.RequestIDOf(c))
	if t := tenantweb.FromCtx(c); t != nil {
		scope.SetTag("event", t.Slug)
	}
	scope.SetTag("route", c.Route().Method+" "+c.Route().Path)
	scope.SetTag("status", strconv.Itoa(status))
	r.client.CaptureException(err, nil, scope)
}

// flush waits for the reports under way, e.g. before the process exits.
func (r *reporter) flush() {
	if r != nil {
		r.client.Flush(5 * time.Second)
	}
}

// requestObservers is every RequestObserver of the platform as one.
type requestObservers []tenantweb.RequestObserver

func (o requestObservers) ObserveRequest(c *fiber.Ctx, status int, took time.Duration) {
	for _, x := range o {
		x.ObserveRequest(c, status, took)
	}
}

// requestObserver is what the request log tells of each request: the
// metrics, and Sentry when SENTRY_DSN is set.
func (p *platform) requestObserver() tenantweb.RequestObserver {
	if p.reporter == nil {
		return p.metrics.Requests
	}
	return requestObservers{p.metrics.Requests, p.reporter}
}

package main

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	tenantweb "marquee/tenant/web"
)

// newTracing sends spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT
// (its /v1/traces), batched; nil without an endpoint.
func newTracing(endpoint string) (*sdktrace.TracerProvider, error) {
	if endpoint == "" {
		return nil, nil
	}
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(strings.TrimSuffix(endpoint, "/")+"/v1/traces"))
	if err != nil {
		return nil, err
	}
	res := resource.NewSchemaless(attribute.String("service.name", "marquee"))
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res)), nil
}

// traceRequests is the middleware that gives each request a span, named
// by its route pattern, with the event's slug, the request id and the
// status; the request log, inside it, writes its trace id. Only mounted
// with tracing on.
func traceRequests(tp trace.TracerProvider) fiber.Handler {
	tracer := tp.Tracer("marquee")
	return func(c *fiber.Ctx) error {
		ctx, span := tracer.Start(c.UserContext(), "request", trace.WithSpanKind(trace.SpanKindServer))
		c.SetUserContext(ctx)
		defer span.End()
		err := c.Next() // the request log inside renders errors: err is nil
		status := c.Response().StatusCode()
		span.SetName(c.Method() + " " + c.Route().Path)
		span.SetAttributes(attribute.String("http.request.method", c.Method()), attribute.String("http.route", c.Route().Path),
			attribute.Int("http.response.status_code", status), attribute.String("marquee.request_id", tenantweb.RequestIDOf(c)))
		if t := tenantweb.FromCtx(c); t != nil {
			span.SetAttributes(attribute.String("marquee.event", t.Slug))
		}
		if status >= 500 {
			span.SetStatus(codes.Error, "")
		}
		return err
	}
}

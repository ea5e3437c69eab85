package db

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// span starts a child span of ctx's for one database transaction, named
// name ("db.transaction", "db.order", "db.read"), when Options.Spans is set;
// end records whether the transaction failed and ends it. Without Spans it
// costs a nil check: page views never get here, and orders pay nothing.
func (db *DB) span(ctx context.Context, name string) (context.Context, func(error)) {
	if db.spans == nil {
		return ctx, func(error) {}
	}
	ctx, s := db.spans.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system.name", "postgresql")))
	return ctx, func(err error) {
		if err != nil {
			s.SetStatus(codes.Error, "")
			s.SetAttributes(attribute.String("error.type", errorType(err)))
		}
		s.End()
	}
}

// errorType is what a failed transaction's span says of its error: the
// kind of error, never its text (which may quote an attendee's data).
func errorType(err error) string {
	switch {
	case retryable(err):
		return "serialization"
	case connectionFailure(err):
		return "connection"
	}
	return "error"
}

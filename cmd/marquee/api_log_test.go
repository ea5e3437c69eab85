package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The API's handlers are tested in tenant/api; what is left here is serve's
// request log of an API failure.

func TestAPILogsTheCauseOfItsFailures(t *testing.T) {
	s := startServer(t, defaultConfig())
	ctx := context.Background()
	token, _, err := s.db.CreateAPIToken(ctx, "ops", []string{"events:read"})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, s.adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	// A table gone is a failure no request can cause: the API answers 500.
	if _, err := admin.Exec(ctx, "ALTER TABLE tenants RENAME TO tenants_away"); err != nil {
		t.Fatal(err)
	}
	r := s.api(http.MethodGet, "/api/v1/events", token, "")
	if r.status != 500 || r.errorMessage() != "Something went wrong on our side." {
		t.Fatalf("%d %v", r.status, r.body)
	}
	t.Run("a 500 of the API is logged once with its cause and the request id the client saw", func(t *testing.T) {
		var got []map[string]any
		for _, e := range s.logs.entries(t, "") {
			if e["request_id"] == r.header.Get("X-Request-Id") {
				got = append(got, e)
			}
		}
		if len(got) != 1 {
			t.Fatalf("%d lines for request %s: %v", len(got), r.header.Get("X-Request-Id"), got)
		}
		cause, _ := got[0]["err"].(string)
		if got[0]["msg"] != "request" || got[0]["level"] != "ERROR" || !strings.Contains(cause, "tenants") {
			t.Errorf("log line %v, want the request's line with the cause", got[0])
		}
		if strings.Contains(toJSON(r.body), "tenants") {
			t.Errorf("the cause reached the client: %v", r.body)
		}
	})
}

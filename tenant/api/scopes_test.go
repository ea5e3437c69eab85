package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestEveryOperationNeedsItsScope goes over every operation of the OpenAPI
// document (so every route, TestOpenAPICoversEveryRoute sees to that): a
// platform token with every scope but the operation's x-scope is refused
// with 403; an event token with every scope is refused on another event
// (404, as an unknown event) and where only a platform token may go
// (x-platform: 403).
func TestEveryOperationNeedsItsScope(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	own, other := s.event("walk"), s.event("other")
	eventToken, _, err := s.db.CreateEventAPIToken(ctx, own.ID, "own", Scopes, "")
	if err != nil {
		t.Fatal(err)
	}
	unknown := s.api(http.MethodGet, "/api/v1/events/nowhere", eventToken, "")
	doc := loadOpenAPI(t)
	ops := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Security != nil && len(*op.Security) == 0 {
				continue
			}
			ops++
			scope, _ := op.Extensions["x-scope"].(string)
			platform, _ := op.Extensions["x-platform"].(bool)
			if !strings.Contains(path, "{slug}") && !platform {
				t.Errorf("%s %s has no event: mark it x-platform", method, path)
			}
			body := ""
			if method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut {
				body = "{}"
			}
			without := slices.DeleteFunc(slices.Clone(Scopes), func(s string) bool { return s == scope })
			token, _, err := s.db.CreateAPIToken(ctx, "all but "+scope, without)
			if err != nil {
				t.Fatal(err)
			}
			if r := s.api(method, examplePath(path, other.Slug), token, body); r.status != http.StatusForbidden ||
				r.errorMessage() != "This token's scopes do not allow this request." {
				t.Errorf("%s %s without %s: %d %q, want 403", method, path, scope, r.status, r.errorMessage())
			}
			r := s.api(method, examplePath(path, other.Slug), eventToken, body)
			switch {
			case platform && (r.status != http.StatusForbidden || r.errorMessage() != "Only a platform token may do this; an event token reaches its own event only."):
				t.Errorf("%s %s with an event token: %d %q, want 403", method, path, r.status, r.errorMessage())
			case !platform && (r.status != http.StatusNotFound || r.errorMessage() != unknown.errorMessage()):
				t.Errorf("%s %s with another event's token: %d %q, want 404 as for an unknown event", method, path, r.status, r.errorMessage())
			}
		}
	}
	if ops < 12 {
		t.Errorf("only %d operations", ops)
	}
	if n := countRows(t, s.adminURL, "SELECT count(*) FROM tenants"); n != 2 {
		t.Errorf("%d events after the refusals, want the 2 made", n)
	}
}

// examplePath is an operation's path with the event slug and a made-up
// value for every other parameter.
func examplePath(path, slug string) string {
	out := strings.ReplaceAll(path, "{slug}", slug)
	for strings.Contains(out, "{") {
		i, j := strings.Index(out, "{"), strings.Index(out, "}")
		out = out[:i] + "00000000-0000-4000-8000-000000000000" + out[j+1:]
	}
	return "/api/v1" + out
}

// TestEventTokens: an event token reaches its own event with its scopes,
// and nothing of another event or of the platform.
func TestEventTokens(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	own, other := s.event("berlin"), s.event("lisbon")
	token, tok, err := s.db.CreateEventAPIToken(ctx, own.ID, "crm", []string{ScopeEventsRead, ScopeEventsWrite}, "")
	if err != nil {
		t.Fatal(err)
	}
	if tok.TenantID == nil || *tok.TenantID != own.ID {
		t.Fatalf("token of %v", tok.TenantID)
	}
	if r := s.api(http.MethodGet, "/api/v1/events/berlin", token, ""); r.status != 200 {
		t.Errorf("its own event: %d", r.status)
	}
	if r := s.api(http.MethodPatch, "/api/v1/events/berlin", token, `{"name": "Berlin 2028"}`); r.status != 200 {
		t.Errorf("renaming its own event: %d %q", r.status, r.errorMessage())
	}
	r := s.api(http.MethodPatch, "/api/v1/events/lisbon", token, `{"name": "Taken over"}`)
	if r.status != 404 || r.errorMessage() != "There is no event with this slug." {
		t.Errorf("another event: %d %q", r.status, r.errorMessage())
	}
	if n := countRows(t, s.adminURL, "SELECT count(*) FROM tenants WHERE id = $1 AND name = 'Taken over'", other.ID); n != 0 {
		t.Error("an event token renamed another event")
	}
	if r := s.api(http.MethodGet, "/api/v1/events", token, ""); r.status != 403 {
		t.Errorf("listing every event: %d", r.status)
	}
	if r := s.api(http.MethodPost, "/api/v1/events/berlin/suspend", token, ""); r.status != 403 {
		t.Errorf("suspending its own event: %d", r.status)
	}
	if err := s.db.RevokeEventAPIToken(ctx, other.ID, tok.ID); err == nil {
		t.Error("another event revoked the token")
	}
	if err := s.db.RevokeEventAPIToken(ctx, own.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if r := s.api(http.MethodGet, "/api/v1/events/berlin", token, ""); r.status != 401 {
		t.Errorf("a revoked event token: %d", r.status)
	}
	if _, _, err := s.db.CreateEventAPIToken(ctx, own.ID, "bad", []string{"orders:read", "admin"}, ""); err == nil {
		t.Error("a token with an unknown scope was made")
	}
}

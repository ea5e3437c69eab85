package api

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"testing"
)

// TestPagination: a list is walked page by page with next_cursor, null on
// the last page; a bad limit or cursor is a 400 naming the parameter.
func TestPagination(t *testing.T) {
	s := startServer(t)
	for i := range 5 {
		s.event(fmt.Sprintf("event-%d", i))
	}
	token := s.token(Scopes...)
	var slugs []string
	path := "/api/v1/events?limit=2"
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("more than 3 pages of 5 events by 2")
		}
		r := s.api(http.MethodGet, path, token, "")
		if r.status != 200 {
			t.Fatalf("%s: %d %q", path, r.status, r.errorMessage())
		}
		for _, e := range r.body["data"].([]any) {
			slugs = append(slugs, e.(map[string]any)["slug"].(string))
		}
		next, _ := r.body["next_cursor"].(string)
		if next == "" {
			if r.body["next_cursor"] != nil || len(r.body["data"].([]any)) != 1 {
				t.Errorf("last page: %v", r.body)
			}
			break
		}
		path = "/api/v1/events?limit=2&cursor=" + next
	}
	if fmt.Sprint(slugs) != "[event-0 event-1 event-2 event-3 event-4]" {
		t.Errorf("walked %v", slugs)
	}
	for query, field := range map[string]string{
		"limit=0": "limit", "limit=201": "limit", "limit=two": "limit",
		"cursor=%21%21": "cursor", "cursor=" + base64.RawURLEncoding.EncodeToString([]byte("{1")): "cursor",
		"cursor=" + base64.RawURLEncoding.EncodeToString([]byte(`{"a":1}`)): "cursor",
	} {
		if r := s.api(http.MethodGet, "/api/v1/events?"+query, token, ""); r.status != 400 || r.errorField() != field {
			t.Errorf("%s: %d %q (field %q)", query, r.status, r.errorMessage(), r.errorField())
		}
	}
}

// token makes a platform token with scopes.
func (s *testServer) token(scopes ...string) string {
	s.t.Helper()
	secret, _, err := s.db.CreateAPIToken(s.t.Context(), "test", scopes)
	if err != nil {
		s.t.Fatal(err)
	}
	return secret
}

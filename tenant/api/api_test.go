package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"marquee/tenant"
)

func TestAPI(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	full, _, err := s.db.CreateAPIToken(ctx, "ops", []string{"events:read", "events:write", "domains:write"})
	if err != nil {
		t.Fatal(err)
	}
	readOnly, _, _ := s.db.CreateAPIToken(ctx, "dashboards", []string{"events:read"})
	revoked, rt, _ := s.db.CreateAPIToken(ctx, "old", []string{"events:read", "events:write"})
	if err := s.db.RevokeAPIToken(ctx, rt.ID); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		list, err := s.db.ListTenants(ctx, "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	create := `{"slug":"berlin","name":"Berlin 2027","locales":["en","de"],"currency":"EUR"}`

	t.Run("requests without, with a revoked, with an unknown or with an out-of-scope token are refused", func(t *testing.T) {
		cases := []struct {
			name, token string
			status      int
			message     string
		}{
			{"no token", "", 401, "Send a valid API token as Authorization: Bearer TOKEN."},
			{"an unknown token", "mq_nope", 401, "Send a valid API token as Authorization: Bearer TOKEN."},
			{"a revoked token", revoked, 401, "Send a valid API token as Authorization: Bearer TOKEN."},
			{"a read-only token", readOnly, 403, "This token's scopes do not allow this request."},
		}
		for _, c := range cases {
			r := s.api(http.MethodPost, "/api/v1/events", c.token, create)
			if r.status != c.status || r.errorMessage() != c.message {
				t.Errorf("%s: %d %q", c.name, r.status, r.errorMessage())
			}
		}
		if count() != 0 {
			t.Fatal("a refused request created an event")
		}
		if r := s.api(http.MethodGet, "/api/v1/events", readOnly, ""); r.status != 200 {
			t.Errorf("a read-only token cannot list: %d", r.status)
		}
		if r := s.api(http.MethodGet, "/api/v1/events", "", ""); r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
		}
	})
	t.Run("each slug rule has its own message on the slug field", func(t *testing.T) {
		for slug, want := range map[string]string{
			"":                      "Enter a subdomain for the event.",
			"ab":                    "The subdomain must be at least 3 characters long.",
			"Berlin":                "Use only lowercase letters (a–z), digits and hyphens.",
			"-berlin":               "The subdomain cannot start or end with a hyphen.",
			"ab--cd":                "The subdomain cannot have two hyphens in the third and fourth place.",
			"console":               "This subdomain is reserved for the platform. Choose another.",
			strings.Repeat("x", 64): "The subdomain can be at most 63 characters long.",
		} {
			body, _ := json.Marshal(map[string]any{"slug": slug, "name": "X"})
			r := s.api(http.MethodPost, "/api/v1/events", full, string(body))
			if r.status != 422 || r.errorMessage() != want || r.errorField() != "slug" {
				t.Errorf("slug %q: %d %q (field %q)", slug, r.status, r.errorMessage(), r.errorField())
			}
		}
		if r := s.api(http.MethodPost, "/api/v1/events", full, `{"slug": "berlin", "nmae": "typo"}`); r.status != 400 || r.errorField() != "nmae" ||
			r.errorMessage() != "This request does not take a field “nmae”." {
			t.Errorf("an unknown field is not named: %d %q (field %q)", r.status, r.errorMessage(), r.errorField())
		}
		for body, field := range map[string]string{
			`{"slug": "berlin", "name": "B", "owner_email": "not-an-email"}`: "owner_email",
			`{"slug": "berlin", "name": "B", "locales": ["xx"]}`:             "locales",
			`{"slug": "berlin", "name": "B", "template": "nowhere"}`:         "template",
		} {
			if r := s.api(http.MethodPost, "/api/v1/events", full, body); r.status != 422 || r.errorField() != field {
				t.Errorf("%s: %d names %q, want 422 naming the field sent, %q", body, r.status, r.errorField(), field)
			}
		}
		if r := s.api(http.MethodPost, "/api/v1/events", full, `not json`); r.status != 400 {
			t.Errorf("not JSON: %d", r.status)
		}
		if count() != 0 {
			t.Fatal("a refused request created an event")
		}
	})
	t.Run("a new event answers on its subdomain within a second", func(t *testing.T) {
		r := s.api(http.MethodPost, "/api/v1/events", full, create)
		if r.status != 201 || r.header.Get("Location") != "/api/v1/events/berlin" {
			t.Fatalf("create: %d %v", r.status, r.body)
		}
		waitFor(t, time.Second, func() bool { return s.get("berlin."+testBase, "/").status == 200 })
		if r := s.api(http.MethodPost, "/api/v1/events", full, create); r.status != 409 || r.errorMessage() != "This subdomain is already taken by another event." {
			t.Errorf("taken: %d %q", r.status, r.errorMessage())
		}
		r = s.api(http.MethodGet, "/api/v1/events/berlin", readOnly, "")
		ev, _ := r.body["event"].(map[string]any)
		if r.status != 200 || ev["name"] != "Berlin 2027" || ev["currency"] != "EUR" || ev["status"] != "active" {
			t.Fatalf("show: %d %v", r.status, r.body)
		}
		if r := s.api(http.MethodGet, "/api/v1/events/nowhere", readOnly, ""); r.status != 404 || r.errorMessage() != "There is no event with this slug." {
			t.Errorf("unknown: %d %q", r.status, r.errorMessage())
		}
	})
	t.Run("state changes follow the rules and reach the storefront", func(t *testing.T) {
		steps := []struct {
			method, path, body string
			status             int
			message            string
			storefront         int
		}{
			{http.MethodPatch, "/api/v1/events/berlin", `{"name": ""}`, 422, "Enter the event's name.", 200},
			{http.MethodPatch, "/api/v1/events/berlin", `{"name": "Berlin Summit"}`, 200, "", 200},
			{http.MethodPatch, "/api/v1/events/berlin", `{"name": "Not this", "closes_at": "later"}`, 422, "Enter the closing time as YYYY-MM-DDTHH:MM in UTC, or none.", 200},
			{http.MethodPatch, "/api/v1/events/berlin", `{"closes_at": "2027-06-04T12:30"}`, 200, "", 200},
			{http.MethodPatch, "/api/v1/events/berlin", `{}`, 400, "Send a JSON object as the request body.", 200},
			{http.MethodPost, "/api/v1/events/berlin/suspend", "", 200, "", 503},
			{http.MethodPost, "/api/v1/events/berlin/suspend", "", 409, "Only an active event can be suspended.", 503},
			{http.MethodPost, "/api/v1/events/berlin/resume", "", 200, "", 200},
			{http.MethodPost, "/api/v1/events/berlin/resume", "", 409, "The event is already active.", 200},
			{http.MethodDelete, "/api/v1/events/berlin?confirm=berlin", "", 409, "Only an archived event can be deleted. Archive it first.", 200},
			{http.MethodPost, "/api/v1/events/berlin/archive", "", 200, "", 410},
			{http.MethodPost, "/api/v1/events/berlin/archive", "", 409, "The event is already archived.", 410},
			{http.MethodDelete, "/api/v1/events/berlin", "", 422, "To delete the event, repeat its slug as the confirmation.", 410},
		}
		for _, st := range steps {
			r := s.api(st.method, st.path, full, st.body)
			if r.status != st.status || r.errorMessage() != st.message {
				t.Errorf("%s %s: %d %q, want %d %q", st.method, st.path, r.status, r.errorMessage(), st.status, st.message)
			}
			waitFor(t, time.Second, func() bool { return s.get("berlin."+testBase, "/").status == st.storefront })
		}
		if r := s.api(http.MethodPost, "/api/v1/events/berlin/resume", readOnly, ""); r.status != 403 {
			t.Errorf("a read-only token changed the state: %d", r.status)
		}
		ev, _ := s.api(http.MethodGet, "/api/v1/events/berlin", readOnly, "").body["event"].(map[string]any)
		if ev["name"] != "Berlin Summit" || ev["closes_at"] != "2027-06-04T12:30:00Z" {
			t.Errorf("after the PATCHes: %v", ev)
		}
	})
	t.Run("custom domains: records shown, platform names refused, a failed check says why", func(t *testing.T) {
		s.api(http.MethodPost, "/api/v1/events/berlin/resume", full, "")
		r := s.api(http.MethodPost, "/api/v1/events/berlin/domains", full, `{"hostname": "Shop.Berlin-Summit.org"}`)
		dom, _ := r.body["domain"].(map[string]any)
		if r.status != 201 || dom["hostname"] != "shop.berlin-summit.org" || dom["state"] != "pending" {
			t.Fatalf("add: %d %v", r.status, r.body)
		}
		records, _ := dom["records"].([]any)
		if len(records) != 2 || !strings.Contains(toJSON(records), `"name":"_marquee-challenge.shop.berlin-summit.org"`) || !strings.Contains(toJSON(records), `"value":"edge.`+testBase+`"`) {
			t.Errorf("records %s", toJSON(records))
		}
		if r := s.api(http.MethodPost, "/api/v1/events/berlin/domains", full, `{"hostname": "shop.`+testBase+`"}`); r.status != 422 || r.errorField() != "hostname" ||
			r.errorMessage() != "This hostname belongs to the platform and cannot be added to an event." {
			t.Errorf("platform name: %d %q", r.status, r.errorMessage())
		}
		if r := s.api(http.MethodPost, "/api/v1/events/berlin/domains", readOnly, `{"hostname": "a.example.org"}`); r.status != 403 {
			t.Errorf("read-only token added a domain: %d", r.status)
		}
		r = s.api(http.MethodPost, "/api/v1/events/berlin/domains/shop.berlin-summit.org/verify", full, "")
		dom, _ = r.body["domain"].(map[string]any)
		if r.status != 200 || dom["state"] != string(tenant.DomainFailed) || dom["last_error"] != "The DNS lookup failed. Try again in a few minutes." {
			t.Fatalf("verify without DNS: %d %v", r.status, r.body)
		}
		if got := s.get("shop.berlin-summit.org", "/").status; got != 404 {
			t.Errorf("an unverified domain answers %d, want 404", got)
		}
		if r := s.api(http.MethodDelete, "/api/v1/events/berlin/domains/shop.berlin-summit.org", full, ""); r.status != 204 {
			t.Errorf("remove: %d", r.status)
		}
	})
	t.Run("deleting an archived event with its slug confirmed", func(t *testing.T) {
		s.api(http.MethodPost, "/api/v1/events/berlin/archive", full, "")
		if r := s.api(http.MethodDelete, "/api/v1/events/berlin?confirm=berlin", full, ""); r.status != 204 {
			t.Fatalf("delete: %d %v", r.status, r.body)
		}
		if r := s.api(http.MethodGet, "/api/v1/events/berlin", full, ""); r.status != 404 {
			t.Fatalf("after delete: %d", r.status)
		}
		waitFor(t, time.Second, func() bool { return s.get("berlin."+testBase, "/").status == 404 })
	})
}

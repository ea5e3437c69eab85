package api

import (
	"net/http"
	"strings"
	"testing"
)

func TestWebhooksAPI(t *testing.T) {
	f := newDeskFixture(t)
	token := f.tokenWith(ScopeWebhooksRead, ScopeWebhooksWrite)
	base := "/api/v1/events/berlin/webhooks"
	count := func() int { return countRows(t, f.adminURL, "SELECT count(*) FROM webhook_endpoints") }

	var id, secret string
	t.Run("an endpoint is registered; its secret is answered once", func(t *testing.T) {
		r := f.api(http.MethodPost, base, token, `{"url":"https://crm.example.com/hooks","types":["order.paid","order.placed"],"description":"CRM"}`)
		w := r.object("webhook")
		secret, _ = r.body["secret"].(string)
		if r.status != 201 || w["url"] != "https://crm.example.com/hooks" || w["enabled"] != true || w["event_id"] != f.ev.ID.String() ||
			!strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("%d %v", r.status, r.body)
		}
		if types, _ := w["types"].([]any); len(types) != 2 || types[0] != "order.placed" {
			t.Errorf("types in the list's order: %v", w["types"])
		}
		id, _ = w["id"].(string)
		if r.header.Get("Location") != base+"/"+id {
			t.Errorf("Location %q", r.header.Get("Location"))
		}
		shown := f.api(http.MethodGet, base+"/"+id, token, "")
		if shown.status != 200 || shown.body["secret"] != nil || strings.Contains(toJSON(shown.body), secret) {
			t.Errorf("shown again with its secret: %v", shown.body)
		}
		if l := f.api(http.MethodGet, base, token, ""); len(l.data()) != 1 {
			t.Errorf("listed: %v", l.body)
		}
	})
	t.Run("a refused endpoint names the field and writes nothing", func(t *testing.T) {
		before := count()
		for body, field := range map[string]string{
			`{"url":"http://crm.example.com/hooks","types":["order.paid"]}`:  "url",
			`{"url":"https://127.0.0.1/hooks","types":["order.paid"]}`:       "url",
			`{"url":"https://10.1.2.3/hooks","types":["order.paid"]}`:        "url",
			`{"url":"https://crm.example.com/hooks","types":[]}`:             "types",
			`{"url":"https://crm.example.com/hooks","types":["order.lost"]}`: "types",
		} {
			if r := f.api(http.MethodPost, base, token, body); r.status != 422 || r.errorField() != field {
				t.Errorf("%s: %d on %q, want 422 on %q", body, r.status, r.errorField(), field)
			}
		}
		if r := f.api(http.MethodPost, base, token, `{"url":["x"]}`); r.status != 400 || r.errorField() != "url" {
			t.Errorf("a URL as a list: %d on %q", r.status, r.errorField())
		}
		if count() != before {
			t.Error("a refused endpoint was stored")
		}
	})
	t.Run("PATCH changes the fields sent", func(t *testing.T) {
		r := f.api(http.MethodPatch, base+"/"+id, token, `{"types":["signup.received"],"enabled":false}`)
		w := r.object("webhook")
		if r.status != 200 || w["enabled"] != false || w["url"] != "https://crm.example.com/hooks" || w["disabled_reason"] != "by_staff" {
			t.Fatalf("%d %v", r.status, r.body)
		}
		if r := f.api(http.MethodPatch, base+"/"+id, token, `{"url":"https://localhost/x"}`); r.status != 422 || r.errorField() != "url" {
			t.Errorf("a loopback URL: %d on %q", r.status, r.errorField())
		}
		if r := f.api(http.MethodPatch, base+"/"+id, token, `{"enabled":true}`); r.object("webhook")["enabled"] != true {
			t.Errorf("enabled again: %v", r.body)
		}
	})
	t.Run("the secret is rotated; the old one overlaps", func(t *testing.T) {
		r := f.api(http.MethodPost, base+"/"+id+"/rotate-secret", token, "")
		fresh, _ := r.body["secret"].(string)
		if r.status != 200 || !strings.HasPrefix(fresh, "whsec_") || fresh == secret || r.object("webhook")["previous_secret_until"] == nil {
			t.Fatalf("%d %v", r.status, r.body)
		}
	})
	var delivery string
	t.Run("a test message is queued, listed and resent", func(t *testing.T) {
		r := f.api(http.MethodPost, base+"/"+id+"/test", token, "")
		d := r.object("delivery")
		if r.status != 202 || d["type"] != "webhook.test" || d["state"] != "pending" || !strings.HasPrefix(d["message_id"].(string), "msg_") {
			t.Fatalf("%d %v", r.status, r.body)
		}
		delivery, _ = d["id"].(string)
		r = f.api(http.MethodPost, base+"/"+id+"/deliveries/"+delivery+"/resend", token, "")
		if r.status != 202 || r.object("delivery")["id"] == delivery || r.object("delivery")["message_id"] != d["message_id"] {
			t.Fatalf("resend: %d %v", r.status, r.body)
		}
		first := f.api(http.MethodGet, base+"/"+id+"/deliveries?limit=1", token, "")
		if len(first.data()) != 1 || first.nextCursor() == "" {
			t.Fatalf("first page: %v", first.body)
		}
		second := f.api(http.MethodGet, base+"/"+id+"/deliveries?limit=1&cursor="+first.nextCursor(), token, "")
		if len(second.data()) != 1 || second.data()[0]["id"] != delivery || second.body["next_cursor"] != nil {
			t.Errorf("second page: %v", second.body)
		}
	})
	t.Run("another event's endpoint and deliveries are not found, and not changed", func(t *testing.T) {
		theirs := "/api/v1/events/munich/webhooks/" + id
		for _, r := range []apiResponse{
			f.api(http.MethodGet, theirs, token, ""),
			f.api(http.MethodPatch, theirs, token, `{"enabled":false}`),
			f.api(http.MethodPost, theirs+"/rotate-secret", token, ""),
			f.api(http.MethodPost, theirs+"/test", token, ""),
			f.api(http.MethodGet, theirs+"/deliveries", token, ""),
			f.api(http.MethodPost, theirs+"/deliveries/"+delivery+"/resend", token, ""),
			f.api(http.MethodDelete, theirs, token, ""),
			f.api(http.MethodGet, "/api/v1/webhooks/"+id, token, ""),
		} {
			if r.status != 404 {
				t.Errorf("%d, want 404", r.status)
			}
		}
		if n := countRows(t, f.adminURL, "SELECT count(*) FROM webhook_deliveries"); n != 2 {
			t.Errorf("%d deliveries, want 2", n)
		}
		if r := f.api(http.MethodGet, base+"/"+id, token, ""); r.object("webhook")["enabled"] != true {
			t.Errorf("changed through another event: %v", r.body)
		}
	})
	t.Run("platform-wide endpoints have their own list", func(t *testing.T) {
		r := f.api(http.MethodPost, "/api/v1/webhooks", token, `{"url":"https://ops.example.com/all","types":["event.archived"]}`)
		if r.status != 201 || r.object("webhook")["event_id"] != nil {
			t.Fatalf("%d %v", r.status, r.body)
		}
		if l := f.api(http.MethodGet, "/api/v1/webhooks", token, ""); len(l.data()) != 1 || l.data()[0]["url"] != "https://ops.example.com/all" {
			t.Errorf("the platform's list: %v", l.body)
		}
		if l := f.api(http.MethodGet, base, token, ""); len(l.data()) != 1 || l.data()[0]["id"] != id {
			t.Errorf("the event's list: %v", l.body)
		}
	})
	t.Run("an endpoint is deleted", func(t *testing.T) {
		if r := f.api(http.MethodDelete, base+"/"+id, token, ""); r.status != 204 {
			t.Fatalf("%d %v", r.status, r.body)
		}
		if r := f.api(http.MethodGet, base+"/"+id, token, ""); r.status != 404 {
			t.Errorf("deleted, then shown: %d", r.status)
		}
	})
}

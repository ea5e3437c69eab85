package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront/webhooks"
	"marquee/tenant/staff"
)

// webhookCount is how many endpoints the scope has (uuid.Nil: the
// platform's).
func webhookCount(t *testing.T, s *testServer, tenantID uuid.UUID) int {
	t.Helper()
	list, err := s.db.WebhookEndpoints(context.Background(), tenantID)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// theirEndpoint gives the event "other" an endpoint, the platform one,
// and returns both: ids the devcon pages must refuse.
func theirEndpoints(t *testing.T, s *testServer) (other, platform webhooks.Endpoint) {
	t.Helper()
	ctx := context.Background()
	ev, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	in := webhooks.EndpointInput{URL: "https://crm.other.example/hooks", Types: []string{webhooks.OrderPlaced}, Enabled: true}
	if other, _, err = s.db.CreateWebhookEndpoint(ctx, ev.ID, uuid.Nil, in); err != nil {
		t.Fatal(err)
	}
	in.URL = "https://ops.example/all-events"
	if platform, _, err = s.db.CreateWebhookEndpoint(ctx, uuid.Nil, uuid.Nil, in); err != nil {
		t.Fatal(err)
	}
	return other, platform
}

func TestConsoleWebhooks(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	owner := consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
	theirs, platformWide := theirEndpoints(t, s)
	list := consolePage(t, owner, "/events/devcon/webhooks")
	csrf := csrfOf(list)
	if list.doc.Find(`form.webhook-form input[name="types"]`).Length() != len(webhooks.Types) || list.doc.Find("a.nav-webhooks").Length() != 1 {
		t.Fatalf("the form offers %d types; navigation entry %d", list.doc.Find(`form.webhook-form input[name="types"]`).Length(), list.doc.Find("a.nav-webhooks").Length())
	}
	if list.text(".no-webhooks") != enMessage(s, "console.webhooks.none") || strings.Contains(list.body, platformWide.URL) || strings.Contains(list.body, theirs.URL) {
		t.Fatalf("an event without endpoints lists: %q", list.text("main"))
	}
	valid := url.Values{"csrf": {csrf}, "url": {"https://crm.example.com/hooks/marquee"}, "description": {"Our CRM"},
		"types": {webhooks.OrderPlaced, webhooks.SignupReceived}}

	t.Run("other roles find no webhook page", func(t *testing.T) {
		marketing := signedInMember(t, s)
		refused(t, marketing, "/events/devcon/webhooks", "/platform/webhooks")
		if r := marketing.post("/events/devcon/webhooks", formWith(valid, "csrf", csrfOf(consolePage(t, marketing, "/")))); r.status != http.StatusNotFound {
			t.Errorf("a marketing member's endpoint: %d", r.status)
		}
		if consolePage(t, marketing, "/events/devcon/dashboard").doc.Find("a.nav-webhooks").Length() != 0 {
			t.Error("a marketing member's navigation offers the webhooks")
		}
		refused(t, owner, "/platform/webhooks", "/platform/webhooks/"+platformWide.ID.String())
	})

	t.Run("every refusal names its field, keeps the values and stores nothing", func(t *testing.T) {
		for _, tc := range []struct {
			name, field, message string
			form                 url.Values
		}{
			{"no URL", "url", "webhook.error.url_required", formWith(valid, "url", "")},
			{"plain http", "url", "webhook.error.url_not_https", formWith(valid, "url", "http://crm.example.com/hooks")},
			{"loopback", "url", "webhook.error.url_private", formWith(valid, "url", "https://127.0.0.1/hooks")},
			{"a private address", "url", "webhook.error.url_private", formWith(valid, "url", "https://10.1.2.3:8443/hooks")},
			{"a v4-mapped loopback", "url", "webhook.error.url_private", formWith(valid, "url", "https://[::ffff:127.0.0.1]/hooks")},
			{"localhost", "url", "webhook.error.url_private", formWith(valid, "url", "https://localhost/hooks")},
			{"credentials in the URL", "url", "webhook.error.url_credentials", formWith(valid, "url", "https://me:pw@crm.example.com/")},
			{"not a URL", "url", "webhook.error.url_invalid", formWith(valid, "url", "crm dot example")},
			{"no type", "types", "webhook.error.types_none", formWith(valid, "types", "")},
			{"an unknown type", "types", "webhook.error.type_unknown", formWith(valid, "types", "order.eaten")},
			{"a note of 201 characters", "description", "webhook.error.description", formWith(valid, "description", strings.Repeat("n", 201))},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := owner.post("/events/devcon/webhooks", tc.form)
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %s", r.status, r.text("#problem"))
				}
				if got, want := r.text("#problem"), enMessage(s, tc.message); got != want || strings.HasPrefix(got, "webhook.") {
					t.Errorf("message %q, want %q", got, want)
				}
				if field, _ := r.doc.Find("#problem").Attr("data-field"); field != tc.field {
					t.Errorf("field %q, want %q", field, tc.field)
				}
				if tc.field != "types" && r.doc.Find(`form.webhook-form [name="`+tc.field+`"][aria-invalid="true"]`).Length() != 1 {
					t.Errorf("the %s input is not marked invalid", tc.field)
				}
				if v, _ := r.doc.Find(`#webhook-url`).Attr("value"); v != tc.form.Get("url") {
					t.Errorf("the URL was not kept: %q", v)
				}
				if n := webhookCount(t, s, ev.ID); n != 0 {
					t.Fatalf("%d endpoints stored after a refusal", n)
				}
			})
		}
	})

	var link, secret string
	t.Run("an endpoint is added, its secret shown once, and listed", func(t *testing.T) {
		r := owner.post("/events/devcon/webhooks", valid)
		secret, _ = r.doc.Find("#webhook-secret").Attr("value")
		if r.status != http.StatusCreated || !strings.HasPrefix(secret, "whsec_") || r.text("#flash") != enMessage(s, "console.webhooks.created") {
			t.Fatalf("create: %d, secret %q, notice %q: %s", r.status, secret, r.text("#flash"), r.text("#problem"))
		}
		page := consolePage(t, owner, "/events/devcon/webhooks")
		row := page.doc.Find("table.webhooks tbody tr")
		href, _ := row.Find("td.url a").Attr("href")
		link = href
		if row.Length() != 1 || row.Find("td.url code").Text() != valid.Get("url") || row.Find(".description").Text() != "Our CRM" ||
			row.Find("td.types").Text() != "Order placed, Sign-up received" || row.Find("td.state").Text() != "Active" {
			t.Fatalf("listed %q", row.Text())
		}
		again := consolePage(t, owner, link)
		if again.doc.Find("#webhook-secret").Length() != 0 || strings.Contains(again.body, secret) {
			t.Error("the endpoint's page shows its secret again")
		}
		if again.doc.Find(`input[name="types"][checked]`).Length() != 2 || again.text("#webhook-state") != "Active" {
			t.Errorf("the endpoint's page: %q", again.text("main"))
		}
	})

	t.Run("an edit is saved; a refused one keeps what was typed", func(t *testing.T) {
		form := url.Values{"csrf": {csrf}, "url": {"https://crm.example.com/v2"}, "types": {webhooks.OrderPaid, webhooks.StockSoldOut}}
		r := owner.post(link, formWith(form, "url", "http://192.168.1.5/x"))
		if r.status != http.StatusUnprocessableEntity || r.doc.Find(`#webhook-url[aria-invalid="true"]`).Length() != 1 ||
			r.doc.Find(`input[name="types"][value="stock.sold_out"][checked]`).Length() != 1 {
			t.Fatalf("a private URL: %d %q", r.status, r.text("#problem"))
		}
		if r := owner.post(link, form); r.status != http.StatusSeeOther || flashOn(t, owner, r.header.Get("Location")) != enMessage(s, "console.webhooks.saved") {
			t.Fatalf("save: %d", r.status)
		}
		e, err := s.db.WebhookEndpoint(ctx, ev.ID, uuid.MustParse(link[strings.LastIndex(link, "/")+1:]))
		if err != nil || e.URL != "https://crm.example.com/v2" || strings.Join(e.Types, " ") != "order.paid stock.sold_out" || !e.Enabled {
			t.Fatalf("stored %+v %v", e, err)
		}
	})

	t.Run("rotating asks first, then shows the new secret once", func(t *testing.T) {
		values := confirmOf(t, consolePage(t, owner, link+"/rotate"), link+"/rotate",
			enMessage(s, "console.confirm.webhook_rotate_heading", "URL", "https://crm.example.com/v2"), link)
		r := owner.post(link+"/rotate", values)
		rotated, _ := r.doc.Find("#webhook-secret").Attr("value")
		if r.status != http.StatusOK || !strings.HasPrefix(rotated, "whsec_") || rotated == secret {
			t.Fatalf("rotate: %d, secret %q (was %q)", r.status, rotated, secret)
		}
	})

	t.Run("disabled and enabled again", func(t *testing.T) {
		r := owner.post(link+"/enabled", url.Values{"csrf": {csrf}, "enabled": {"false"}})
		page := consolePage(t, owner, r.header.Get("Location"))
		if r.status != http.StatusSeeOther || !strings.HasPrefix(page.text("#webhook-state"), "Disabled since ") ||
			!strings.HasSuffix(page.text("#webhook-state"), enMessage(s, "console.webhooks.reason_by_staff")) || page.doc.Find("form.webhook-enabled button.enable").Length() != 1 {
			t.Fatalf("disable: %d, state %q", r.status, page.text("#webhook-state"))
		}
		r = owner.post(link+"/enabled", url.Values{"csrf": {csrf}, "enabled": {"true"}})
		if page := consolePage(t, owner, r.header.Get("Location")); page.text("#webhook-state") != "Active" || page.text("#flash") != enMessage(s, "console.webhooks.enabled") {
			t.Fatalf("enable: state %q, notice %q", page.text("#webhook-state"), page.text("#flash"))
		}
	})

	t.Run("a test message and a resend show in the log", func(t *testing.T) {
		r := owner.post(link+"/test", url.Values{"csrf": {csrf}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != link+"/deliveries?saved=webhook_test_sent" {
			t.Fatalf("test: %d to %q", r.status, r.header.Get("Location"))
		}
		log := consolePage(t, owner, r.header.Get("Location"))
		row := log.doc.Find("table.deliveries tbody tr")
		if row.Length() != 1 || row.Find("td.type").Text() != "Test message" || !strings.HasPrefix(row.Find("td.state").Text(), "Waiting") {
			t.Fatalf("the log after a test: %q", log.text("main"))
		}
		resend, _ := row.Find("form.resend").Attr("action")
		if r := owner.post(resend, url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
			t.Fatalf("resend: %d", r.status)
		}
		if n := consolePage(t, owner, link+"/deliveries").doc.Find("table.deliveries tbody tr").Length(); n != 2 {
			t.Fatalf("%d deliveries after a resend, want 2", n)
		}
	})

	t.Run("the log goes back a page at a time", func(t *testing.T) {
		id := uuid.MustParse(link[strings.LastIndex(link, "/")+1:])
		for range deliveriesPerPage {
			if _, err := s.db.SendTestWebhook(ctx, ev.ID, id); err != nil {
				t.Fatal(err)
			}
		}
		first := consolePage(t, owner, link+"/deliveries")
		next, _ := first.doc.Find("nav.pager a.next").Attr("href")
		if n := first.doc.Find("table.deliveries tbody tr").Length(); n != deliveriesPerPage || next == "" {
			t.Fatalf("first page: %d rows, next %q", n, next)
		}
		second := consolePage(t, owner, next)
		newest, _ := second.doc.Find("nav.pager a.newest").Attr("href")
		if n := second.doc.Find("table.deliveries tbody tr").Length(); n != 2 || newest != link+"/deliveries" || second.doc.Find("nav.pager a.next").Length() != 0 {
			t.Fatalf("second page: %d rows, newest %q", n, newest)
		}
		for _, bad := range []string{"yesterday", "-5_" + id.String(), "1700000000000000_nope"} {
			if r := owner.get(link + "/deliveries?" + url.Values{"before": {bad}}.Encode()); r.status != http.StatusBadRequest {
				t.Errorf("before=%s: %d, want 400", bad, r.status)
			}
		}
	})

	t.Run("another event's endpoint and the platform's are refused on every route, and stay as they were", func(t *testing.T) {
		theirDelivery, err := s.db.SendTestWebhook(ctx, eventOfEndpoint(theirs), theirs.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []webhooks.Endpoint{theirs, platformWide} {
			foreign := "/events/devcon/webhooks/" + e.ID.String()
			refused(t, owner, foreign, foreign+"/rotate", foreign+"/delete", foreign+"/deliveries")
			for _, path := range []string{foreign, foreign + "/enabled", foreign + "/test", foreign + "/rotate", foreign + "/delete"} {
				if r := owner.post(path, formWith(valid, "enabled", "false")); r.status != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", path, r.status)
				}
			}
		}
		// Their delivery's id on devcon's own endpoint.
		if r := owner.post(link+"/deliveries/"+theirDelivery.ID.String()+"/resend", url.Values{"csrf": {csrf}}); r.status != http.StatusNotFound {
			t.Errorf("resending their delivery: %d, want 404", r.status)
		}
		after, err := s.db.WebhookEndpoint(ctx, eventOfEndpoint(theirs), theirs.ID)
		if err != nil || after.URL != theirs.URL || !after.Enabled {
			t.Errorf("their endpoint changed: %+v %v", after, err)
		}
		got, err := s.db.WebhookDeliveries(ctx, eventOfEndpoint(theirs), theirs.ID, webhooks.Cursor{}, 10)
		if err != nil || len(got) != 1 {
			t.Errorf("their log has %d deliveries, want their one test: %v", len(got), err)
		}
		if n := webhookCount(t, s, uuid.Nil); n != 1 {
			t.Errorf("%d platform endpoints, want 1", n)
		}
	})

	t.Run("deleting asks first", func(t *testing.T) {
		values := confirmOf(t, consolePage(t, owner, link+"/delete"), link+"/delete",
			enMessage(s, "console.confirm.webhook_delete_heading", "URL", "https://crm.example.com/v2"), link)
		r := owner.post(link+"/delete", values)
		if r.status != http.StatusSeeOther || flashOn(t, owner, r.header.Get("Location")) != enMessage(s, "console.webhooks.deleted") {
			t.Fatalf("delete: %d to %q", r.status, r.header.Get("Location"))
		}
		if n := webhookCount(t, s, ev.ID); n != 0 {
			t.Errorf("%d endpoints after the delete", n)
		}
		refused(t, owner, link, link+"/deliveries")
	})

	t.Run("the audit log says who added, changed, renewed and deleted it", func(t *testing.T) {
		lines, err := s.staff.SearchAudit(ctx, staff.AuditFilter{TenantID: uuid.NullUUID{UUID: ev.ID, Valid: true}, ActorEmail: "owner@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range lines {
			if strings.HasPrefix(l.Action, "webhook_") {
				got = append(got, l.Action+" "+l.Subject)
			}
		}
		want := []string{"webhook_deleted https://crm.example.com/v2", "webhook_updated https://crm.example.com/v2", "webhook_updated https://crm.example.com/v2",
			"webhook_secret_rotated https://crm.example.com/v2", "webhook_updated https://crm.example.com/v2", "webhook_created https://crm.example.com/hooks/marquee"}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("audit entries, newest first:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		page := consolePage(t, owner, "/events/devcon/audit?action="+webhooks.ActionSecretRotated)
		if got := page.text("table.audit tbody tr td.action"); got != "Webhook secret renewed" {
			t.Errorf("the audit page names the rotation %q", got)
		}
	})
}

func TestPlatformWebhooks(t *testing.T) {
	s, ev, _ := consoleServer(t)
	admin := platformAdmin(t, s)
	theirs, _ := theirEndpoints(t, s)
	page := consolePage(t, admin, "/platform/webhooks")
	if page.text("h1") != enMessage(s, "console.webhooks.platform_title") || page.doc.Find("a#webhooks-link[aria-current=page]").Length() != 1 {
		t.Fatalf("the platform's page: %q", page.text("h1"))
	}
	if strings.Contains(page.body, theirs.URL) || page.doc.Find("table.webhooks tbody tr").Length() != 1 {
		t.Fatalf("the platform's list: %q", page.text("table.webhooks"))
	}
	form := url.Values{"csrf": {csrfOf(page)}, "url": {"https://warehouse.example/in"}, "types": {webhooks.OrderPaid}}
	if r := admin.post("/platform/webhooks", formWith(form, "url", "https://169.254.169.254/latest")); r.status != http.StatusUnprocessableEntity ||
		r.text("#problem") != enMessage(s, "webhook.error.url_private") {
		t.Fatalf("the cloud's metadata address: %d %q", r.status, r.text("#problem"))
	}
	r := admin.post("/platform/webhooks", form)
	if secret, _ := r.doc.Find("#webhook-secret").Attr("value"); r.status != http.StatusCreated || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("create: %d", r.status)
	}
	if n := webhookCount(t, s, uuid.Nil); n != 2 {
		t.Fatalf("%d platform endpoints, want 2", n)
	}
	if n := webhookCount(t, s, ev.ID); n != 0 {
		t.Fatalf("the platform's endpoint went to the event: %d", n)
	}
	lines, err := s.staff.SearchAudit(context.Background(), staff.AuditFilter{ActorEmail: "ops@example.com", Action: webhooks.ActionCreated})
	if err != nil || len(lines) != 1 || lines[0].EventSlug != "" || lines[0].Subject != "https://warehouse.example/in" {
		t.Fatalf("the platform's audit entry: %+v %v", lines, err)
	}
	t.Run("an event's endpoint is not the platform's", func(t *testing.T) {
		foreign := "/platform/webhooks/" + theirs.ID.String()
		refused(t, admin, foreign, foreign+"/deliveries", foreign+"/delete")
		if r := admin.post(foreign+"/delete", url.Values{"csrf": {form.Get("csrf")}}); r.status != http.StatusNotFound {
			t.Errorf("deleting an event's endpoint from the platform's page: %d", r.status)
		}
	})
	t.Run("a platform admin works on an event's webhooks too", func(t *testing.T) {
		consolePage(t, admin, "/events/other/webhooks/"+theirs.ID.String())
	})
}

// eventOfEndpoint is the event an endpoint belongs to (uuid.Nil: the platform's).
func eventOfEndpoint(e webhooks.Endpoint) uuid.UUID {
	if e.TenantID == nil {
		return uuid.Nil
	}
	return *e.TenantID
}

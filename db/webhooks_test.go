package db_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront"
	"marquee/storefront/webhooks"
)

// webhookDB is a fresh database whose webhook endpoints may be on
// 127.0.0.1, as the tests' receivers are.
func webhookDB(t *testing.T) (*dbtest.Database, *db.DB) {
	t.Helper()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	database.WebhooksAllowPrivate = true
	return d, database
}

// endpointOf creates an endpoint of scope (uuid.Nil: the platform's) for
// types.
func endpointOf(t *testing.T, database *db.DB, scope uuid.UUID, url string, types ...string) webhooks.Endpoint {
	t.Helper()
	e, secret, err := database.CreateWebhookEndpoint(context.Background(), scope, uuid.Nil,
		webhooks.EndpointInput{URL: url, Types: types, Enabled: true})
	if err != nil {
		t.Fatalf("create endpoint %s: %v", url, err)
	}
	if len(secret) < 40 || secret[:6] != webhooks.SecretPrefix {
		t.Fatalf("secret %q, want whsec_ and 32 bytes", secret)
	}
	return e
}

func emit(t *testing.T, database *db.DB, tenantID uuid.UUID, typ string, data any) error {
	t.Helper()
	return database.InTenant(context.Background(), tenantID, func(tx pgx.Tx) error {
		return db.EmitWebhook(context.Background(), tx, tenantID, typ, data)
	})
}

// TestEmitWebhookQueuesOneDeliveryPerSubscribedEndpoint: the event's own
// endpoints and the platform's subscribed to the type get a delivery and
// its job each; another event's endpoints, other types and disabled
// endpoints get nothing, and without any endpoint nothing is written.
func TestEmitWebhookQueuesOneDeliveryPerSubscribedEndpoint(t *testing.T) {
	ctx := context.Background()
	d, database := webhookDB(t)
	a, b := newTenant(t, database, "hooks-a"), newTenant(t, database, "hooks-b")
	order := &storefront.Order{ID: uuid.New(), TenantID: a.ID, Number: "A-1", Status: storefront.StatusPlaced}

	t.Run("no endpoint: nothing written", func(t *testing.T) {
		if err := emit(t, database, a.ID, webhooks.OrderPlaced, webhooks.Order(order)); err != nil {
			t.Fatal(err)
		}
		if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_messages"); n != 0 {
			t.Fatalf("%d messages without endpoints, want 0", n)
		}
	})

	own := endpointOf(t, database, a.ID, "http://127.0.0.1:1/a", webhooks.OrderPlaced, webhooks.OrderPaid)
	platform := endpointOf(t, database, uuid.Nil, "http://127.0.0.1:1/p", webhooks.OrderPlaced)
	endpointOf(t, database, a.ID, "http://127.0.0.1:1/other-type", webhooks.SignupReceived)
	endpointOf(t, database, b.ID, "http://127.0.0.1:1/b", webhooks.OrderPlaced)
	off := endpointOf(t, database, a.ID, "http://127.0.0.1:1/off", webhooks.OrderPlaced)
	if _, err := database.UpdateWebhookEndpoint(ctx, a.ID, uuid.Nil, off.ID, webhooks.EndpointInput{URL: off.URL, Types: off.Types, Enabled: false}); err != nil {
		t.Fatal(err)
	}

	t.Run("the event's and the platform's subscribed endpoints", func(t *testing.T) {
		if err := emit(t, database, a.ID, webhooks.OrderPlaced, webhooks.Order(order)); err != nil {
			t.Fatal(err)
		}
		got := map[uuid.UUID]bool{}
		for _, e := range []webhooks.Endpoint{own, platform} {
			got[e.ID] = dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND tenant_id = $2", e.ID, a.ID) == 1
		}
		if !got[own.ID] || !got[platform.ID] {
			t.Fatalf("deliveries to own %v, platform %v; want one each", got[own.ID], got[platform.ID])
		}
		if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_deliveries"); n != 2 {
			t.Fatalf("%d deliveries, want 2 (not another event's, another type's or a disabled endpoint's)", n)
		}
		if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM river_job WHERE kind = $1 AND args->>'tenant_id' = $2", webhooks.JobKind, a.ID.String()); n != 2 {
			t.Fatalf("%d delivery jobs, want 2", n)
		}
		var payload []byte
		conn, err := pgx.Connect(ctx, d.AdminURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if err := conn.QueryRow(ctx, "SELECT payload FROM webhook_messages").Scan(&payload); err != nil {
			t.Fatal(err)
		}
		var data webhooks.OrderData
		if err := json.Unmarshal(payload, &data); err != nil || data.Number != "A-1" || data.EventID != a.ID {
			t.Fatalf("payload %s (%v), want order A-1 of event a", payload, err)
		}
	})

	t.Run("data about another event is refused and rolls back", func(t *testing.T) {
		other := &storefront.Order{ID: uuid.New(), TenantID: b.ID, Number: "B-1"}
		if err := emit(t, database, a.ID, webhooks.OrderPlaced, webhooks.Order(other)); err == nil {
			t.Fatal("an order of event b emitted in event a, want an error")
		}
		if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_messages"); n != 1 {
			t.Fatalf("%d messages, want still 1", n)
		}
	})
}

// TestWebhookEndpointsStayInTheirScope: another event's endpoint, and the
// platform's from an event, are not found for any change; an event does
// not see the platform's in its list.
func TestWebhookEndpointsStayInTheirScope(t *testing.T) {
	ctx := context.Background()
	_, database := webhookDB(t)
	a, b := newTenant(t, database, "scope-a"), newTenant(t, database, "scope-b")
	theirs := endpointOf(t, database, b.ID, "http://127.0.0.1:1/b", webhooks.OrderPlaced)
	platform := endpointOf(t, database, uuid.Nil, "http://127.0.0.1:1/p", webhooks.OrderPlaced)
	for _, e := range []webhooks.Endpoint{theirs, platform} {
		in := webhooks.EndpointInput{URL: "http://127.0.0.1:1/x", Types: []string{webhooks.OrderPaid}, Enabled: true}
		checks := map[string]error{}
		_, checks["get"] = database.WebhookEndpoint(ctx, a.ID, e.ID)
		_, checks["update"] = database.UpdateWebhookEndpoint(ctx, a.ID, uuid.Nil, e.ID, in)
		_, _, checks["rotate"] = database.RotateWebhookSecret(ctx, a.ID, uuid.Nil, e.ID)
		_, checks["deliveries"] = database.WebhookDeliveries(ctx, a.ID, e.ID, webhooks.Cursor{}, 10)
		_, checks["test"] = database.SendTestWebhook(ctx, a.ID, e.ID)
		checks["delete"] = database.DeleteWebhookEndpoint(ctx, a.ID, uuid.Nil, e.ID)
		for op, err := range checks {
			if marquee.ErrorCode(err) != marquee.ENOTFOUND {
				t.Errorf("%s of %s from event a: %v, want not found", op, e.URL, err)
			}
		}
	}
	if list, err := database.WebhookEndpoints(ctx, a.ID); err != nil || len(list) != 0 {
		t.Fatalf("event a's endpoints: %d %v, want none", len(list), err)
	}
	if got, err := database.WebhookEndpoint(ctx, b.ID, theirs.ID); err != nil || got.URL != "http://127.0.0.1:1/b" || len(got.Types) != 1 {
		t.Fatalf("event b's endpoint after event a's tries: %+v %v, want unchanged", got, err)
	}
}

// TestWebhookEndpointInputIsChecked: refusals name their field and write
// nothing; a private address is refused unless allowed.
func TestWebhookEndpointInputIsChecked(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	ev := newTenant(t, database, "checked")
	for _, c := range []struct {
		in    webhooks.EndpointInput
		field string
	}{
		{webhooks.EndpointInput{URL: "", Types: []string{webhooks.OrderPlaced}}, webhooks.FieldURL},
		{webhooks.EndpointInput{URL: "http://crm.example.com/hook", Types: []string{webhooks.OrderPlaced}}, webhooks.FieldURL},
		{webhooks.EndpointInput{URL: "https://127.0.0.1/hook", Types: []string{webhooks.OrderPlaced}}, webhooks.FieldURL},
		{webhooks.EndpointInput{URL: "https://[::ffff:10.0.0.1]/hook", Types: []string{webhooks.OrderPlaced}}, webhooks.FieldURL},
		{webhooks.EndpointInput{URL: "https://crm.example.com/hook", Types: nil}, webhooks.FieldTypes},
		{webhooks.EndpointInput{URL: "https://crm.example.com/hook", Types: []string{"order.exploded"}}, webhooks.FieldTypes},
	} {
		_, _, err := database.CreateWebhookEndpoint(ctx, ev.ID, uuid.Nil, c.in)
		if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorField(err) != c.field {
			t.Errorf("%+v: %v, want invalid on %s", c.in, err, c.field)
		}
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_endpoints"); n != 0 {
		t.Fatalf("%d endpoints after refusals, want 0", n)
	}
	e, _, err := database.CreateWebhookEndpoint(ctx, ev.ID, uuid.Nil, webhooks.EndpointInput{URL: " https://crm.example.com/hook ",
		Types: []string{webhooks.OrderPaid, webhooks.OrderPlaced, webhooks.OrderPaid}, Enabled: true})
	if err != nil || e.URL != "https://crm.example.com/hook" || len(e.Types) != 2 || e.Types[0] != webhooks.OrderPlaced {
		t.Fatalf("created %+v %v, want the URL trimmed and the types once each in order", e, err)
	}
}

// TestRotateAndResendAndTest: a rotation keeps the previous secret for a
// day; a test message and a resend each queue a new delivery.
func TestRotateAndResendAndTest(t *testing.T) {
	ctx := context.Background()
	d, database := webhookDB(t)
	ev := newTenant(t, database, "rotate")
	e := endpointOf(t, database, ev.ID, "http://127.0.0.1:1/a", webhooks.OrderPlaced)
	secret, rotated, err := database.RotateWebhookSecret(ctx, ev.ID, uuid.Nil, e.ID)
	if err != nil || rotated.PreviousSecretUntil == nil || len(secret) < 40 {
		t.Fatalf("rotate: %q %+v %v", secret, rotated, err)
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_endpoints WHERE previous_secret <> '' AND secret = $1 AND previous_secret_until > now() + interval '23 hours'", secret); n != 1 {
		t.Fatal("the previous secret is not kept for a day beside the new one")
	}
	test, err := database.SendTestWebhook(ctx, ev.ID, e.ID)
	if err != nil || test.Type != webhooks.TestType || test.State != webhooks.DeliveryPending {
		t.Fatalf("test: %+v %v", test, err)
	}
	again, err := database.ResendWebhook(ctx, ev.ID, test.ID)
	if err != nil || again.ID == test.ID || again.MessageID != test.MessageID {
		t.Fatalf("resend: %+v %v, want a new delivery of the same message", again, err)
	}
	page, err := database.WebhookDeliveries(ctx, ev.ID, e.ID, webhooks.Cursor{}, 1)
	if err != nil || len(page) != 1 {
		t.Fatalf("first page: %d %v", len(page), err)
	}
	next, more := webhooks.Next(page, 1)
	rest, err := database.WebhookDeliveries(ctx, ev.ID, e.ID, next, 10)
	if !more || err != nil || len(rest) != 1 || rest[0].ID == page[0].ID {
		t.Fatalf("second page: %+v %v, want the other delivery", rest, err)
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM river_job WHERE kind = $1", webhooks.JobKind); n != 2 {
		t.Fatalf("%d jobs, want 2", n)
	}
	if err := database.DeleteWebhookEndpoint(ctx, ev.ID, uuid.Nil, e.ID); err != nil {
		t.Fatal(err)
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM webhook_deliveries"); n != 0 {
		t.Fatalf("%d deliveries after the endpoint's deletion, want 0", n)
	}
}

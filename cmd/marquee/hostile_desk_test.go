package main

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront/webhooks"
	"marquee/tenant/api"
)

// walkDesk readies the walk of the API's desk routes (orders, suppliers,
// vouchers, waiting lists, webhooks, sign-ups): a token with every scope,
// their body fields and query parameters, and real ids for their paths —
// the event's supplier and code, the waiting list's option and entry, an
// endpoint of the event and one of the platform's, each with a delivery.
func walkDesk(t *testing.T, w *walker, supplierID, voucherID string) {
	t.Helper()
	ctx := context.Background()
	tok, _, err := w.s.db.CreateAPIToken(ctx, "walk-desk", api.Scopes)
	if err != nil {
		t.Fatal(err)
	}
	w.apiToken = tok
	w.jsonNames = append(w.jsonNames, "status", "note", "emails", "mode", "send_at", "product_ids", "variant_ids", "code", "kind",
		"amount_minor", "percent", "max_uses", "valid_from", "valid_until", "prefix", "count", "disabled", "url", "description",
		"types", "enabled")
	for _, q := range []string{"status", "payment", "q", "product", "variant", "from", "until", "format", "cursor"} {
		w.queryNames[q] = true
	}
	ev := "api /api/v1/events/:slug"
	w.real[ev+"/suppliers/:id"] = map[string]string{"id": supplierID}
	w.real[ev+"/vouchers/:id"] = map[string]string{"id": voucherID}
	waitlist := map[string]string{"variant": w.baseQuery["storefront /waitlist"].Get("variant"), "entry": w.realByName["entry"]}
	w.real[ev+"/waitlists/:variant"] = waitlist
	w.real[ev+"/waitlists/:variant/entries/:entry"] = waitlist
	for scope, prefix := range map[uuid.UUID]string{w.ev.ID: ev, uuid.Nil: "api /api/v1"} {
		// .invalid never resolves: a delivery the walk queues goes nowhere.
		e, _, err := w.s.db.CreateWebhookEndpoint(ctx, scope, uuid.Nil, webhooks.EndpointInput{URL: "https://walk.invalid/hooks",
			Types: []string{webhooks.OrderPaid}, Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		d, err := w.s.db.SendTestWebhook(ctx, scope, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{"id": e.ID.String(), "delivery": d.ID.String()}
		for _, p := range []string{"", "/rotate-secret", "/test", "/deliveries", "/deliveries/:delivery/resend"} {
			w.real[prefix+"/webhooks/:id"+p] = ids
		}
	}
}

package main

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront/webhooks"
	"marquee/tenant"
)

// walkWebhooks gives devcon and the platform a webhook endpoint with a
// delivery in its log (a test message), and returns the values of the
// webhook pages' parameters for the page walk's params: devcon's by
// default, the platform's for the /platform/webhooks routes.
func walkWebhooks(t *testing.T, s *testServer, devcon *tenant.Tenant) map[string]string {
	t.Helper()
	params := map[string]string{}
	for _, scope := range []uuid.UUID{devcon.ID, uuid.Nil} {
		e, d := walkEndpoint(t, s, scope)
		if scope != uuid.Nil {
			params["console :webhook"], params["console :delivery"] = e.String(), d.String()
			continue
		}
		for _, route := range []string{"", "/rotate", "/delete", "/deliveries"} {
			params["console /platform/webhooks/:webhook"+route+" :webhook"] = e.String()
		}
	}
	return params
}

// walkEndpoint is an endpoint of scope (uuid.Nil: the platform's) and a
// test message's delivery to it.
func walkEndpoint(t *testing.T, s *testServer, scope uuid.UUID) (endpoint, delivery uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	e, _, err := s.db.CreateWebhookEndpoint(ctx, scope, uuid.Nil, webhooks.EndpointInput{URL: "https://crm.example.com/hooks",
		Description: "The CRM", Types: []string{webhooks.OrderPlaced, webhooks.SignupReceived}, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.db.SendTestWebhook(ctx, scope, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	return e.ID, d.ID
}

// fillWebhook fills the new-endpoint form with url and two message types.
func fillWebhook(url string) string {
	return `(() => {
	const f = document.querySelector('form.webhook-form');
	f.elements.url.value = '` + url + `';
	f.querySelectorAll('input[name=types]')[0].checked = true;
	f.querySelectorAll('input[name=types]')[5].checked = true;
	return true;
})()`
}

// webhookStops are the webhook pages no GET route shows by itself: the
// form refused on its URL, and the page that shows a new secret once.
func webhookStops() []walkStop {
	return []walkStop{
		{host: "console", path: "/events/devcon/webhooks", fill: fillWebhook("https://10.0.0.1/hooks"), press: "form.webhook-form button.primary",
			status: 422, shows: `#webhook-url[aria-invalid="true"]`},
		{host: "console", path: "/events/devcon/webhooks", fill: fillWebhook("https://crm.example.com/new"), press: "form.webhook-form button.primary",
			status: 201, shows: "#webhook-secret"},
	}
}

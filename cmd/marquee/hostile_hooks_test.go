package main

import (
	"testing"

	"github.com/google/uuid"
)

// walkWebhookIDs gives the walk's event and the platform a webhook
// endpoint with a delivery each: the event's are the :webhook and
// :delivery of every route, the platform's those of /platform/webhooks.
func walkWebhookIDs(t *testing.T, w *walker) {
	t.Helper()
	e, d := walkEndpoint(t, w.s, w.ev.ID)
	w.realByName["webhook"], w.realByName["delivery"] = e.String(), d.String()
	e, d = walkEndpoint(t, w.s, uuid.Nil)
	for _, route := range []string{"", "/enabled", "/test", "/rotate", "/delete", "/deliveries", "/deliveries/:delivery/resend"} {
		w.real["console /platform/webhooks/:webhook"+route] = map[string]string{"webhook": e.String(), "delivery": d.String()}
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"marquee/storefront"
	"marquee/storefront/payments"
	"marquee/storefront/payments/stripetest"
)

// walkStripeWebhook sends the console's Stripe webhook payloads signed
// with the platform's secret, so they pass the signature and reach the
// handler and the database: checkout sessions of the walk's paid order
// with a hostile value in each field the handler reads (raw bad bytes
// too), and of an order waiting for its payment with a hostile amount or
// another event's id beside its own. None is answered 5xx; a refusal (4xx)
// writes nothing; an answer 200 is a signed event about the paid order,
// which only records the event's id (Stripe's retries find it) and changes
// no order, history or refund; the waiting order is never paid.
func (w *walker) walkStripeWebhook() {
	t := w.t
	t.Helper()
	var paidID, sessionID string
	var total int64
	w.queryRow(`SELECT id::text, payment_session_id, total_minor FROM orders WHERE tenant_id = $1 AND payment_state = 'paid'`,
		[]any{w.ev.ID}, &paidID, &sessionID, &total)
	waiting, err := w.s.db.PlaceOrder(context.Background(), w.ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "waiting@example.com",
		Name: "Wai Ting", Locale: "en", Answers: map[string]any{"consent": true},
		Lines: []storefront.Line{{ProductID: w.store.hoodie.ID, VariantID: w.store.hoodie.Variants[0].ID, Quantity: 1}}})
	if err != nil || waiting.Status != storefront.StatusPendingPayment {
		t.Fatalf("the order waiting for its payment: %v %v", waiting, err)
	}
	session := func(orderID string, sessionID string, amount int64) map[string]any {
		return map[string]any{"id": sessionID, "object": "checkout.session", "amount_total": amount, "currency": "eur",
			"payment_status": "paid", "payment_intent": "pi_walk", "status": "complete",
			"metadata": map[string]any{"tenant_id": w.ev.ID.String(), "order_id": orderID}}
	}
	paid := func() map[string]any { return session(paidID, sessionID, total) }
	pending := func() map[string]any { return session(waiting.ID.String(), "cs_walk_waiting", waiting.TotalMinor) }
	events, rows := w.paymentRows()
	send := func(what, eventID, typ string, s map[string]any) int {
		status := w.sendStripe(eventID, typ, s)
		w.requests++
		if status >= 500 {
			w.fiveHundreds++
			t.Errorf("Stripe's webhook, %s: %d", what, status)
		}
		e, r := w.paymentRows()
		if r != rows || e != events && status != http.StatusOK {
			t.Errorf("Stripe's webhook, %s (%d) wrote: %d events, %s; was %d, %s", what, status, e, r, events, rows)
		}
		events, rows = e, r
		return status
	}
	n := 0
	id := func() string { n++; return fmt.Sprintf("evt_walk_%d", n) }
	fields := []string{"id", "currency", "payment_intent", "payment_status", "status", "metadata.tenant_id", "metadata.order_id"}
	for _, typ := range []string{payments.EventCompleted, payments.EventExpired} {
		for _, h := range hostileValues {
			send(typ+" event id "+h.name, h.value, typ, paid())
			for _, f := range fields {
				s := paid()
				if k, ok := strings.CutPrefix(f, "metadata."); ok {
					s["metadata"].(map[string]any)[k] = h.value
				} else {
					s[f] = h.value
				}
				send(typ+" "+f+" "+h.name, id(), typ, s)
			}
		}
		for _, v := range hostileJSON {
			for _, f := range []string{"amount_total", "metadata", "id", "payment_intent"} {
				s := paid()
				s[f] = json.RawMessage(v)
				send(typ+" "+f+" "+v, id(), typ, s)
			}
		}
		s := paid()
		s["metadata"].(map[string]any)["tenant_id"] = w.other.ID.String()
		if got := send(typ+" with another event's id", id(), typ, s); got != http.StatusNotFound {
			t.Errorf("Stripe's webhook with another event's id and the walk's order: %d, want 404", got)
		}
	}
	for _, amount := range []int64{-1, 0, waiting.TotalMinor - 1, waiting.TotalMinor + 1, 1 << 62} {
		s := pending()
		s["amount_total"] = amount
		if got := send(fmt.Sprintf("the waiting order paid %d", amount), id(), payments.EventCompleted, s); got/100 != 4 {
			t.Errorf("the waiting order paid %d of %d: %d, want a refusal", amount, waiting.TotalMinor, got)
		}
	}
	s := pending()
	s["metadata"].(map[string]any)["tenant_id"] = w.other.ID.String()
	if got := send("the waiting order under another event's id", id(), payments.EventCompleted, s); got != http.StatusNotFound {
		t.Errorf("the waiting order under another event's id: %d, want 404", got)
	}
	if got, err := w.s.db.OrderByNumber(context.Background(), w.ev.ID, waiting.Number); err != nil || got.Status != storefront.StatusPendingPayment {
		t.Errorf("the waiting order after the walk: %v %v", got, err)
	}
}

// paymentRows is what a webhook could write, for the walk's event: the
// Stripe events recorded, and the orders' statuses and payment states,
// the history's rows and the refunds.
func (w *walker) paymentRows() (events int, rows string) {
	w.queryRow(`SELECT (SELECT count(*) FROM payment_events), concat_ws(' | ',
		(SELECT string_agg(status || '/' || payment_state || '/' || coalesce(payment_intent_id, ''), ',' ORDER BY number) FROM orders WHERE tenant_id = $1),
		(SELECT count(*) FROM order_status_history WHERE tenant_id = $1),
		(SELECT count(*) FROM payment_refunds))`, []any{w.ev.ID}, &events, &rows)
	return events, rows
}

// queryRow reads one row as a superuser, past row-level security.
func (w *walker) queryRow(query string, args []any, dest ...any) {
	w.t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, w.s.adminURL)
	if err != nil {
		w.t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, query, args...).Scan(dest...); err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
}

// sendStripe posts a webhook about session, signed as stripetest signs
// (stripe-go's own test signing with the platform's secret), to the
// console's host, and returns the status.
func (w *walker) sendStripe(eventID, typ string, session map[string]any) int {
	w.t.Helper()
	payload, err := json.Marshal(map[string]any{"id": eventID, "object": "event", "type": typ, "api_version": stripe.APIVersion,
		"created": time.Now().Unix(), "livemode": false, "data": map[string]any{"object": session}})
	if err != nil {
		w.t.Fatal(err)
	}
	// encoding/json replaces bad bytes; put the hostile ones back, raw.
	for _, h := range hostileValues {
		if !utf8.ValidString(h.value) && strings.Contains(fmt.Sprint(session)+eventID, h.value) {
			payload = []byte(strings.ReplaceAll(string(payload), `\ufffd`, h.value))
		}
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: stripetest.WebhookSecret})
	req, err := http.NewRequest(http.MethodPost, w.s.url+payments.WebhookPath, strings.NewReader(string(payload)))
	if err != nil {
		w.t.Fatal(err)
	}
	req.Host = consoleHost
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Stripe-Signature", signed.Header)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

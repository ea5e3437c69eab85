// Package stripetest is a Stripe for tests: a real HTTP server on
// 127.0.0.1 speaking the endpoints the shop uses (checkout sessions:
// create, retrieve, expire; refunds: create, honouring idempotency keys),
// with state, and a hosted checkout page (GET /pay/{session}) with a Pay
// and a Cancel button. Pay completes the session and sends the app the
// checkout.session.completed webhook, signed with stripe-go's
// webhook.GenerateTestSignedPayload, before redirecting to the session's
// success URL, as Stripe Checkout does.
package stripetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// Options configure Start.
type Options struct {
	// WebhookURL receives the webhooks (the app's /webhooks/stripe); ""
	// sends none until SetWebhook.
	WebhookURL string
	// WebhookHost, when set, is the Host header of the webhooks (the
	// console's host name, when WebhookURL names 127.0.0.1).
	WebhookHost string
	// Addr to listen on (default 127.0.0.1:0).
	Addr string
}

// The test keys.
const (
	SecretKey     = "sk_test_marquee"
	WebhookSecret = "whsec_marquee_test"
)

// Session is a checkout session as the server keeps it.
type Session struct {
	ID, URL, Status, PaymentStatus, PaymentIntent string
	Currency                                      string
	AmountTotal                                   int64
	SuccessURL, CancelURL, CustomerEmail, Locale  string
	Metadata                                      map[string]string
	Lines                                         []Line
	ExpiresAt                                     int64
}

// Line is one line item of a session.
type Line struct {
	Name     string
	Unit     int64
	Quantity int64
}

// Refund is a refund made.
type Refund struct {
	ID, PaymentIntent, Key string
	Amount                 int64
}

// Server is the fake Stripe.
type Server struct {
	URL string // http://127.0.0.1:PORT: STRIPE_API_BASE

	mu          sync.Mutex
	sessions    map[string]*Session
	refunds     []Refund
	byKey       map[string][]byte // idempotency key → response
	n           int
	webhookURL  string
	webhookHost string
	delivered   []Delivery
	srv         *http.Server
}

// Delivery is a webhook sent and how the app answered it.
type Delivery struct {
	EventID, Type, SessionID string
	Status                   int
}

// Start starts a server that stops when the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), sessions: map[string]*Session{}, byKey: map[string][]byte{},
		webhookURL: o.WebhookURL, webhookHost: o.WebhookHost}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/checkout/sessions", s.createSession)
	mux.HandleFunc("GET /v1/checkout/sessions/{id}", s.getSession)
	mux.HandleFunc("POST /v1/checkout/sessions/{id}/expire", s.expireSession)
	mux.HandleFunc("POST /v1/refunds", s.createRefund)
	mux.HandleFunc("GET /pay/{id}", s.payPage)
	mux.HandleFunc("POST /pay/{id}", s.payAction)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// SetWebhook sets where webhooks go (and their Host header).
func (s *Server) SetWebhook(url, host string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL, s.webhookHost = url, host
}

func (s *Server) nextID(prefix string) string {
	s.n++
	return fmt.Sprintf("%s_test_%06d", prefix, s.n)
}

func stripeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"type": "invalid_request_error", "message": msg}})
}

func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization") != "Bearer "+SecretKey {
		stripeError(w, http.StatusUnauthorized, "Invalid API Key provided")
		return false
	}
	return true
}

// idempotent answers a repeated idempotency key with the first answer;
// otherwise it runs make and keeps its answer.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, make func() (any, int, string)) {
	key := r.Header.Get("Idempotency-Key")
	s.mu.Lock()
	if b, ok := s.byKey[key]; ok && key != "" {
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
		return
	}
	obj, status, msg := make()
	if status != http.StatusOK {
		s.mu.Unlock()
		stripeError(w, status, msg)
		return
	}
	b, _ := json.Marshal(obj)
	if key != "" {
		s.byKey[key] = b
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func (s *Server) createSession(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil {
		stripeError(w, http.StatusBadRequest, err.Error())
		return
	}
	f := r.PostForm
	s.idempotent(w, r, func() (any, int, string) {
		ses := &Session{Status: "open", PaymentStatus: "unpaid", SuccessURL: f.Get("success_url"), CancelURL: f.Get("cancel_url"),
			CustomerEmail: f.Get("customer_email"), Locale: f.Get("locale"), Metadata: map[string]string{}}
		if f.Get("mode") != "payment" || ses.SuccessURL == "" {
			return nil, http.StatusBadRequest, "mode=payment and success_url are required"
		}
		for i := 0; f.Has(fmt.Sprintf("line_items[%d][quantity]", i)); i++ {
			p := fmt.Sprintf("line_items[%d]", i)
			qty, err1 := strconv.ParseInt(f.Get(p+"[quantity]"), 10, 64)
			unit, err2 := strconv.ParseInt(f.Get(p+"[price_data][unit_amount]"), 10, 64)
			cur := f.Get(p + "[price_data][currency]")
			if err1 != nil || err2 != nil || qty < 1 || unit < 0 || cur == "" || (ses.Currency != "" && cur != ses.Currency) {
				return nil, http.StatusBadRequest, "invalid line item " + p
			}
			ses.Currency = cur
			ses.Lines = append(ses.Lines, Line{Name: f.Get(p + "[price_data][product_data][name]"), Unit: unit, Quantity: qty})
			ses.AmountTotal += unit * qty
		}
		if len(ses.Lines) == 0 || ses.AmountTotal < 1 {
			return nil, http.StatusBadRequest, "line_items are required and must cost something"
		}
		for k, v := range f {
			if strings.HasPrefix(k, "metadata[") {
				ses.Metadata[strings.TrimSuffix(strings.TrimPrefix(k, "metadata["), "]")] = v[0]
			}
		}
		ses.ExpiresAt, _ = strconv.ParseInt(f.Get("expires_at"), 10, 64)
		ses.ID = s.nextID("cs")
		ses.URL = s.URL + "/pay/" + ses.ID
		s.sessions[ses.ID] = ses
		return sessionJSON(ses), http.StatusOK, ""
	})
}

// sessionJSON is a session as Stripe's API shows it.
func sessionJSON(ses *Session) map[string]any {
	m := map[string]any{"id": ses.ID, "object": "checkout.session", "url": ses.URL, "status": ses.Status,
		"payment_status": ses.PaymentStatus, "amount_total": ses.AmountTotal, "currency": ses.Currency,
		"success_url": ses.SuccessURL, "cancel_url": ses.CancelURL, "customer_email": ses.CustomerEmail,
		"metadata": ses.Metadata, "mode": "payment", "expires_at": ses.ExpiresAt, "livemode": false}
	if ses.PaymentIntent != "" {
		m["payment_intent"] = ses.PaymentIntent
	}
	return m
}

func (s *Server) session(w http.ResponseWriter, r *http.Request) (*Session, bool) {
	ses, ok := s.sessions[r.PathValue("id")]
	if !ok {
		s.mu.Unlock()
		stripeError(w, http.StatusNotFound, "No such checkout.session")
	}
	return ses, ok
}

func (s *Server) getSession(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	s.mu.Lock()
	ses, ok := s.session(w, r)
	if !ok {
		return
	}
	b, _ := json.Marshal(sessionJSON(ses))
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func (s *Server) expireSession(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	s.mu.Lock()
	ses, ok := s.session(w, r)
	if !ok {
		return
	}
	if ses.Status != "open" {
		s.mu.Unlock()
		stripeError(w, http.StatusBadRequest, "Only Checkout Sessions with a status in [\"open\"] can be expired.")
		return
	}
	ses.Status = "expired"
	b, _ := json.Marshal(sessionJSON(ses))
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func (s *Server) createRefund(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil {
		stripeError(w, http.StatusBadRequest, err.Error())
		return
	}
	pi, key := r.PostForm.Get("payment_intent"), r.Header.Get("Idempotency-Key")
	amount, err := strconv.ParseInt(r.PostForm.Get("amount"), 10, 64)
	if err != nil || amount < 1 {
		stripeError(w, http.StatusBadRequest, "amount must be a positive integer")
		return
	}
	s.idempotent(w, r, func() (any, int, string) {
		var paid, refunded int64
		for _, ses := range s.sessions {
			if ses.PaymentIntent == pi && pi != "" {
				paid = ses.AmountTotal
			}
		}
		for _, rf := range s.refunds {
			if rf.PaymentIntent == pi {
				refunded += rf.Amount
			}
		}
		if paid == 0 {
			return nil, http.StatusNotFound, "No such payment_intent: " + pi
		}
		if refunded+amount > paid {
			return nil, http.StatusBadRequest, "Refund amount is greater than unrefunded amount on charge"
		}
		rf := Refund{ID: s.nextID("re"), PaymentIntent: pi, Key: key, Amount: amount}
		s.refunds = append(s.refunds, rf)
		return map[string]any{"id": rf.ID, "object": "refund", "amount": amount, "payment_intent": pi, "status": "succeeded"}, http.StatusOK, ""
	})
}

// Sessions returns the sessions made so far, by id.
func (s *Server) Sessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Session, 0, len(s.sessions))
	for _, ses := range s.sessions {
		out = append(out, *ses)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Refunds returns the refunds made, oldest first.
func (s *Server) Refunds() []Refund {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Refund(nil), s.refunds...)
}

// Deliveries returns the webhooks sent and the app's answers.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.delivered...)
}

// Pay completes a session as the Pay button does and delivers its
// checkout.session.completed webhook, returning the delivery.
func (s *Server) Pay(sessionID string) (Delivery, error) {
	s.mu.Lock()
	ses, ok := s.sessions[sessionID]
	if !ok || ses.Status != "open" {
		s.mu.Unlock()
		return Delivery{}, fmt.Errorf("stripetest: session %s is not open", sessionID)
	}
	ses.Status, ses.PaymentStatus, ses.PaymentIntent = "complete", "paid", s.nextID("pi")
	s.mu.Unlock()
	return s.Send("checkout.session.completed", sessionID, "")
}

// Expire expires an open session as Stripe does when its time is up and
// delivers checkout.session.expired.
func (s *Server) Expire(sessionID string) (Delivery, error) {
	s.mu.Lock()
	ses, ok := s.sessions[sessionID]
	if !ok || ses.Status != "open" {
		s.mu.Unlock()
		return Delivery{}, fmt.Errorf("stripetest: session %s is not open", sessionID)
	}
	ses.Status = "expired"
	s.mu.Unlock()
	return s.Send("checkout.session.expired", sessionID, "")
}

// Send delivers an event of type typ about a session as it is now, signed
// with WebhookSecret; eventID "" makes a new id (pass one to deliver the
// same event again, as Stripe may).
func (s *Server) Send(typ, sessionID, eventID string) (Delivery, error) {
	return s.SendSigned(typ, sessionID, eventID, WebhookSecret)
}

// SendSigned is Send with another signing secret (a forged webhook).
func (s *Server) SendSigned(typ, sessionID, eventID, secret string) (Delivery, error) {
	s.mu.Lock()
	ses, ok := s.sessions[sessionID]
	if !ok {
		s.mu.Unlock()
		return Delivery{}, fmt.Errorf("stripetest: no session %s", sessionID)
	}
	if eventID == "" {
		eventID = s.nextID("evt")
	}
	obj := sessionJSON(ses)
	target, host := s.webhookURL, s.webhookHost
	s.mu.Unlock()
	payload, _ := json.Marshal(map[string]any{"id": eventID, "object": "event", "type": typ, "api_version": stripe.APIVersion,
		"created": time.Now().Unix(), "livemode": false, "data": map[string]any{"object": obj}})
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret})
	d := Delivery{EventID: eventID, Type: typ, SessionID: sessionID}
	if target == "" {
		return d, fmt.Errorf("stripetest: no webhook URL")
	}
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(payload))
	if err != nil {
		return d, err
	}
	if host != "" {
		req.Host = host
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signed.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return d, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	d.Status = resp.StatusCode
	s.mu.Lock()
	s.delivered = append(s.delivered, d)
	s.mu.Unlock()
	return d, nil
}

var page = template.Must(template.New("pay").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay {{.Amount}} (test checkout)</title></head>
<body><main>
<h1>Test checkout</h1>
<p id="amount">Total: {{.Amount}}</p>
<ul>{{range .Lines}}<li>{{.Quantity}} × {{.Name}}</li>{{end}}</ul>
{{if eq .Status "open"}}
<form method="post" action="/pay/{{.ID}}"><input type="hidden" name="action" value="pay"><button type="submit" id="pay">Pay</button></form>
<form method="post" action="/pay/{{.ID}}"><input type="hidden" name="action" value="cancel"><button type="submit" id="cancel">Cancel</button></form>
{{else}}<p id="closed">This checkout is {{.Status}}.</p>{{end}}
</main></body></html>`))

func (s *Server) payPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ses, ok := s.session(w, r)
	if !ok {
		return
	}
	data := struct {
		Session
		Amount string
	}{*ses, fmt.Sprintf("%d.%02d %s", ses.AmountTotal/100, ses.AmountTotal%100, strings.ToUpper(ses.Currency))}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = page.Execute(w, data)
}

func (s *Server) payAction(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	ses, ok := s.session(w, r)
	if !ok {
		return
	}
	success, cancel := ses.SuccessURL, ses.CancelURL
	s.mu.Unlock()
	if r.PostFormValue("action") != "pay" {
		http.Redirect(w, r, cancel, http.StatusSeeOther)
		return
	}
	d, err := s.Pay(id)
	if err != nil || d.Status != http.StatusOK {
		http.Error(w, fmt.Sprintf("the payment's webhook failed: %v (status %d)", err, d.Status), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, strings.ReplaceAll(success, "{CHECKOUT_SESSION_ID}", url.QueryEscape(id)), http.StatusSeeOther)
}

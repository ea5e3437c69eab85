// Package webhooktest is a webhook receiver for tests: a real HTTP server
// on 127.0.0.1 that verifies every delivery's signature with the Standard
// Webhooks reference library (not Marquee's signer), records what it
// accepted, and can be told to answer 500 a number of times.
package webhooktest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Delivery is one request the receiver accepted: its signature verified.
type Delivery struct {
	ID        string // webhook-id
	Timestamp string // webhook-timestamp
	Signature string // webhook-signature
	Type      string
	Data      json.RawMessage
	Body      []byte
}

// Receiver is the test's endpoint.
type Receiver struct {
	srv *httptest.Server

	mu        sync.Mutex
	verifiers []*standardwebhooks.Webhook
	failures  int // answer 500 to this many more requests
	accepted  []Delivery
	refused   int // requests whose signature did not verify
	failed    int // requests answered 500 on purpose
}

// Start starts a receiver on 127.0.0.1 that accepts deliveries signed by
// any of secrets (whsec_…); it stops when the test ends.
func Start(t testing.TB, secrets ...string) *Receiver {
	t.Helper()
	r := &Receiver{}
	r.Trust(t, secrets...)
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

// URL is the receiver's address (http://127.0.0.1:PORT/hook).
func (r *Receiver) URL() string { return r.srv.URL + "/hook" }

// Trust makes the receiver verify with secrets, instead of what it
// trusted before (a receiver switching to a rotated secret).
func (r *Receiver) Trust(t testing.TB, secrets ...string) {
	t.Helper()
	var vs []*standardwebhooks.Webhook
	for _, s := range secrets {
		v, err := standardwebhooks.NewWebhook(s)
		if err != nil {
			t.Fatalf("webhooktest: secret %q: %v", s, err)
		}
		vs = append(vs, v)
	}
	r.mu.Lock()
	r.verifiers = vs
	r.mu.Unlock()
}

// FailNext makes the receiver answer 500 to the next n requests, before
// looking at them.
func (r *Receiver) FailNext(n int) {
	r.mu.Lock()
	r.failures = n
	r.mu.Unlock()
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil || req.Method != http.MethodPost || req.URL.Path != "/hook" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failures > 0 {
		r.failures--
		r.failed++
		http.Error(w, "receiver told to fail", http.StatusInternalServerError)
		return
	}
	verified := false
	for _, v := range r.verifiers {
		if v.Verify(body, req.Header) == nil {
			verified = true
			break
		}
	}
	if !verified {
		r.refused++
		http.Error(w, "signature does not verify", http.StatusUnauthorized)
		return
	}
	var env struct {
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		http.Error(w, "not JSON", http.StatusBadRequest)
		return
	}
	r.accepted = append(r.accepted, Delivery{ID: req.Header.Get("webhook-id"), Timestamp: req.Header.Get("webhook-timestamp"),
		Signature: req.Header.Get("webhook-signature"), Type: env.Type, Data: env.Data, Body: body})
	w.WriteHeader(http.StatusNoContent)
}

// Accepted is every delivery accepted so far, in the order received.
func (r *Receiver) Accepted() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Delivery(nil), r.accepted...)
}

// Refused is how many requests had no signature it could verify.
func (r *Receiver) Refused() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refused
}

// Failed is how many requests it answered 500 on purpose.
func (r *Receiver) Failed() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// WaitFor waits until the receiver accepted n deliveries of typ (any type
// for ""), failing the test after within; it returns them.
func (r *Receiver) WaitFor(t testing.TB, typ string, n int, within time.Duration) []Delivery {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var got []Delivery
		for _, d := range r.Accepted() {
			if typ == "" || d.Type == typ {
				got = append(got, d)
			}
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhooktest: %d deliveries of %q within %v, want %d (refused %d, failed on purpose %d)", len(got), typ, within, n, r.Refused(), r.Failed())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

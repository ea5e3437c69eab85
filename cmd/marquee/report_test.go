package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee/tenant"
)

// TestSentryReceivesAnInternalErrorWithoutPersonalData: with SENTRY_DSN
// set, a panic in a handler reaches a real HTTP receiver of Sentry's
// envelopes with its request id, event and route, and without the
// visitor's cookies, authorization, query, address or form.
func TestSentryReceivesAnInternalErrorWithoutPersonalData(t *testing.T) {
	var mu sync.Mutex
	var envelopes []string
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		envelopes = append(envelopes, r.URL.Path+"\n"+string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer receiver.Close()
	cfg := defaultConfig()
	cfg.SentryDSN = "http://publickey@" + strings.TrimPrefix(receiver.URL, "http://") + "/42"
	s := startServer(t, cfg)
	s.event("devcon", tenant.StatusActive, blue)
	app := s.platform.newApp()
	app.Post("/explode", func(*fiber.Ctx) error { panic("forced internal error") })
	req := httptest.NewRequest(http.MethodPost, "/explode?email=ada%40example.com", strings.NewReader("name=Ada+Lovelace&email=ada%40example.com"))
	req.Host = "devcon.shop.test"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", "session=cookie-secret-value")
	req.Header.Set("Authorization", "Bearer token-secret-value")
	req.Header.Set("X-Request-Id", "req-sentry-test-1")
	res, err := app.Test(req, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 500 {
		t.Fatalf("status %d, want 500", res.StatusCode)
	}
	s.platform.reporter.flush()
	waitFor(t, 10*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(envelopes) > 0
	})
	time.Sleep(200 * time.Millisecond) // a second report would have arrived too
	mu.Lock()
	got := strings.Join(envelopes, "\n---\n")
	mu.Unlock()
	if len(envelopes) != 1 || !strings.HasPrefix(got, "/api/42/envelope/") {
		t.Fatalf("%d envelopes received:\n%s", len(envelopes), got)
	}
	for _, want := range []string{`"request_id":"req-sentry-test-1"`, `"event":"devcon"`, `"route":"POST /explode"`, "forced internal error"} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %s:\n%s", want, got)
		}
	}
	// Whole words of the visitor's data: "ada" alone turns up in the
	// envelope's random hex ids (event_id 6668ce4adab5…, seen in CI).
	for _, secret := range []string{"ada@example", "ada%40example", "Ada", "cookie-secret-value", "token-secret-value", "Lovelace", "ip_address", "0.0.0.0"} {
		if bytes.Contains([]byte(got), []byte(secret)) {
			t.Errorf("the report carries %q:\n%s", secret, got)
		}
	}
}

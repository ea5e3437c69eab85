package api

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestIdempotencyKeys: a POST retried with its Idempotency-Key is done
// once and answered as the first time; the key with another request is a
// 422, while the first runs a 409; each token has its own keys.
func TestIdempotencyKeys(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	token, other := s.token(Scopes...), s.token(Scopes...)
	create := `{"slug":"berlin","name":"Berlin 2027","locales":["en","de"],"currency":"EUR"}`
	key := func(k string) []string { return []string{"Idempotency-Key", k} }
	events := func() int { return countRows(t, s.adminURL, "SELECT count(*) FROM tenants") }

	first := s.call(http.MethodPost, "/api/v1/events", token, create, key("k-1")...)
	if first.status != 201 || first.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first: %d %q", first.status, first.errorMessage())
	}
	t.Run("a retry is answered as the first time, and done once", func(t *testing.T) {
		again := s.call(http.MethodPost, "/api/v1/events", token, create, key("k-1")...)
		if again.status != 201 || string(again.raw) != string(first.raw) || again.header.Get("Idempotent-Replayed") != "true" ||
			again.header.Get("Location") != "/api/v1/events/berlin" || !strings.HasPrefix(again.header.Get("Content-Type"), "application/json") {
			t.Errorf("retry: %d %s %v", again.status, again.raw, again.header)
		}
		if n := events(); n != 1 {
			t.Errorf("%d events", n)
		}
		// Without a key, the same request is a new one: the slug is taken.
		if r := s.api(http.MethodPost, "/api/v1/events", token, create); r.status != 409 {
			t.Errorf("without a key: %d", r.status)
		}
	})
	t.Run("the key with another body or path is refused, naming the header", func(t *testing.T) {
		for _, c := range []struct{ path, body string }{
			{"/api/v1/events", `{"slug":"lisbon","name":"Lisbon"}`},
			{"/api/v1/events/berlin/domains", `{"hostname":"shop.berlin.org"}`},
		} {
			r := s.call(http.MethodPost, c.path, token, c.body, key("k-1")...)
			if r.status != 422 || r.errorField() != "Idempotency-Key" ||
				r.errorMessage() != "This Idempotency-Key was used for another request. Use a new key for each request." {
				t.Errorf("%s: %d %q (field %q)", c.path, r.status, r.errorMessage(), r.errorField())
			}
		}
		if n := events(); n != 1 {
			t.Errorf("%d events", n)
		}
	})
	t.Run("another token's keys are its own", func(t *testing.T) {
		r := s.call(http.MethodPost, "/api/v1/events", other, `{"slug":"lisbon","name":"Lisbon"}`, key("k-1")...)
		if r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("%d %q", r.status, r.errorMessage())
		}
	})
	t.Run("a refusal is replayed too", func(t *testing.T) {
		bad := `{"slug":"ab","name":"Too short"}`
		r1 := s.call(http.MethodPost, "/api/v1/events", token, bad, key("k-2")...)
		r2 := s.call(http.MethodPost, "/api/v1/events", token, bad, key("k-2")...)
		if r1.status != 422 || r2.status != 422 || r2.header.Get("Idempotent-Replayed") != "true" || r2.errorField() != "slug" {
			t.Errorf("%d, then %d %v", r1.status, r2.status, r2.body)
		}
	})
	t.Run("while the first request runs, a retry is a 409", func(t *testing.T) {
		tok, err := s.db.APITokenBySecret(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		body := `{"slug":"madrid","name":"Madrid"}`
		// The first request, as the middleware hashes it, claimed the key and has not finished.
		hash := sha256.Sum256([]byte("POST /api/v1/events\n" + body))
		if claim, err := s.db.ClaimIdempotencyKey(ctx, tok.ID, "k-3", hash); err != nil || !claim.Fresh {
			t.Fatalf("%+v %v", claim, err)
		}
		r := s.call(http.MethodPost, "/api/v1/events", token, body, key("k-3")...)
		if r.status != 409 || r.errorField() != "Idempotency-Key" {
			t.Errorf("%d %q (field %q)", r.status, r.errorMessage(), r.errorField())
		}
		if n := countRows(t, s.adminURL, "SELECT count(*) FROM tenants WHERE slug = 'madrid'"); n != 0 {
			t.Error("the retry ran")
		}
	})
	t.Run("a key that is not 1 to 255 visible characters is refused", func(t *testing.T) {
		for _, k := range []string{strings.Repeat("k", 256), "a b"} {
			r := s.call(http.MethodPost, "/api/v1/events", token, `{"slug":"porto","name":"Porto"}`, key(k)...)
			if r.status != 400 || r.errorField() != "Idempotency-Key" {
				t.Errorf("%q: %d %q", k, r.status, r.errorMessage())
			}
		}
		if n := countRows(t, s.adminURL, "SELECT count(*) FROM tenants WHERE slug = 'porto'"); n != 0 {
			t.Error("a refused key's request ran")
		}
	})
}

// TestIdempotencyKeyForgottenOnFailure: a request that failed on our side
// (5xx) does not keep its key: the retry runs again.
func TestIdempotencyKeyForgottenOnFailure(t *testing.T) {
	s := startServer(t)
	token := s.token(ScopeEventsWrite)
	h := &Handler{Keys: s.db, Translate: func(id string, _ ...any) string { return id },
		Authenticate: func(ctx context.Context, secret string) (Token, error) {
			tok, err := s.db.APITokenBySecret(ctx, secret)
			return TokenOf(tok), err
		}}
	runs := 0
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Post("/api/v1/flaky", h.authenticate, h.idempotent, func(c *fiber.Ctx) error {
		runs++
		if runs == 1 {
			return c.Status(503).JSON(fiber.Map{"error": fiber.Map{"code": "unavailable", "message": "away"}})
		}
		return c.Status(201).JSON(fiber.Map{"run": runs})
	})
	send := func() int {
		req := mustRequest(t, http.MethodPost, "/api/v1/flaky")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Idempotency-Key", "same")
		res, err := app.Test(req, 5000)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if a, b, c := send(), send(), send(); a != 503 || b != 201 || c != 201 || runs != 2 {
		t.Errorf("answers %d, %d, %d after %d runs; want 503, 201, 201 (replayed) after 2", a, b, c, runs)
	}
}

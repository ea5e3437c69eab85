package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"

	"marquee"
	tenantweb "marquee/tenant/web"
	"marquee/themes"
)

// TestErrorHandler checks what a visitor and the request log get for a
// failed request: the status of the error's code, Retry-After when the
// database is away, and the cause left for the request's one log line.
func TestErrorHandler(t *testing.T) {
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	h := &Handler{Themes: set}
	var noted error
	app := fiber.New(fiber.Config{ErrorHandler: h.ErrorHandler})
	app.Use(func(c *fiber.Ctx) error { // stands in for the request log
		err := c.Next()
		if err != nil {
			_ = h.ErrorHandler(c, err)
		}
		noted = tenantweb.Failure(c)
		return nil
	})
	cause := errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
	failures := map[string]error{
		"/away":     marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", cause),
		"/bug":      marquee.Internal(errors.New("nil map")),
		"/notfound": marquee.New(marquee.ENOTFOUND, "error.not_found"),
	}
	app.Get("/:what", func(c *fiber.Ctx) error { return failures["/"+c.Params("what")] })
	get := func(t *testing.T, path string) (*http.Response, *goquery.Document) {
		t.Helper()
		noted = nil
		res, err := app.Test(httptest.NewRequest(http.MethodGet, path, nil))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		doc, err := goquery.NewDocumentFromReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, doc
	}

	t.Run("a database that is away is a 503 page with Retry-After", func(t *testing.T) {
		res, doc := get(t, "/away")
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != retryAfterSeconds {
			t.Fatalf("status %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
		}
		if got := doc.Find("h1").Text(); got != "Temporarily unavailable" {
			t.Errorf("heading %q", got)
		}
		if got := doc.Find(".message").Text(); got != "The service is temporarily unavailable. Please try again in a moment." {
			t.Errorf("message %q", got)
		}
	})
	t.Run("the cause of a server error is left for the request log, never shown", func(t *testing.T) {
		_, doc := get(t, "/away")
		if !errors.Is(noted, cause) {
			t.Fatalf("noted %v, want the cause", noted)
		}
		if html, _ := doc.Html(); strings.Contains(html, "5432") {
			t.Error("the cause reached the visitor")
		}
	})
	t.Run("a bug is a 500 without Retry-After", func(t *testing.T) {
		res, _ := get(t, "/bug")
		if res.StatusCode != http.StatusInternalServerError || res.Header.Get("Retry-After") != "" || noted == nil {
			t.Fatalf("status %d, Retry-After %q, noted %v", res.StatusCode, res.Header.Get("Retry-After"), noted)
		}
	})
	t.Run("a client error is no failure to log", func(t *testing.T) {
		res, _ := get(t, "/notfound")
		if res.StatusCode != http.StatusNotFound || noted != nil {
			t.Fatalf("status %d, noted %v", res.StatusCode, noted)
		}
	})
}

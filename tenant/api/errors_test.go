package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"marquee"
	tenantweb "marquee/tenant/web"
	"marquee/themes"
)

// TestErrorsOr: the console's app answers an error on the API's paths in
// the API's JSON and any other with its pages, also the errors that reach
// the app's error handler before any API handler took the request.
func TestErrorsOr(t *testing.T) {
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	h := &Handler{Translate: func(id string, kv ...any) string { return set.Translations().T("en", id, kv...) }}
	pages := func(c *fiber.Ctx, err error) error {
		return c.Status(marquee.HTTPStatus(err)).SendString("page " + strconv.Itoa(marquee.HTTPStatus(err)) + " " + marquee.ErrorField(err))
	}
	var logs bytes.Buffer
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: h.ErrorsOr(pages)})
	app.Use(tenantweb.RequestLog(slog.New(slog.NewJSONHandler(&logs, nil)), h.ErrorsOr(pages)))
	app.Use(tenantweb.CheckText)
	app.Get("/api/v1/broken", func(*fiber.Ctx) error { return errors.New("secret internal detail") })
	app.Get("/orders", func(*fiber.Ctx) error { return errors.New("secret internal detail") })
	send := func(path string) (int, string, string) {
		logs.Reset()
		res, err := app.Test(httptest.NewRequest(http.MethodGet, path, nil), 5000)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, res.Header.Get("Content-Type"), string(body)
	}
	var apiError struct {
		Error struct{ Code, Field, Message string }
	}

	t.Run("text refused on an API path is the API's JSON error naming the parameter", func(t *testing.T) {
		status, ctype, body := send("/api/v1/events?after=%00")
		if err := json.Unmarshal([]byte(body), &apiError); err != nil || status != 400 || !strings.HasPrefix(ctype, "application/json") {
			t.Fatalf("%d %q %s (%v)", status, ctype, body, err)
		}
		if apiError.Error.Code != "invalid" || apiError.Error.Field != "after" || apiError.Error.Message == "" {
			t.Errorf("error %+v, want invalid naming after, with a message", apiError.Error)
		}
	})
	t.Run("text refused on any other path is a page", func(t *testing.T) {
		if status, _, body := send("/orders?after=%00"); status != 400 || body != "page 400 after" {
			t.Errorf("%d %q, want 400 and the page naming after", status, body)
		}
	})
	t.Run("a failure on an API path is a generic JSON 500, its cause left for the request log", func(t *testing.T) {
		status, _, body := send("/api/v1/broken")
		if err := json.Unmarshal([]byte(body), &apiError); err != nil || status != 500 {
			t.Fatalf("%d %s (%v)", status, body, err)
		}
		if apiError.Error.Code != "internal" || apiError.Error.Message != "Something went wrong on our side." || strings.Contains(body, "secret") {
			t.Errorf("error %+v", apiError.Error)
		}
		var line struct{ Level, Err string }
		if err := json.Unmarshal(logs.Bytes(), &line); err != nil || line.Level != "ERROR" || line.Err != "secret internal detail" {
			t.Errorf("log %s (%v), want one ERROR line with the cause", logs.String(), err)
		}
	})
	t.Run("a failure on any other path is the page's", func(t *testing.T) {
		if status, _, body := send("/orders"); status != 500 || body != "page 500 " {
			t.Errorf("%d %q, want the 500 page", status, body)
		}
	})
}

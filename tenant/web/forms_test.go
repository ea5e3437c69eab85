package web_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/tenant/web"
)

// formApp answers a posted form's "name", or the refusal's status.
func formApp(limit int) *fiber.App {
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		status := marquee.HTTPStatus(err)
		var fe *fiber.Error
		if errors.As(err, &fe) {
			status = fe.Code
		}
		return c.SendStatus(status)
	}})
	app.Post("/", func(c *fiber.Ctx) error {
		form, err := web.FormValues(c, limit)
		if err != nil {
			return err
		}
		return c.SendString(form.Get("name"))
	})
	return app
}

func postTo(t *testing.T, app *fiber.App, contentType, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestFormValues(t *testing.T) {
	t.Run("an urlencoded form is read", func(t *testing.T) {
		if status, body := postTo(t, formApp(0), "application/x-www-form-urlencoded; charset=utf-8", "name=J%C3%BCrgen"); status != 200 || body != "Jürgen" {
			t.Fatalf("got %d %q", status, body)
		}
	})
	t.Run("another content type is refused with 415", func(t *testing.T) {
		if status, _ := postTo(t, formApp(0), "application/json", `{"name":"x"}`); status != http.StatusUnsupportedMediaType {
			t.Fatalf("got %d", status)
		}
	})
	t.Run("a body over the limit is refused with 413 before it is parsed", func(t *testing.T) {
		if status, _ := postTo(t, formApp(10), "application/x-www-form-urlencoded", "name="+strings.Repeat("a", 20)); status != http.StatusRequestEntityTooLarge {
			t.Fatalf("got %d", status)
		}
	})
	t.Run("a malformed body is a 400", func(t *testing.T) {
		if status, _ := postTo(t, formApp(0), "application/x-www-form-urlencoded", "name=%zz"); status != http.StatusBadRequest {
			t.Fatalf("got %d", status)
		}
	})
}

func TestFormTokens(t *testing.T) {
	tokens := web.FormTokens{Key: []byte("a key of thirty-two bytes or more")}
	token := tokens.Token("console-session", "s1")
	t.Run("a token is valid for what it was bound to", func(t *testing.T) {
		if !tokens.Valid(token, "console-session", "s1") {
			t.Fatal("refused its own token")
		}
	})
	t.Run("a token bound to another session or purpose is refused", func(t *testing.T) {
		if tokens.Valid(token, "console-session", "s2") || tokens.Valid(token, "console-login", "s1") {
			t.Fatal("accepted a token of something else")
		}
	})
	t.Run("another key's token is refused", func(t *testing.T) {
		if (web.FormTokens{Key: []byte("another key of thirty-two bytes..")}).Valid(token, "console-session", "s1") {
			t.Fatal("accepted another key's token")
		}
	})
	t.Run("an empty token is never valid", func(t *testing.T) {
		if tokens.Valid("", "console-session", "s1") {
			t.Fatal("accepted an empty token")
		}
	})
}

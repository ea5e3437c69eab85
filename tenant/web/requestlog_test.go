package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/tenant"
	tenantweb "marquee/tenant/web"
)

// oneEvent is the event store of a platform with one event, devcon.
type oneEvent struct{}

func (oneEvent) TenantBySlug(_ context.Context, slug string) (*tenant.Tenant, error) {
	if slug == "devcon" {
		return &tenant.Tenant{ID: uuid.New(), Slug: "devcon"}, nil
	}
	return nil, marquee.New(marquee.ENOTFOUND, "error.not_found")
}

func (oneEvent) TenantByDomain(context.Context, string) (*tenant.Tenant, error) {
	return nil, marquee.New(marquee.ENOTFOUND, "error.not_found")
}

// jsonHandler makes a JSON log handler: slog's own, or the platform's
// JSONLog, whose request lines must read the same.
type jsonHandler func(io.Writer, *slog.HandlerOptions) slog.Handler

var jsonHandlers = map[string]jsonHandler{
	"slog.JSONHandler": func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewJSONHandler(w, o) },
	"web.JSONLog":      func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return tenantweb.NewJSONLog(w, o) },
}

// loggedApp is an app as serve assembles one: request ids (RequestID), RequestLog at
// level, the event resolver; its error handler answers the error's status
// and notes the cause of a 5xx, except for "/broken-handler", whose error
// the error handler itself fails on. Its routes answer 200, an error of
// each status, and a 503 answered by the handler.
func loggedApp(level slog.Level, handler jsonHandler) (*fiber.App, *bytes.Buffer) {
	var logs bytes.Buffer
	log := slog.New(handler(&logs, &slog.HandlerOptions{Level: level}))
	onError := func(c *fiber.Ctx, err error) error {
		if c.Path() == "/broken-handler" {
			return errors.New("the error page could not be rendered")
		}
		status := marquee.HTTPStatus(err)
		if status >= 500 {
			tenantweb.NoteFailure(c, err)
		}
		return c.Status(status).SendString("error page")
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: onError})
	app.Use(tenantweb.RequestID)
	app.Use(tenantweb.RequestLog(log, onError))
	app.Use(tenantweb.Resolve(tenant.NewResolver("shop.test", oneEvent{}, tenant.MemoOptions{}), nil))
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("welcome") })
	app.Get("/gone", func(c *fiber.Ctx) error { return marquee.New(marquee.ENOTFOUND, "error.not_found") })
	app.Get("/fails", func(c *fiber.Ctx) error { return errors.New("the disk is full") })
	app.Get("/broken-handler", func(c *fiber.Ctx) error { return errors.New("the disk is full") })
	app.Get("/away", func(c *fiber.Ctx) error {
		tenantweb.NoteFailure(c, errors.New("the database is away"))
		return c.Status(fiber.StatusServiceUnavailable).SendString("try again soon")
	})
	return app, &logs
}

// logged sends GET path to host and returns the response and the log lines
// the request added.
func logged(t *testing.T, app *fiber.App, logs *bytes.Buffer, host, path string) (*http.Response, string, []map[string]any) {
	t.Helper()
	logs.Reset()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = host
	res, err := app.Test(req, 5000)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if line == "" {
			continue
		}
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		lines = append(lines, e)
	}
	return res, string(body), lines
}

func TestRequestLog(t *testing.T) {
	for name, handler := range jsonHandlers {
		t.Run(name, func(t *testing.T) { testRequestLog(t, handler) })
	}
}

func testRequestLog(t *testing.T, handler jsonHandler) {
	app, logs := loggedApp(slog.LevelInfo, handler)
	cases := []struct {
		rule, host, path string
		status           int
		body             string
		level, tenant    string
		cause            string // in the line's err; "" for none
	}{
		{rule: "a page is one line at INFO with its event", host: "devcon.shop.test", path: "/", status: 200, body: "welcome", level: "INFO", tenant: "devcon"},
		{rule: "an error is rendered by the error handler and logged with the status the client got", host: "devcon.shop.test", path: "/gone", status: 404, body: "error page", level: "INFO", tenant: "devcon"},
		{rule: "an unknown host is logged without an event", host: "nope.shop.test", path: "/", status: 404, body: "error page", level: "INFO"},
		{rule: "a server error is one line at ERROR with its cause", host: "devcon.shop.test", path: "/fails", status: 500, body: "error page", level: "ERROR", tenant: "devcon", cause: "the disk is full"},
		{rule: "a 503 is a warning, with the cause the handler noted", host: "devcon.shop.test", path: "/away", status: 503, body: "try again soon", level: "WARN", tenant: "devcon", cause: "the database is away"},
		{rule: "an error handler that fails leaves a 500, logged at ERROR", host: "devcon.shop.test", path: "/broken-handler", status: 500, level: "ERROR", tenant: "devcon"},
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			res, body, lines := logged(t, app, logs, tc.host, tc.path)
			if res.StatusCode != tc.status || (tc.body != "" && body != tc.body) {
				t.Fatalf("status %d, body %q; want %d, %q", res.StatusCode, body, tc.status, tc.body)
			}
			if len(lines) != 1 {
				t.Fatalf("%d log lines, want 1: %v", len(lines), lines)
			}
			e := lines[0]
			want := map[string]any{"msg": "request", "level": tc.level, "request_id": res.Header.Get("X-Request-Id"),
				"method": "GET", "host": tc.host, "path": tc.path, "tenant": tc.tenant, "status": float64(tc.status)}
			for k, v := range want {
				if e[k] != v {
					t.Errorf("%s %v, want %v (line %v)", k, e[k], v, e)
				}
			}
			if res.Header.Get("X-Request-Id") == "" {
				t.Error("the response has no X-Request-Id")
			}
			if _, ok := e["duration"].(float64); !ok {
				t.Errorf("no duration: %v", e)
			}
			if cause, _ := e["err"].(string); cause != tc.cause {
				t.Errorf("err %q, want %q", cause, tc.cause)
			}
		})
	}
	t.Run("a logger above INFO gets the failures only", func(t *testing.T) {
		app, logs := loggedApp(slog.LevelWarn, handler)
		if _, _, lines := logged(t, app, logs, "devcon.shop.test", "/"); len(lines) != 0 {
			t.Errorf("a 200 was logged at WARN: %v", lines)
		}
		if _, _, lines := logged(t, app, logs, "devcon.shop.test", "/away"); len(lines) != 1 || lines[0]["level"] != "WARN" {
			t.Errorf("the 503: %v, want one WARN line", lines)
		}
	})
}

// TestRequestID: a request without an id gets a new one, a UUID of
// version 4, different for every request, on its response and its log
// line; a client's (or a proxy's) own id is kept.
func TestRequestID(t *testing.T) {
	app, logs := loggedApp(slog.LevelInfo, jsonHandlers["web.JSONLog"])
	seen := map[string]bool{}
	for range 3 {
		res, _, lines := logged(t, app, logs, "devcon.shop.test", "/")
		id := res.Header.Get("X-Request-Id")
		if u, err := uuid.Parse(id); err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 || len(id) != 36 || seen[id] {
			t.Errorf("request id %q: want a new version 4 UUID (%v)", id, err)
		}
		seen[id] = true
		if len(lines) != 1 || lines[0]["request_id"] != id {
			t.Errorf("log lines %v, want one with request_id %q", lines, id)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Host = "devcon.shop.test"
	req.Header["X-Request-Id"] = []string{"from-the-proxy-42"}
	res, err := app.Test(req, 5000)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("X-Request-Id"); got != "from-the-proxy-42" {
		t.Errorf("X-Request-Id %q, want the client's own", got)
	}
}

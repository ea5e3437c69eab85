package serving

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/gofiber/fiber/v2"

	"marquee/db"
	"marquee/db/dbtest"
	tenantweb "marquee/tenant/web"
)

// TestReadiness: what /readyz answers load balancers, on the platform's
// app and on port 80, while the database answers, while the replica
// drains, and once the database is gone.
func TestReadiness(t *testing.T) {
	database := dbtest.New(t).Open(t, db.Options{})
	var draining atomic.Bool
	ready := Readiness{Draining: draining.Load, Ping: database.Ready}
	var noted error
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(func(c *fiber.Ctx) error {
		err := c.Next()
		noted = tenantweb.Failure(c)
		return err
	})
	app.Get("/readyz", ready.Handle)
	onApp := func() (int, string) {
		noted = nil
		res, err := app.Test(httptest.NewRequest(http.MethodGet, "/readyz", nil), 5000)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, string(body)
	}
	onPort80 := func() (int, string) {
		w := httptest.NewRecorder()
		ready.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return w.Code, w.Body.String()
	}
	check := func(t *testing.T, where string, answer func() (int, string), status int, body string) {
		t.Helper()
		if gotStatus, gotBody := answer(); gotStatus != status || gotBody != body {
			t.Errorf("%s: %d %q, want %d %q", where, gotStatus, gotBody, status, body)
		}
	}

	t.Run("ok while the database answers", func(t *testing.T) {
		check(t, "app", onApp, 200, "ok\n")
		check(t, "port 80", onPort80, 200, "ok\n")
		if noted != nil {
			t.Errorf("a failure was noted: %v", noted)
		}
	})
	t.Run("draining while the replica drains, the database answering", func(t *testing.T) {
		draining.Store(true)
		defer draining.Store(false)
		check(t, "app", onApp, 503, "draining\n")
		check(t, "port 80", onPort80, 503, "draining\n\n")
	})
	t.Run("unavailable once the database is gone, the cause on the request's log line", func(t *testing.T) {
		database.Close()
		check(t, "app", onApp, 503, "database unavailable\n")
		if noted == nil {
			t.Error("no cause for the request log")
		}
		check(t, "port 80", onPort80, 503, "database unavailable\n")
	})
}

package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestRequestsLabelByRouteAppAndClass: a request is counted under the
// pattern of the route that answered it, a middleware's answer under
// "middleware PREFIX", and a request handed to an app inside (the
// console's, which Mark) under that app's route, its /api routes as app
// api.
func TestRequestsLabelByRouteAppAndClass(t *testing.T) {
	s := New()
	console := fiber.New()
	console.Use(s.Requests.Mark)
	console.Get("/login", func(c *fiber.Ctx) error { return c.SendString("sign in") })
	console.Get("/api/v1/events", func(c *fiber.Ctx) error { return c.SendStatus(401) })
	consoleHandler := console.Handler()

	app := fiber.New()
	app.Use(func(c *fiber.Ctx) error {
		err := c.Next()
		s.Requests.ObserveRequest(c, c.Response().StatusCode(), time.Millisecond)
		return err
	})
	app.Use(func(c *fiber.Ctx) error {
		if c.Hostname() == "console.example.com" {
			consoleHandler(c.Context())
			return nil
		}
		return c.Next()
	})
	app.Get("/products/:id", func(c *fiber.Ctx) error { return c.SendString("a product") })
	app.Use(func(c *fiber.Ctx) error { return c.SendStatus(404) }) // no such page
	s.Requests.Index("storefront", app)
	s.Requests.Index("console", console)

	for _, r := range []struct{ host, path string }{
		{"shop.example.com", "/products/1"}, {"shop.example.com", "/products/2"}, {"shop.example.com", "/nothing"},
		{"console.example.com", "/login"}, {"console.example.com", "/api/v1/events"},
	} {
		req := httptest.NewRequest(http.MethodGet, r.path, nil)
		req.Host = r.host
		if _, err := app.Test(req); err != nil {
			t.Fatal(err)
		}
	}

	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]uint64{}
	for _, m := range families["marquee_http_request_duration_seconds"].GetMetric() {
		var labels []string
		for _, l := range m.Label {
			labels = append(labels, l.GetValue())
		}
		if n := m.GetHistogram().GetSampleCount(); n > 0 {
			got[strings.Join(labels, " | ")] = n
		}
	}
	want := map[string]uint64{
		"storefront | 2xx | GET /products/:id": 2, // app | class | route: the labels sorted by name
		"storefront | 4xx | middleware /":      1,
		"console | 2xx | GET /login":           1,
		"api | 4xx | GET /api/v1/events":       1,
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d requests, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("series %v, want %v", got, want)
	}
}

package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads the metrics served at url with Prometheus's text parser.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return families
}

// metricsOf reads p's metrics as METRICS_ADDR serves them.
func metricsOf(t *testing.T, p *platform) map[string]*dto.MetricFamily {
	t.Helper()
	w := httptest.NewRecorder()
	p.metrics.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	return families
}

// value is the value of family's series whose labels include labels
// (name, value pairs): a counter's, a gauge's or a histogram's count.
func value(families map[string]*dto.MetricFamily, family string, labels ...string) float64 {
	f := families[family]
	if f == nil {
		return -1
	}
	sum := 0.0
	for _, m := range f.Metric {
		if !hasLabels(m, labels) {
			continue
		}
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		}
	}
	return sum
}

func hasLabels(m *dto.Metric, labels []string) bool {
	for i := 0; i+1 < len(labels); i += 2 {
		found := false
		for _, l := range m.Label {
			if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// TestMetricsCountWhatHappened: METRICS_ADDR's /metrics, read with
// Prometheus's parser, moves with the orders placed and refused through
// the shop, the page views by route and status class, the console's and
// the API's requests, the caches and the request pool; the public
// listener answers 404 for /metrics on every host.
func TestMetricsCountWhatHappened(t *testing.T) {
	s := startServer(t, Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop := s.platform.serveMetricsOn(ln)
	defer stop()
	url := "http://" + ln.Addr().String() + "/metrics"
	before := scrape(t, url)

	sh := newShop(t, s, "gauges")
	for range 3 {
		if r := sh.do(http.MethodGet, "/", "", ""); r.status != 200 {
			t.Fatalf("landing page: %d", r.status)
		}
	}
	if r := sh.post("/order", sh.validOrder()); r.status != http.StatusSeeOther {
		t.Fatalf("order: %d\n%s", r.status, r.body)
	}
	// The same attendee again: the shirt allows one each.
	if r := sh.post("/order", sh.validOrder()); r.status != http.StatusConflict {
		t.Fatalf("second order: %d, want 409", r.status)
	}
	soldOut := sh.validOrder()
	soldOut.Set("line.0.variant", sh.shirt.Variants[2].ID.String()) // XL: none left
	soldOut.Set("email", "grace@example.com")
	if r := sh.post("/order", soldOut); r.status != http.StatusConflict {
		t.Fatalf("sold-out order: %d, want 409", r.status)
	}
	if r := s.get("console."+testBase, "/login"); r.status != 200 {
		t.Fatalf("console login page: %d", r.status)
	}
	if r := s.api(http.MethodGet, "/api/v1/events", "not a token", ""); r.status != http.StatusUnauthorized {
		t.Fatalf("API without a valid token: %d", r.status)
	}
	for _, host := range []string{"gauges." + testBase, "console." + testBase, "nowhere." + testBase, "127.0.0.1"} {
		if r := s.get(host, "/metrics"); r.status != http.StatusNotFound || strings.Contains(r.body, "marquee_") {
			t.Errorf("the public listener answers /metrics on %s: %d\n%.300s", host, r.status, r.body)
		}
		// (The console answers every path signed out with its sign-in page.)
		if r := s.get(host, "/debug/pprof/heap?debug=1"); strings.Contains(r.body, "heap profile") {
			t.Errorf("the public listener answers /debug/pprof/ on %s: %d\n%.300s", host, r.status, r.body)
		}
	}
	// The metrics listener has Go's profiles, for an operator.
	if res, err := http.Get("http://" + ln.Addr().String() + "/debug/pprof/heap?debug=1"); err != nil {
		t.Error(err)
	} else {
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), "heap profile") {
			t.Errorf("METRICS_ADDR's /debug/pprof/heap: %d\n%.300s", res.StatusCode, body)
		}
	}

	after := scrape(t, url)
	for _, c := range []struct {
		name   string
		family string
		labels []string
		moved  float64
	}{
		{"landing page views", "marquee_http_request_duration_seconds", []string{"app", "storefront", "route", "GET /", "class", "2xx"}, 3},
		{"orders posted", "marquee_http_request_duration_seconds", []string{"app", "storefront", "route", "POST /order"}, 3},
		{"console pages", "marquee_http_request_duration_seconds", []string{"app", "console", "class", "2xx"}, 1},
		{"API refusals", "marquee_http_request_duration_seconds", []string{"app", "api", "class", "4xx"}, 1},
		{"orders placed", "marquee_orders_placed_total", nil, 1},
		{"refused over the limit", "marquee_orders_refused_total", []string{"reason", "over_attendee_limit"}, 1},
		{"refused sold out", "marquee_orders_refused_total", []string{"reason", "sold_out"}, 1},
		{"stock-outs", "marquee_stockouts_total", nil, 1},
		{"cache hits", "marquee_cache_hits_total", []string{"cache", "sites"}, 1},
		{"cache misses", "marquee_cache_misses_total", []string{"cache", "hosts"}, 1},
		{"pool acquires", "marquee_db_pool_acquires_total", nil, 1},
		{"the confirmation queued (no workers here)", "marquee_jobs", []string{"state", "available"}, 1},
	} {
		b, a := value(before, c.family, c.labels...), value(after, c.family, c.labels...)
		if b < 0 {
			b = 0
		}
		if a-b < c.moved {
			t.Errorf("%s: %s%v moved %v → %v, want at least +%v", c.name, c.family, c.labels, b, a, c.moved)
		}
	}
	if got := value(after, "marquee_jobs_up"); got != 1 {
		t.Errorf("marquee_jobs_up = %v: the job queue could not be read", got)
	}
	if got := value(after, "marquee_db_pool_max_connections"); got <= 0 {
		t.Errorf("marquee_db_pool_max_connections = %v", got)
	}
}

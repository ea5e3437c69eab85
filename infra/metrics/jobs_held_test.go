package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"marquee/infra/metrics"
)

// TestJobsHeldAreCounted: what JobHeld is told shows on /metrics as the
// number of jobs held and the seconds they waited.
func TestJobsHeldAreCounted(t *testing.T) {
	s := metrics.New()
	s.JobHeld(1500 * time.Millisecond)
	s.JobHeld(500 * time.Millisecond)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]float64{"marquee_jobs_held_total": 2, "marquee_jobs_held_seconds_total": 2} {
		f, ok := families[name]
		if !ok || len(f.GetMetric()) != 1 {
			t.Fatalf("%s is not on /metrics", name)
		}
		if got := f.GetMetric()[0].GetCounter().GetValue(); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
}

package metrics_test

import (
	"testing"
	"time"

	"marquee/infra/metrics"
)

// TestJobsHeldAreCounted: what JobHeld is told shows on /metrics as the
// number of jobs held and the seconds they waited.
func TestJobsHeldAreCounted(t *testing.T) {
	s := metrics.New()
	s.JobHeld(1500 * time.Millisecond)
	s.JobHeld(500 * time.Millisecond)
	families := scrape(t, s)
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

package metrics_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"marquee/infra/metrics"
)

// scrape fetches /metrics over HTTP and parses it, by family name.
func scrape(t *testing.T, s *metrics.Set) map[string]*dto.MetricFamily {
	t.Helper()
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
	return families
}

// scrapeGauges returns the gauges scrape finds, by name.
func scrapeGauges(t *testing.T, s *metrics.Set) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for name, f := range scrape(t, s) {
		for _, m := range f.GetMetric() {
			if g := m.GetGauge(); g != nil {
				out[name] = g.GetValue()
			}
		}
	}
	return out
}

func TestBackupsTellTheLastSuccessFailureAndMissed(t *testing.T) {
	success := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	failure := success.Add(4 * time.Hour)
	state, readErr := metrics.BackupState{LastSuccess: success, LastFailure: failure, LastSuccessBytes: 1234, Missed: true}, error(nil)
	s := metrics.New()
	if err := s.Register(metrics.Backups(func(context.Context) (metrics.BackupState, error) { return state, readErr })); err != nil {
		t.Fatal(err)
	}
	got := scrapeGauges(t, s)
	want := map[string]float64{"marquee_backup_last_success_timestamp_seconds": float64(success.Unix()),
		"marquee_backup_last_failure_timestamp_seconds": float64(failure.Unix()), "marquee_backup_last_success_size_bytes": 1234,
		"marquee_backup_missed": 1, "marquee_backup_status_up": 1}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s = %v, want %v", name, got[name], v)
		}
	}

	state = metrics.BackupState{}
	if got := scrapeGauges(t, s); got["marquee_backup_last_failure_timestamp_seconds"] != 0 || got["marquee_backup_missed"] != 0 {
		t.Errorf("never failed, not missed: %v", got)
	}
	readErr = errors.New("database away")
	got = scrapeGauges(t, s)
	if v, ok := got["marquee_backup_status_up"]; !ok || v != 0 {
		t.Errorf("status_up = %v (%v), want 0 when the state cannot be read", v, ok)
	}
	if _, ok := got["marquee_backup_missed"]; ok {
		t.Error("missed reported from a state that could not be read")
	}
}

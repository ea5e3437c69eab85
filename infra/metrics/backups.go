package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// BackupState is what the backups' collector reports (db/backup's Status,
// read from the backup_runs table at scrape time, so every replica tells
// the same and a dead worker cannot leave a stale value behind).
type BackupState struct {
	LastSuccess, LastFailure time.Time // zero: never
	LastSuccessBytes         int64
	// Missed: the scheduled backup is later than its grace.
	Missed bool
}

// Backups reads the backups' state at scrape time; register it only when
// backups are configured (BACKUP_S3_BUCKET or BACKUP_DIR).
func Backups(read func(ctx context.Context) (BackupState, error)) prometheus.Collector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("marquee_backup_"+name, help, nil, nil)
	}
	return &backupsCollector{read: read,
		success: d("last_success_timestamp_seconds", "When the newest successful backup started (Unix time; 0: never)."),
		failure: d("last_failure_timestamp_seconds", "When the newest failed backup started (Unix time; 0: never)."),
		size:    d("last_success_size_bytes", "The bytes of the newest successful backup: its dump, media and manifest."),
		missed:  d("missed", "1 when no backup has succeeded since the schedule's last slot and its grace have passed."),
		up:      d("status_up", "1 when the backups' state could be read at this scrape, 0 when not.")}
}

type backupsCollector struct {
	read                               func(ctx context.Context) (BackupState, error)
	success, failure, size, missed, up *prometheus.Desc
}

func (c *backupsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.success, c.failure, c.size, c.missed, c.up} {
		ch <- d
	}
}

func (c *backupsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.read(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	unix := func(t time.Time) float64 {
		if t.IsZero() {
			return 0
		}
		return float64(t.Unix())
	}
	missed := 0.0
	if s.Missed {
		missed = 1
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(c.success, prometheus.GaugeValue, unix(s.LastSuccess))
	ch <- prometheus.MustNewConstMetric(c.failure, prometheus.GaugeValue, unix(s.LastFailure))
	ch <- prometheus.MustNewConstMetric(c.size, prometheus.GaugeValue, float64(s.LastSuccessBytes))
	ch <- prometheus.MustNewConstMetric(c.missed, prometheus.GaugeValue, missed)
}

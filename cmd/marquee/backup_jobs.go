package main

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"marquee/db/backup"
	"marquee/infra/metrics"
)

// backupEngine is the platform's backup engine (BACKUP_* set): the store,
// the database without a pooler, the platform's media and its runs.
func (p *platform) backupEngine(ctx context.Context) (*backup.Engine, error) {
	store, err := p.cfg.Backups.store(ctx)
	if err != nil {
		return nil, err
	}
	return &backup.Engine{Store: store, DatabaseURL: p.cfg.directURL(), Media: p.media, PgBin: p.cfg.Backups.PgBin,
		Runs: &backup.Runs{InPlatform: p.db.InPlatform}, Log: p.log}, nil
}

// backupJobs adds the backup jobs to the workers' River client when backups
// are configured: the schedule's tick and the console's "create now". nil
// when backups are not configured, or when BACKUP_SCHEDULER=cronjob leaves
// both to the CronJob (marquee backup create --scheduled works the
// requested ones too).
func (p *platform) backupJobs(ctx context.Context) (func(*river.Workers, *river.Config), error) {
	if !p.cfg.BackupsOn || p.cfg.Backups.Scheduler == "cronjob" {
		return nil, nil
	}
	engine, err := p.backupEngine(ctx)
	if err != nil {
		return nil, err
	}
	s := &backup.Scheduler{Engine: engine, Config: p.cfg.Backups.Schedule}
	return func(w *river.Workers, c *river.Config) { s.Configure(w, c, true) }, nil
}

// backupState reads the backups' state for the metrics.
func (p *platform) backupState(ctx context.Context) (metrics.BackupState, error) {
	st, err := (&backup.Runs{InPlatform: p.db.InPlatform}).Status(ctx, p.cfg.Backups.Schedule, time.Now())
	if err != nil {
		return metrics.BackupState{}, err
	}
	s := metrics.BackupState{Missed: st.Missed}
	if st.LastSuccess != nil {
		s.LastSuccess, s.LastSuccessBytes = st.LastSuccess.StartedAt, st.LastSuccess.Size
	}
	if st.LastFailure != nil {
		s.LastFailure = st.LastFailure.StartedAt
	}
	return s, nil
}

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"marquee/db"
	"marquee/db/backup"
)

// requestedWaiting counts the console's backup requests that wait in
// River's backup queue (or, with running, are being worked).
func requestedWaiting(ctx context.Context, pool *pgxpool.Pool, running bool) (n int, err error) {
	states := []string{"available", "retryable", "scheduled"}
	if running {
		states = append(states, "running")
	}
	err = pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE queue = $1 AND kind = $2
		AND state::text = ANY($3) AND scheduled_at <= now()`, backup.Queue, backup.CreateArgs{}.Kind(), states).Scan(&n)
	return n, err
}

// workRequested makes the backups asked for on the console when the
// CronJob has the schedule (BACKUP_SCHEDULER=cronjob): the job workers
// then leave River's backup queue alone (their image has no pg_dump), and
// each run of marquee backup create --scheduled works what waits there,
// with a River client of its own on that queue only, until none is left.
// It returns how many were waiting.
func workRequested(ctx context.Context, be *backupEnv, s *backup.Scheduler) (int, error) {
	pool, err := db.OpenPlatformPool(ctx, be.engine.DatabaseURL, 4)
	if err != nil {
		return 0, err
	}
	defer pool.Close()
	n, err := requestedWaiting(ctx, pool, false)
	if err != nil || n == 0 {
		return 0, err
	}
	workers := river.NewWorkers()
	cfg := &river.Config{Workers: workers, Logger: be.engine.Log, FetchPollInterval: time.Second}
	s.Configure(workers, cfg, false)
	client, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		return 0, err
	}
	if err := client.Start(ctx); err != nil {
		return 0, fmt.Errorf("work the requested backups: %w", err)
	}
	defer client.Stop(context.WithoutCancel(ctx))
	for deadline := time.Now().Add(backup.JobTimeout); time.Now().Before(deadline); {
		select {
		case <-ctx.Done():
			return n, ctx.Err()
		case <-time.After(time.Second):
		}
		left, err := requestedWaiting(ctx, pool, true)
		if err != nil || left == 0 {
			return n, err
		}
	}
	return n, fmt.Errorf("the requested backups did not finish in %v", backup.JobTimeout)
}

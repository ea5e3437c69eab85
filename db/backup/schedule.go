package backup

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"marquee"
)

// TickEvery is how often the scheduler's River job asks whether a backup
// is due: a backup starts at most this late, and a failed one is tried
// again after RetryFailedAfter.
const TickEvery = 5 * time.Minute

// RetryFailedAfter is how long the scheduler waits after a failed
// scheduled backup before trying that slot again.
const RetryFailedAfter = 30 * time.Minute

// JobTimeout bounds one backup job; a worker killed mid-backup is noticed
// at once by the next tick (its lock is gone), not after this.
const JobTimeout = 6 * time.Hour

// Scheduler makes the scheduled backups on time and prunes by the
// retention rules. Its clock is the Engine's (Engine.Now), so tests move
// time by hand.
type Scheduler struct {
	Engine *Engine
	Config Config
}

// Tick is what one look at the schedule did.
type Tick struct {
	// Created is the backup made, if one was due.
	Created *Backup
	// Pruned are the backups removed by the retention rules.
	Pruned []Backup
	// Skipped says why nothing was created: "done" (this slot has its
	// backup), "busy" (another backup runs), "failed recently".
	Skipped string
}

// Tick makes the scheduled backup of the current slot if it has none yet
// (and none failed in the last RetryFailedAfter), then prunes. It holds
// the backup lock throughout, so any number of workers (and the CronJob)
// may tick at once.
func (s *Scheduler) Tick(ctx context.Context) (Tick, error) {
	e := s.Engine
	unlock, err := e.lock(ctx)
	if err != nil {
		if isBusy(err) {
			return Tick{Skipped: "busy"}, nil
		}
		return Tick{}, err
	}
	defer unlock()
	now := e.now()
	var t Tick
	t.Skipped, err = s.due(ctx, now)
	if err != nil {
		return t, err
	}
	if t.Skipped == "" {
		b, err := e.createLocked(ctx, KindScheduled, now)
		if err != nil {
			return t, failedBackup{err}
		}
		t.Created = &b
	}
	t.Pruned, err = e.pruneLocked(ctx, s.Config, now)
	return t, err
}

// due says why no backup is due at now ("" when one is).
func (s *Scheduler) due(ctx context.Context, now time.Time) (string, error) {
	slot := s.Config.Slot(now)
	all, err := s.Engine.List(ctx)
	if err != nil {
		return "", err
	}
	for _, b := range all {
		if b.Kind == KindScheduled && b.State == StateComplete && !b.CreatedAt.Before(slot) {
			return "done", nil
		}
	}
	runs, err := s.Engine.Runs.Recent(ctx, 20)
	if err != nil {
		return "", err
	}
	for _, r := range runs {
		if r.Kind == KindScheduled && r.Finished() && !r.Succeeded && !r.StartedAt.Before(slot) && now.Sub(r.FinishedAt) < RetryFailedAfter {
			return "failed recently", nil
		}
	}
	return "", nil
}

// TickArgs is the scheduler's periodic River job.
type TickArgs struct{}

// Kind names the job in River's table.
func (TickArgs) Kind() string { return "backup_tick" }

// InsertOpts: one attempt (the next tick comes in TickEvery), and at most
// one tick waiting.
func (TickArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: TickEvery}}
}

// CreateArgs asks for a backup now: the console's "create now".
type CreateArgs struct{}

// Kind names the job in River's table.
func (CreateArgs) Kind() string { return "backup_create" }

// InsertOpts: tried three times; two clicks make one job while it waits
// or runs.
func (CreateArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable,
		rivertype.JobStateScheduled}}}
}

type tickWorker struct {
	river.WorkerDefaults[TickArgs]
	s *Scheduler
}

// Work ticks. A backup that failed is not the job's failure: it is
// recorded in backup_runs, which the console, the metrics and the alerts
// read, and the next tick tries again; a discarded job would only say it
// twice. Anything else (the store or the database unreachable before a
// backup started) fails the job.
func (w *tickWorker) Work(ctx context.Context, _ *river.Job[TickArgs]) error {
	_, err := w.s.Tick(ctx)
	var failed failedBackup
	if errors.As(err, &failed) {
		w.s.Engine.log().Warn("scheduled backup failed; the next tick tries again", "err", err)
		return nil
	}
	return err
}

// failedBackup is a backup's own failure, already recorded in Runs.
type failedBackup struct{ error }

func (f failedBackup) Unwrap() error { return f.error }

func (w *tickWorker) Timeout(*river.Job[TickArgs]) time.Duration { return JobTimeout }

type createWorker struct {
	river.WorkerDefaults[CreateArgs]
	e *Engine
}

func (w *createWorker) Work(ctx context.Context, _ *river.Job[CreateArgs]) error {
	_, err := w.e.Create(ctx, KindManual)
	if isBusy(err) {
		return river.JobSnooze(time.Minute) // a scheduled backup runs: after it
	}
	return err
}

func (w *createWorker) Timeout(*river.Job[CreateArgs]) time.Duration { return JobTimeout }

// Queue is the River queue of the backup jobs: one at a time per process,
// apart from the email jobs, which a long backup must not hold up.
const Queue = "backup"

// Configure adds the backup jobs to a River client's workers and config:
// their workers, their queue, and with schedule the periodic tick (a
// client that should only make backups asked for, as in Kubernetes where
// a CronJob schedules them, passes false).
func (s *Scheduler) Configure(workers *river.Workers, cfg *river.Config, schedule bool) {
	river.AddWorker(workers, &tickWorker{s: s})
	river.AddWorker(workers, &createWorker{e: s.Engine})
	if cfg.Queues == nil {
		cfg.Queues = map[string]river.QueueConfig{}
	}
	cfg.Queues[Queue] = river.QueueConfig{MaxWorkers: 1}
	if schedule {
		cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(TickEvery),
			func() (river.JobArgs, *river.InsertOpts) { return TickArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
	}
}

func isBusy(err error) bool { return err != nil && marquee.ErrorMessage(err) == "backup.busy" }

// Request asks the workers for a backup now (CreateArgs), in the caller's
// transaction tx as the platform role; duplicate is true when one was
// already waiting or running, which then stands for this request too.
func Request(ctx context.Context, client *river.Client[pgx.Tx], tx pgx.Tx) (duplicate bool, err error) {
	res, err := client.InsertTx(ctx, tx, CreateArgs{}, nil)
	if err != nil {
		return false, marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", err)
	}
	return res.UniqueSkippedAsDuplicate, nil
}

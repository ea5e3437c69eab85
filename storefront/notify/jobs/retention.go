package jobs

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"marquee/storefront"
)

// Retention: a periodic sweep finds the events whose retention period has
// ended and queues one erasure job per event, so one event's failure does
// not hold up the others and a worker killed halfway leaves its job to
// River's rescuer, which runs it again (erasing is idempotent). The sweep
// and the erasure read the time from Retention.Now, which tests move.

// DefaultRetentionEvery is how often the sweep looks for events due: an
// erasure a few hours late is well within any retention promise.
const DefaultRetentionEvery = time.Hour

// RetentionStore finds and erases what is due; db.DB implements it.
type RetentionStore interface {
	RetentionDue(ctx context.Context, now time.Time) ([]uuid.UUID, error)
	EraseDueEvent(ctx context.Context, tenantID uuid.UUID, now time.Time) (storefront.Erasure, error)
	// SweepIdempotencyKeys deletes the REST API's idempotency keys older
	// than a day, with the responses they keep.
	SweepIdempotencyKeys(ctx context.Context, now time.Time) (int64, error)
	// InPlatform runs fn in a transaction as the platform role, which
	// River's jobs are inserted in (behind PgBouncer a statement outside
	// a transaction that sets its role would run as whoever the pooled
	// connection last was).
	InPlatform(ctx context.Context, fn func(pgx.Tx) error) error
}

// Retention is the scheduled erasure of attendees' personal data.
type Retention struct {
	Store RetentionStore
	// Now is the clock deciding what is due (nil: time.Now).
	Now func() time.Time
	// Every is how often the sweep runs (DefaultRetentionEvery); it also
	// runs when the workers start.
	Every time.Duration
}

func (r *Retention) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// RetentionSweepArgs asks for the events due for erasure to be queued.
type RetentionSweepArgs struct{}

// Kind names the job for River.
func (RetentionSweepArgs) Kind() string { return "retention_sweep" }

// RetentionEraseArgs asks for one event's personal data to be erased, if
// its retention period has ended.
type RetentionEraseArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
}

// Kind names the job for River.
func (RetentionEraseArgs) Kind() string { return "retention_erase" }

// register adds the retention workers to w and returns its periodic job.
func (r *Retention) register(w *river.Workers) *river.PeriodicJob {
	river.AddWorker(w, &retentionSweepWorker{r: r})
	river.AddWorker(w, &retentionEraseWorker{r: r})
	every := r.Every
	if every <= 0 {
		every = DefaultRetentionEvery
	}
	return river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) {
		return RetentionSweepArgs{}, nil
	}, &river.PeriodicJobOpts{RunOnStart: true, ID: "retention_sweep"})
}

type retentionSweepWorker struct {
	river.WorkerDefaults[RetentionSweepArgs]
	r *Retention
}

// Work queues an erasure per event due; an event already queued and not
// yet erased is not queued twice. It deletes the API's day-old
// idempotency keys first.
func (w *retentionSweepWorker) Work(ctx context.Context, job *river.Job[RetentionSweepArgs]) error {
	if _, err := w.r.Store.SweepIdempotencyKeys(ctx, w.r.now()); err != nil {
		return err
	}
	due, err := w.r.Store.RetentionDue(ctx, w.r.now())
	if err != nil || len(due) == 0 {
		return err
	}
	batch := make([]river.InsertManyParams, 0, len(due))
	for _, id := range due {
		batch = append(batch, river.InsertManyParams{Args: RetentionEraseArgs{TenantID: id}, InsertOpts: eraseOnce()})
	}
	client := river.ClientFromContext[pgx.Tx](ctx)
	return w.r.Store.InPlatform(ctx, func(tx pgx.Tx) error {
		_, err := client.InsertManyTx(ctx, tx, batch)
		return err
	})
}

// eraseOnce makes an event's erasure job unique while it waits or runs:
// a sweep while a worker (or a killed worker's abandoned attempt, until
// River's rescuer hands it on) holds it queues no second one.
func eraseOnce() *river.InsertOpts {
	return &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
			rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

type retentionEraseWorker struct {
	river.WorkerDefaults[RetentionEraseArgs]
	r *Retention
}

// Work erases the event's personal data if it is (still) due.
func (w *retentionEraseWorker) Work(ctx context.Context, job *river.Job[RetentionEraseArgs]) error {
	_, err := w.r.Store.EraseDueEvent(ctx, job.Args.TenantID, w.r.now())
	return err
}

package jobs

import (
	"context"
	"log/slog"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
)

// NewInserter returns a client that only inserts jobs (inside the
// transactions it is given): what requests need.
func NewInserter(pool *pgxpool.Pool, log *slog.Logger) (*river.Client[pgx.Tx], error) {
	return river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: log})
}

// Options tune the workers; the zero value is production's.
type Options struct {
	Workers int // jobs worked at once (default 10)
	// RetryBase is the first retry's delay; each next one is 2^attempt
	// times longer, capped at MaxRetryDelay (defaults 10s and 1h). With 25
	// attempts a job keeps trying for about a day.
	RetryBase, MaxRetryDelay time.Duration
	// RescueAfter is how long a running job may go without finishing
	// before it counts as abandoned (its worker died) and runs again
	// (default 15 minutes).
	RescueAfter time.Duration
	// PollInterval is how often idle workers look for jobs besides being
	// notified (default 1s).
	PollInterval time.Duration
}

// backoff is the retry policy: exponential from RetryBase, capped.
type backoff struct{ base, max time.Duration }

func (b backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := time.Duration(float64(b.base) * math.Pow(2, float64(max(job.Attempt-1, 0))))
	if d <= 0 || d > b.max {
		d = b.max
	}
	return time.Now().Add(d)
}

// NewWorkers returns a client that works the queue on pool (which must
// run as the platform role: it takes every event's jobs). Start it with
// Start(ctx) and stop it with Stop(ctx).
func NewWorkers(pool *pgxpool.Pool, d *Deps, o Options) (*river.Client[pgx.Tx], error) {
	if o.Workers <= 0 {
		o.Workers = 10
	}
	if o.RetryBase <= 0 {
		o.RetryBase = 10 * time.Second
	}
	if o.MaxRetryDelay <= 0 {
		o.MaxRetryDelay = time.Hour
	}
	if o.RescueAfter <= 0 {
		o.RescueAfter = 15 * time.Minute
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	workers := river.NewWorkers()
	Register(workers, d)
	return river.NewClient(riverpgxv5.New(pool), &river.Config{
		Logger:               d.Log,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Workers}},
		Workers:              workers,
		RetryPolicy:          backoff{base: o.RetryBase, max: o.MaxRetryDelay},
		RescueStuckJobsAfter: o.RescueAfter,
		FetchPollInterval:    o.PollInterval,
		// River wants a job's timeout within the rescue time: a job still
		// running past both is one whose worker died.
		JobTimeout: min(2*time.Minute, o.RescueAfter),
	})
}

// FailedJob is a job that gave up, for the platform admins' page.
type FailedJob struct {
	ID        int64
	Kind      string
	Args      string
	Attempts  int
	LastError string
	At        time.Time
}

// Failed lists jobs that were discarded (out of attempts) or cancelled.
func Failed(ctx context.Context, c *river.Client[pgx.Tx], limit int) ([]FailedJob, error) {
	res, err := c.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateDiscarded, rivertype.JobStateCancelled).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, err
	}
	out := make([]FailedJob, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		f := FailedJob{ID: j.ID, Kind: j.Kind, Args: string(j.EncodedArgs), Attempts: j.Attempt}
		if n := len(j.Errors); n > 0 {
			f.LastError, f.At = j.Errors[n-1].Error, j.Errors[n-1].At
		}
		if j.FinalizedAt != nil {
			f.At = *j.FinalizedAt
		}
		out = append(out, f)
	}
	return out, nil
}

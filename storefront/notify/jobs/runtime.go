package jobs

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
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

// The production defaults of Options. An email job does a few queries and
// one SMTP exchange: it takes well under a second when the mail server is
// healthy, so a job still running after JobTimeout is stuck, and one
// running past RescueAfter has lost its worker (killed, crashed, cut off).
const (
	// DefaultWorkers is how many jobs a process works at once. Sending is
	// mostly waiting on the mail server (a new connection, TLS and AUTH:
	// about 0.1-0.3 s to a remote relay), so keeping up with 300 orders/s
	// takes about 100 sends at once; an idle worker costs nothing.
	DefaultWorkers = 100
	// DefaultJobTimeout ends an email job's attempt; its send is cut off
	// and retried later.
	DefaultJobTimeout = 10 * time.Second
	// DefaultRescueAfter is when a running job counts as abandoned: 5 s
	// after a live worker would have given up on it. River's rescuer looks
	// every 30 s (on the leader; a killed leader is replaced within about
	// 20 s) and the scheduler makes a rescued job available within 5 s, so
	// a killed worker's job runs again within 15 + 30 + 5 s: under a
	// minute.
	DefaultRescueAfter = 15 * time.Second
	// DefaultFetchCooldown is the shortest time between two fetches of a
	// process. A fetch takes at most as many jobs as there are idle
	// workers, so River's default of 100 ms capped a process at 10 workers
	// per 100 ms: 100 jobs/s, 50 orders/s.
	DefaultFetchCooldown = 10 * time.Millisecond
)

// Options tune the workers; the zero value is production's.
type Options struct {
	Workers int // jobs worked at once (DefaultWorkers)
	// RetryBase is the first retry's delay; each next one is 2^attempt
	// times longer, capped at MaxRetryDelay (defaults 10s and 1h). With 25
	// attempts a job keeps trying for about a day.
	RetryBase, MaxRetryDelay time.Duration
	// JobTimeout is how long one attempt of an email job may run
	// (DefaultJobTimeout); a supplier's batch has 10 minutes.
	JobTimeout time.Duration
	// RescueAfter is how long a running job may go without finishing
	// before it counts as abandoned (its worker died) and runs again
	// (DefaultRescueAfter). It must exceed JobTimeout: a live worker has
	// given up on the job by then, so the rescue cannot send it twice.
	RescueAfter time.Duration
	// PollInterval is how often idle workers look for jobs besides being
	// notified (default 1s).
	PollInterval time.Duration
	// FetchCooldown is the least time between two fetches
	// (DefaultFetchCooldown).
	FetchCooldown time.Duration
	// Middleware wraps every job's work (tracing: otelriver's spans).
	Middleware []rivertype.Middleware
	// Busy, when set, reports whether the process is busy serving
	// requests (serving.Pressure): a job due less than Yield ago waits
	// until it is not, so that background work leaves a rush's CPU to the
	// attendees (yield.go). Nil: jobs never wait (a process that only
	// works jobs).
	Busy func() bool
	// Yield is how long after it fell due a job may wait for Busy
	// (DefaultYield); negative: never.
	Yield time.Duration
	// OnHeld, when set, is told of each job that waited for Busy, and
	// how long (the metrics' marquee_jobs_held_*).
	OnHeld func(time.Duration)
	// Retention, when set, also works the scheduled erasure of attendees'
	// personal data (retention.go).
	Retention *Retention
	// Also adds the work of other packages to the same client (the
	// backups' scheduler: their workers, queue and periodic jobs).
	Also func(*river.Workers, *river.Config)
}

// withDefaults fills in the zero fields.
func (o Options) withDefaults() Options {
	o.Workers = cmp.Or(max(o.Workers, 0), DefaultWorkers)
	o.RetryBase = cmp.Or(max(o.RetryBase, 0), 10*time.Second)
	o.MaxRetryDelay = cmp.Or(max(o.MaxRetryDelay, 0), time.Hour)
	o.JobTimeout = cmp.Or(max(o.JobTimeout, 0), DefaultJobTimeout)
	o.RescueAfter = cmp.Or(max(o.RescueAfter, 0), DefaultRescueAfter)
	o.PollInterval = cmp.Or(max(o.PollInterval, 0), time.Second)
	o.FetchCooldown = cmp.Or(max(o.FetchCooldown, 0), DefaultFetchCooldown)
	o.Yield = cmp.Or(o.Yield, DefaultYield)
	return o
}

// held is the longest a job may wait for Busy before its attempt: Yield
// when there is a Busy to wait for.
func (o Options) held() time.Duration {
	if o.Busy == nil {
		return 0
	}
	return max(o.Yield, 0)
}

// Validate reports settings that cannot work together.
func (o Options) Validate() error {
	o = o.withDefaults()
	if o.RescueAfter <= o.JobTimeout {
		return fmt.Errorf("the rescue time %v must be longer than the job timeout %v: a job still running is not abandoned", o.RescueAfter, o.JobTimeout)
	}
	if h := o.held(); h > 0 && o.RescueAfter <= o.JobTimeout+h {
		return fmt.Errorf("the rescue time %v must be longer than the job timeout %v and the yield %v together: a job still waiting or running is not abandoned",
			o.RescueAfter, o.JobTimeout, h)
	}
	return nil
}

// backoff is the retry policy: exponential from RetryBase, capped. A job
// rescued from a dead worker has already waited rescueAfter: it runs again
// at once.
type backoff struct{ base, max, rescueAfter time.Duration }

func (b backoff) NextRetry(job *rivertype.JobRow) time.Time {
	now := time.Now()
	if job.AttemptedAt != nil && now.Sub(*job.AttemptedAt) >= max(b.rescueAfter, timeoutOf(job.Kind)) {
		return now // only the rescuer sees an attempt this old: workers time out first
	}
	d := time.Duration(float64(b.base) * math.Pow(2, float64(max(job.Attempt-1, 0))))
	if d <= 0 || d > b.max {
		d = b.max
	}
	return now.Add(d)
}

// timeoutOf is the timeout of a kind that has its own (0: JobTimeout).
func timeoutOf(kind string) time.Duration {
	if kind == (SupplierBatchArgs{}).Kind() {
		return batchTimeout
	}
	return 0
}

// middleware is Middleware, with the yield last (a job's span shows its
// wait) when there is a Busy.
func (o Options) middleware() []rivertype.Middleware {
	if h := o.held(); h > 0 {
		return append(slices.Clip(o.Middleware), &yielding{busy: o.Busy, yieldFor: h, onHeld: o.OnHeld})
	}
	return o.Middleware
}

// NewWorkers returns a client that works the queue on pool (which must
// run as the platform role: it takes every event's jobs). Start it with
// Start(ctx) and stop it with Stop(ctx).
func NewWorkers(pool *pgxpool.Pool, d *Deps, o Options) (*river.Client[pgx.Tx], error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	workers := river.NewWorkers()
	Register(workers, d)
	var periodic []*river.PeriodicJob
	if o.Retention != nil {
		periodic = append(periodic, o.Retention.register(workers))
	}
	cfg := &river.Config{
		Logger:               d.Log,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Workers}},
		Workers:              workers,
		RetryPolicy:          backoff{base: o.RetryBase, max: o.MaxRetryDelay, rescueAfter: o.RescueAfter},
		JobTimeout:           o.JobTimeout,
		RescueStuckJobsAfter: o.RescueAfter,
		FetchPollInterval:    o.PollInterval,
		FetchCooldown:        min(o.FetchCooldown, o.PollInterval),
		Middleware:           o.middleware(),
		PeriodicJobs:         periodic,
	}
	if o.Also != nil {
		o.Also(workers, cfg)
	}
	return river.NewClient(riverpgxv5.New(pool), cfg)
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

// Failed lists jobs that were discarded (out of attempts) or cancelled,
// reading them in tx.
func Failed(ctx context.Context, c *river.Client[pgx.Tx], tx pgx.Tx, limit int) ([]FailedJob, error) {
	res, err := c.JobListTx(ctx, tx, river.NewJobListParams().States(rivertype.JobStateDiscarded, rivertype.JobStateCancelled).
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

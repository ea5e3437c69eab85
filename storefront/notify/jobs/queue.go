package jobs

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// Queue is the job queue as the console's platform admins see it: the
// jobs that gave up, and queuing one of them again.
type Queue struct {
	// Client is the client to ask at the time of the request: a process
	// that works jobs asks through its workers' client (the platform's
	// pool), any other through its inserter.
	Client func() *river.Client[pgx.Tx]
}

// FailedJobs lists the newest jobs that gave up, at most limit.
func (q Queue) FailedJobs(ctx context.Context, limit int) ([]FailedJob, error) {
	return Failed(ctx, q.Client(), limit)
}

// RetryJob makes a failed job available again.
func (q Queue) RetryJob(ctx context.Context, id int64) error {
	_, err := q.Client().JobRetry(ctx, id)
	return err
}

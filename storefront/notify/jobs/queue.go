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
	// InPlatform runs fn in a transaction as the platform role
	// (db.DB.InPlatform): the queue is read and written in it, never on
	// the client's own pool outside a transaction, whose connections keep
	// their login role (the app's pool: each transaction sets its role).
	InPlatform func(ctx context.Context, fn func(pgx.Tx) error) error
}

// FailedJobs lists the newest jobs that gave up, at most limit.
func (q Queue) FailedJobs(ctx context.Context, limit int) (out []FailedJob, err error) {
	err = q.InPlatform(ctx, func(tx pgx.Tx) error {
		out, err = Failed(ctx, q.Client(), tx, limit)
		return err
	})
	return out, err
}

// RetryJob makes a failed job available again.
func (q Queue) RetryJob(ctx context.Context, id int64) error {
	return q.InPlatform(ctx, func(tx pgx.Tx) error {
		_, err := q.Client().JobRetryTx(ctx, tx, id)
		return err
	})
}

package db

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"marquee/db/internal/dbq"
)

// errQueued is what a query answers while its batch is being built.
var errQueued = errors.New("db: statement queued in a batch")

// inBatch sends the statements of steps to the database in one round
// trip (a pgx.Batch) and hands each step its own result. Every step calls
// exactly one generated query, and is called twice: first to queue its
// statement (the query answers errQueued, which the step passes on or
// ignores), then to read that statement's result, in the order the steps
// are given. It returns the first step's error; a statement that fails
// aborts the transaction, so the later ones fail too and are not reported.
func inBatch(ctx context.Context, tx conn, steps ...func(*dbq.Queries) error) error {
	b := &pgx.Batch{}
	queue := dbq.New(queueing{b})
	for _, step := range steps {
		_ = step(queue)
	}
	br := tx.SendBatch(ctx, b)
	replay := dbq.New(replaying{br})
	var first error
	for _, step := range steps {
		if err := step(replay); err != nil && first == nil {
			first = err
		}
	}
	if err := br.Close(); err != nil && first == nil {
		first = err
	}
	return first
}

// conn runs statements: a pgx.Tx, or a pooled connection whose
// transaction the statements begin and commit themselves (PlaceOrder's).
type conn interface {
	dbq.DBTX
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// queueing is a dbq.DBTX that queues each statement in a batch.
type queueing struct{ b *pgx.Batch }

func (q queueing) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	q.b.Queue(sql, args...)
	return pgconn.CommandTag{}, errQueued
}

func (q queueing) Query(_ context.Context, sql string, args ...any) (pgx.Rows, error) {
	q.b.Queue(sql, args...)
	return nil, errQueued
}

func (q queueing) QueryRow(_ context.Context, sql string, args ...any) pgx.Row {
	q.b.Queue(sql, args...)
	return queuedRow{}
}

type queuedRow struct{}

func (queuedRow) Scan(...any) error { return errQueued }

// replaying is a dbq.DBTX that answers each statement with the next result
// of a sent batch.
type replaying struct{ br pgx.BatchResults }

func (r replaying) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return r.br.Exec()
}

func (r replaying) Query(context.Context, string, ...any) (pgx.Rows, error) { return r.br.Query() }

func (r replaying) QueryRow(context.Context, string, ...any) pgx.Row { return r.br.QueryRow() }

package db

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"marquee"
	"marquee/db/internal/dbq"
)

// inTenantTrip runs steps confined to one tenant in one round trip: the
// tenant's setting and every step's statement go in one batch on a pooled
// connection, outside any explicit transaction. Postgres runs the
// statements of a pipeline up to its Sync as one implicit transaction, so
// the setting (local to the transaction, as InTenant's) holds for all of
// them and is gone afterwards, a write among them commits at the Sync, and
// a statement that fails rolls back the others. That saves BEGIN, COMMIT
// and one round trip per statement; the steps follow inBatch's rules (one
// generated query each, called twice) and cannot depend on each other's
// results. A try that meets a broken pooled connection, a serialization
// failure or a deadlock is made again, so the steps must be safe to repeat:
// reads, and writes that do nothing the second time.
func (db *DB) inTenantTrip(ctx context.Context, tenantID uuid.UUID, steps ...func(*dbq.Queries) error) error {
	if tenantID == uuid.Nil {
		return errors.New("db: tenant transaction without a tenant")
	}
	all := append([]func(*dbq.Queries) error{func(q *dbq.Queries) error { return q.TenantSet(ctx, tenantID.String()) }}, steps...)
	ctx, end := db.span(ctx, "db.read")
	var err error
	defer func() { end(err) }()
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = db.tripOnce(ctx, all)
		if !retryable(err) && !brokenBeforeBegin(err) {
			break
		}
	}
	return unavailable(err)
}

// tripOnce is one try of inTenantTrip. A connection failure is reported as
// a *beginError: whatever ran was rolled back or was repeatable.
func (db *DB) tripOnce(ctx context.Context, steps []func(*dbq.Queries) error) error {
	c, err := db.acquireConn(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	err = inBatch(ctx, c, steps...)
	if err != nil && connectionFailure(err) {
		return &beginError{err: err}
	}
	return err
}

// acquireConn takes a pooled connection, waiting at most the pool's
// acquire timeout as begin does; a failure is a *beginError.
func (db *DB) acquireConn(ctx context.Context) (*pgxpool.Conn, error) {
	wait := db.acquireTimeout
	if wait <= 0 {
		wait = DefaultAcquireTimeout
	}
	acquireCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	c, err := db.Pool.Acquire(acquireCtx)
	if err == nil {
		return c, nil
	}
	if acquireCtx.Err() != nil && ctx.Err() == nil {
		err = fmt.Errorf("no database connection within %v: %w", wait, err)
		return nil, &beginError{err: marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", err)}
	}
	return nil, &beginError{err: fmt.Errorf("acquire: %w", explainRoleError(err))}
}

package db

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"marquee/db/internal/dbq"
)

// maxAttempts bounds the retries of a transaction that lost a
// serialization or deadlock race, or could not begin on a broken pooled
// connection.
const maxAttempts = 3

// InTenant runs fn in a transaction confined to one tenant: its first
// statement switches to AppRole and sets app.tenant_id for this
// transaction only, so row-level security limits every later statement to
// that tenant's rows, and both are gone when the connection returns to the
// pool. The transaction
// rolls back when fn returns an error or panics, and is retried when it
// loses a serialization race. A database that cannot be reached is an
// EUNAVAILABLE error.
func (db *DB) InTenant(ctx context.Context, tenantID uuid.UUID, fn func(pgx.Tx) error) error {
	return db.inTenant(ctx, tenantID, false, fn)
}

// InTenantChanging is InTenant for a transaction that changes what the
// replicas' caches hold of the event (its settings, catalogue, form,
// branding or domains): its first statement also tells them, on
// TenantChangedChannel, which Postgres delivers when the transaction
// commits and never when it rolls back. No trigger sends it (on a
// distributed table a trigger would fire on a worker node), so every
// such change must come through here or TenantChanged.
func (db *DB) InTenantChanging(ctx context.Context, tenantID uuid.UUID, fn func(pgx.Tx) error) error {
	return db.inTenant(ctx, tenantID, true, fn)
}

func (db *DB) inTenant(ctx context.Context, tenantID uuid.UUID, changing bool, fn func(pgx.Tx) error) error {
	if tenantID == uuid.Nil {
		return errors.New("db: tenant transaction without a tenant")
	}
	return db.transact(ctx, func(tx pgx.Tx) error {
		set := dbq.New(tx).TenantSet
		if changing {
			set = dbq.New(tx).TenantSetChanging
		}
		if err := set(ctx, tenantID.String()); err != nil {
			return fmt.Errorf("set tenant: %w", err)
		}
		return fn(tx)
	})
}

// TenantChanged tells the replicas, when tx commits, that what their
// caches hold of the event changed: for a change in a transaction that
// did not begin with InTenantChanging (InPlatform's: an event's creation,
// name, status or close date).
func TenantChanged(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID) error {
	return dbq.New(tx).TenantChanged(ctx, tenantID)
}

// InPlatform runs fn in a transaction as PlatformRole, which sees every
// tenant: host resolution, provisioning and platform administration only.
func (db *DB) InPlatform(ctx context.Context, fn func(pgx.Tx) error) error {
	return db.transact(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+PlatformRole); err != nil {
			return fmt.Errorf("set platform role: %w", err)
		}
		return fn(tx)
	})
}

func (db *DB) inTenantQ(ctx context.Context, tenantID uuid.UUID, fn func(*dbq.Queries) error) error {
	return db.InTenant(ctx, tenantID, func(tx pgx.Tx) error { return fn(dbq.New(tx)) })
}

// inTenantChange is inTenantQ through InTenantChanging.
func (db *DB) inTenantChange(ctx context.Context, tenantID uuid.UUID, fn func(*dbq.Queries) error) error {
	return db.InTenantChanging(ctx, tenantID, func(tx pgx.Tx) error { return fn(dbq.New(tx)) })
}

func (db *DB) inPlatformQ(ctx context.Context, fn func(*dbq.Queries) error) error {
	return db.InPlatform(ctx, func(tx pgx.Tx) error { return fn(dbq.New(tx)) })
}

func (db *DB) transact(ctx context.Context, fn func(pgx.Tx) error) (err error) {
	ctx, end := db.span(ctx, "db.transaction")
	defer func() { end(err) }()
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = db.transactOnce(ctx, fn)
		if !retryable(err) && !brokenBeforeBegin(err) {
			break
		}
	}
	return unavailable(err)
}

func (db *DB) transactOnce(ctx context.Context, fn func(pgx.Tx) error) (err error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == pgerrcode.SerializationFailure || pgErr.Code == pgerrcode.DeadlockDetected)
}

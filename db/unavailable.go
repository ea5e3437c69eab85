package db

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"marquee"
)

// DefaultAcquireTimeout bounds how long a transaction waits for a pooled
// connection (or for a new one to connect) before it gives up with
// EUNAVAILABLE, so a database that hangs costs a request seconds, not minutes.
const DefaultAcquireTimeout = 5 * time.Second

// unavailable gives err the code EUNAVAILABLE when it says that the
// database cannot be reached or is going away; any other error, nil
// included, is returned unchanged. Every transaction's error passes through
// it, so no handler has to tell a broken connection from a bug.
func unavailable(err error) error {
	if err == nil || marquee.ErrorCode(err) == marquee.EUNAVAILABLE || !connectionFailure(err) {
		return err
	}
	return marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", err)
}

// connectionFailure reports whether err is the database being away rather
// than a statement failing: no connection could be made (refused, reset,
// timed out, a server starting up or shutting down), or the connection
// broke or was closed under the statement.
func connectionFailure(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return unavailableSQLState(pgErr.Code)
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, puddle.ErrClosedPool):
		return true
	}
	return false
}

// unavailableSQLState reports whether a server error means "not now"
// rather than "not this": class 08 (connection exception), and the server
// shutting down (57P01 admin, 57P02 crash) or starting up (57P03).
func unavailableSQLState(code string) bool {
	return pgerrcode.IsConnectionException(code) || code == pgerrcode.AdminShutdown ||
		code == pgerrcode.CrashShutdown || code == pgerrcode.CannotConnectNow
}

// begin starts a transaction, waiting at most the pool's acquire timeout
// for a connection. A failure is a *beginError: nothing of the transaction
// ran, so it may be tried again.
func (db *DB) begin(ctx context.Context) (pgx.Tx, error) {
	wait := db.acquireTimeout
	if wait <= 0 {
		wait = DefaultAcquireTimeout
	}
	acquireCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tx, err := db.Pool.Begin(acquireCtx)
	if err == nil {
		return tx, nil
	}
	if acquireCtx.Err() != nil && ctx.Err() == nil {
		err = fmt.Errorf("no database connection within %v: %w", wait, err)
		return nil, &beginError{err: marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", err)}
	}
	return nil, &beginError{err: fmt.Errorf("begin: %w", explainRoleError(err))}
}

// beginError is a transaction that never began.
type beginError struct{ err error }

func (e *beginError) Error() string { return e.err.Error() }
func (e *beginError) Unwrap() error { return e.err }

// brokenBeforeBegin reports whether err is a transaction that could not
// begin on a pooled connection that had broken: one left over from before
// a database restart fails this way once, and the pool drops it, so another
// try may well succeed. A connection that could not be made at all, or a
// wait for one that timed out, is not worth trying again at once.
func brokenBeforeBegin(err error) bool {
	var b *beginError
	var connectErr *pgconn.ConnectError
	return errors.As(err, &b) && marquee.ErrorCode(b.err) != marquee.EUNAVAILABLE &&
		!errors.As(err, &connectErr) && connectionFailure(err)
}

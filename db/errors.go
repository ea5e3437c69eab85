package db

import (
	"errors"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"marquee"
)

// Database errors meet the error vocabulary here and nowhere else: a query
// that found no row, a statement that broke a constraint. A database that
// is away is unavailable.go's; every transaction's error passes there.

// meaning says what one kind of database error means to the caller of a
// store method: the error to return instead, or nil when err is not of
// that kind.
type meaning func(err error) *marquee.Error

// storeError maps err to the error of the first meaning that recognises
// it, keeping err as the cause for logs. nil, an error that is already of
// the vocabulary, and one no meaning recognises come back unchanged.
func storeError(err error, meanings ...meaning) error {
	var known *marquee.Error
	if err == nil || errors.As(err, &known) {
		return err
	}
	for _, m := range meanings {
		if e := m(err); e != nil {
			mapped := *e
			mapped.Err = err
			return &mapped
		}
	}
	return err
}

// noRowIs means that a query which found no row is e to the caller.
func noRowIs(e *marquee.Error) meaning {
	return func(err error) *marquee.Error {
		if isNoRow(err) {
			return e
		}
		return nil
	}
}

// violationIs means that breaking a constraint of class sqlState (a
// pgerrcode name) called constraint ("": any of that class) is e.
func violationIs(sqlState, constraint string, e *marquee.Error) meaning {
	return func(err error) *marquee.Error {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == sqlState && (constraint == "" || pgErr.ConstraintName == constraint) {
			return e
		}
		return nil
	}
}

// notFound is storeError for the common case: no row is ENOTFOUND with
// messageID.
func notFound(err error, messageID string) error {
	return storeError(err, noRowIs(marquee.New(marquee.ENOTFOUND, messageID)))
}

// isNoRow reports whether a query found no row, for the callers to whom
// absence is an answer rather than an error.
func isNoRow(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

// msgNotFound is the message of a name that finds nothing in this event.
const msgNotFound = "error.not_found"

// errNotFound is the answer to a change that touched no row: nothing of
// that name in this event.
func errNotFound() error { return marquee.New(marquee.ENOTFOUND, msgNotFound) }

// touched returns errNotFound when a change that succeeded touched no row
// (n == 0), and err otherwise.
func touched(n int64, err error) error {
	if err == nil && n == 0 {
		return errNotFound()
	}
	return err
}

// uniqueViolationIs means that a taken value of the unique constraint
// named constraint is a conflict on field, read as messageID.
func uniqueViolationIs(constraint, field, messageID string) meaning {
	return violationIs(pgerrcode.UniqueViolation, constraint,
		&marquee.Error{Code: marquee.ECONFLICT, Message: messageID, Field: field})
}

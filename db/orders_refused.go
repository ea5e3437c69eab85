package db

import (
	"errors"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5/pgconn"

	"marquee"
)

// refusedCode is the SQLSTATE of order_check (migration 00021): a
// statement of an order's last batch found too little stock or an attendee
// over a product's limit, and failed the transaction; the message is the
// reason.
const refusedCode = "MQ409"

// order_check's reasons, as the queries name them.
const (
	refusedSoldOut   = "sold_out"
	refusedOverLimit = "over_attendee_limit"
)

// refusedAs maps order_check's refusal for reason to e (keeping err as the
// cause); any other error comes back unchanged.
func refusedAs(err error, reason string, e *marquee.Error) error {
	return storeError(err, func(err error) *marquee.Error {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == refusedCode && pgErr.Message == reason {
			return e
		}
		return nil
	})
}

// isUniqueViolation reports whether err is a unique constraint's.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == pgerrcode.UniqueViolation
}

package db

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"marquee"
)

// TestConnectionFailuresAreUnavailable checks the table from a database
// error to the error vocabulary: the database being away is EUNAVAILABLE,
// a statement that fails is not.
func TestConnectionFailuresAreUnavailable(t *testing.T) {
	pg := func(code string) error { return &pgconn.PgError{Severity: "FATAL", Code: code} }
	away := map[string]error{
		"connection exception (08000)":            pg("08000"),
		"connection failure (08006)":              pg("08006"),
		"unable to connect (08001)":               pg("08001"),
		"admin shutdown (57P01)":                  pg("57P01"),
		"crash shutdown (57P02)":                  pg("57P02"),
		"cannot connect now, starting up (57P03)": pg("57P03"),
		"refused":                        &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED},
		"reset":                          &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET},
		"bare reset":                     syscall.ECONNRESET,
		"broken pipe":                    syscall.EPIPE,
		"unexpected EOF":                 io.ErrUnexpectedEOF,
		"connection closed":              pgconn.ErrConnClosed,
		"pool closed":                    puddle.ErrClosedPool,
		"wrapped on its way up":          fmt.Errorf("place order: %w", fmt.Errorf("insert: %w", pg("57P01"))),
		"wrapped as internal by a store": marquee.Internal(pg("08006")),
	}
	for name, err := range away {
		t.Run(name+" is unavailable", func(t *testing.T) {
			got := unavailable(err)
			if code := marquee.ErrorCode(got); code != marquee.EUNAVAILABLE {
				t.Fatalf("code %q, want %q", code, marquee.EUNAVAILABLE)
			}
			if marquee.HTTPStatus(got) != 503 || marquee.ErrorMessage(got) != "error.unavailable" {
				t.Fatalf("status %d, message %q", marquee.HTTPStatus(got), marquee.ErrorMessage(got))
			}
			if !errors.Is(got, err) {
				t.Fatal("the cause is lost for the log")
			}
		})
	}
	notAway := map[string]error{
		"unique violation (23505)":        pg("23505"),
		"serialization failure (40001)":   pg("40001"),
		"invalid byte sequence (22021)":   pg("22021"),
		"query canceled (57014)":          pg("57014"),
		"no rows":                         pgx.ErrNoRows,
		"request cancelled":               context.Canceled,
		"a bug":                           errors.New("boom"),
		"not found stays not found":       marquee.New(marquee.ENOTFOUND, msgNotFound),
		"a conflict stays a conflict":     marquee.Wrap(marquee.ECONFLICT, "order.sold_out", pg("23514")),
		"already unavailable stays as is": marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", errors.New("no connection")),
	}
	for name, err := range notAway {
		t.Run(name+" keeps its code", func(t *testing.T) {
			if got := unavailable(err); got != err {
				t.Fatalf("changed to %v", got)
			}
		})
	}
	if unavailable(nil) != nil {
		t.Fatal("nil became an error")
	}
}

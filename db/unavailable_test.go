package db_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
)

// TestDatabaseAwayIsUnavailable runs transactions against a real server
// that refuses, drops or withholds connections: each is EUNAVAILABLE (a
// 503 for the visitor), never an internal error.
func TestDatabaseAwayIsUnavailable(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	noop := func(pgx.Tx) error { return nil }

	t.Run("a server that refuses connections is unavailable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens there now
		pool, err := pgxpool.New(ctx, "postgres://nobody@"+addr+"/none?sslmode=disable")
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		err = (&db.DB{Pool: pool}).InTenant(ctx, uuid.New(), noop)
		if marquee.ErrorCode(err) != marquee.EUNAVAILABLE {
			t.Fatalf("got %v, want unavailable", err)
		}
	})

	t.Run("a connection the server terminates mid-transaction is unavailable", func(t *testing.T) {
		database := d.Open(t, db.Options{})
		admin := adminConn(t, d)
		err := database.InTenant(ctx, uuid.New(), func(tx pgx.Tx) error {
			var pid int
			if err := tx.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
				return err
			}
			if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend($1, 5000)", pid); err != nil {
				t.Fatal(err)
			}
			_, err := tx.Exec(ctx, "SELECT 1")
			return err
		})
		if marquee.ErrorCode(err) != marquee.EUNAVAILABLE {
			t.Fatalf("got %v, want unavailable", err)
		}
	})

	t.Run("a pooled connection the server closed while idle costs no request", func(t *testing.T) {
		database := d.Open(t, db.Options{MaxConns: 1})
		var pid int
		if err := database.InTenant(ctx, uuid.New(), func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid)
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := adminConn(t, d).Exec(ctx, "SELECT pg_terminate_backend($1, 5000)", pid); err != nil {
			t.Fatal(err)
		}
		if err := database.InTenant(ctx, uuid.New(), noop); err != nil {
			t.Fatalf("the next transaction failed: %v", err)
		}
	})

	t.Run("waiting for a connection is bounded and unavailable", func(t *testing.T) {
		database := d.Open(t, db.Options{MaxConns: 1, AcquireTimeout: 200 * time.Millisecond})
		holding, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- database.InTenant(ctx, uuid.New(), func(pgx.Tx) error {
				close(holding)
				<-release
				return nil
			})
		}()
		<-holding
		start := time.Now()
		err := database.InTenant(ctx, uuid.New(), noop)
		waited := time.Since(start)
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if marquee.ErrorCode(err) != marquee.EUNAVAILABLE {
			t.Fatalf("got %v, want unavailable", err)
		}
		if waited > 2*time.Second {
			t.Fatalf("waited %v for a connection, want about 200ms", waited)
		}
	})

	t.Run("a failing statement is no outage", func(t *testing.T) {
		database := d.Open(t, db.Options{})
		err := database.InTenant(ctx, uuid.New(), func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, "SELECT 1/0")
			return err
		})
		if code := marquee.ErrorCode(err); code != marquee.EINTERNAL {
			t.Fatalf("got %v (%s), want internal", err, code)
		}
	})
}

// adminConn is a superuser connection to d, closed when the test ends.
func adminConn(t *testing.T, d *dbtest.Database) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

package db

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/pressly/goose/v3/lock"
)

// MigrationLockID is the session advisory lock migrate up holds while it
// runs: two pods (or a pod and an operator) never migrate at once. It is
// per database, as advisory locks are; pg_locks shows its holder as
// classid 1835102833, objid 1969579313.
const MigrationLockID int64 = 0x6d61727175656531 // "marquee1"

// ErrMigrationLockBusy is migrate up giving up on another migrate up that
// held the migration lock for longer than MigrateOptions.LockWait.
var ErrMigrationLockBusy = errors.New("another migrate up holds the migration lock")

// migrationLock is goose's session locker for migrate up. It polls
// pg_try_advisory_lock rather than waiting in pg_advisory_lock, so that
// the wait is bounded by LockWait and not cut short by lock_timeout.
type migrationLock struct {
	wait    time.Duration
	waiting func() // called once when another holds the lock; may be nil
}

var _ lock.SessionLocker = migrationLock{}

// SessionLock takes the migration lock on conn's session.
func (l migrationLock) SessionLock(ctx context.Context, conn *sql.Conn) error {
	deadline := time.Now().Add(l.wait)
	for told := false; ; told = true {
		var locked bool
		if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", MigrationLockID).Scan(&locked); err != nil {
			return err
		}
		if locked {
			return nil
		}
		if time.Now().After(deadline) {
			return ErrMigrationLockBusy
		}
		if !told && l.waiting != nil {
			l.waiting()
		}
		select {
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// SessionUnlock releases it (closing the session would too).
func (l migrationLock) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", MigrationLockID)
	return err
}

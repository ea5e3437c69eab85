package backup

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"marquee"
)

// lockKey is the session advisory lock every backup, prune and delete
// holds: two workers, a worker and the CronJob, or the CLI and the console
// never write or remove backups at once, and whoever holds it knows that
// an unfinished backup's process has died (Postgres drops a dead session's
// locks).
const lockKey int64 = 0x6d71_6261_636b // "mqback"

// lock takes lockKey on a connection of its own, or fails with ECONFLICT
// (backup.busy) when another session holds it.
func (e *Engine) lock(ctx context.Context) (unlock func(), err error) {
	conn, err := pgx.Connect(ctx, e.DatabaseURL)
	if err != nil {
		return nil, marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", fmt.Errorf("backup: connect: %w", err))
	}
	var ok bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", lockKey).Scan(&ok); err != nil || !ok {
		conn.Close(context.WithoutCancel(ctx))
		if err != nil {
			return nil, marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", fmt.Errorf("backup: lock: %w", err))
		}
		return nil, marquee.Wrap(marquee.ECONFLICT, "backup.busy", fmt.Errorf("backup: another backup, prune or delete is running"))
	}
	return func() {
		// Unlocked before closing: a closed session's backend lets go of
		// its locks only when it has exited, a moment later.
		ctx := context.WithoutCancel(ctx)
		_, _ = conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", lockKey)
		conn.Close(ctx)
	}, nil
}

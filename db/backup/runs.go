package backup

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"marquee"
)

// Runs remembers every backup started, in the table backup_runs: a failed
// backup leaves nothing in the store, so this is where the console and the
// metrics learn of it. A nil *Runs remembers nothing.
type Runs struct {
	// InPlatform runs fn in a transaction as the platform role
	// (db.DB.InPlatform).
	InPlatform func(ctx context.Context, fn func(pgx.Tx) error) error
}

// Run is one backup started.
type Run struct {
	ID         string
	Kind       Kind
	StartedAt  time.Time
	FinishedAt time.Time // zero while running (or when its process died)
	// Succeeded is meaningful once FinishedAt is set.
	Succeeded bool
	Size      int64
	// Error is why it failed, for platform admins and logs.
	Error string
}

// Finished reports whether the run ended.
func (r Run) Finished() bool { return !r.FinishedAt.IsZero() }

// maxErrorLen is how much of a failure's text a run keeps.
const maxErrorLen = 4000

func (r *Runs) start(ctx context.Context, id string, kind Kind, at time.Time) error {
	if r == nil {
		return nil
	}
	return r.exec(ctx, "INSERT INTO backup_runs (id, kind, started_at) VALUES ($1, $2, $3)", id, string(kind), at)
}

// abandonedError is the error of a run whose process died.
const abandonedError = "the process making this backup stopped before it finished"

// abandon marks runs still unfinished as failed: called under the lock,
// when none can be running.
func (r *Runs) abandon(ctx context.Context, at time.Time) error {
	if r == nil {
		return nil
	}
	return r.exec(ctx, "UPDATE backup_runs SET finished_at = $1, succeeded = false, error = $2 WHERE succeeded IS NULL", at, abandonedError)
}

func (r *Runs) finish(ctx context.Context, id string, at time.Time, size int64, failure error) error {
	if r == nil {
		return nil
	}
	if failure == nil {
		return r.exec(ctx, "UPDATE backup_runs SET finished_at = $2, succeeded = true, size_bytes = $3 WHERE id = $1", id, at, size)
	}
	msg := failure.Error()
	if len(msg) > maxErrorLen {
		msg = msg[:maxErrorLen-3] + "..."
	}
	return r.exec(ctx, "UPDATE backup_runs SET finished_at = $2, succeeded = false, error = $3 WHERE id = $1", id, at, msg)
}

// exec records a run. A database whose migrations have not reached
// backup_runs yet (the backup before the release that adds it) is backed
// up all the same, unrecorded.
func (r *Runs) exec(ctx context.Context, sql string, args ...any) error {
	err := r.InPlatform(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, sql, args...)
		return err
	})
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == pgerrcode.UndefinedTable {
		return nil
	}
	if err != nil {
		return marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", fmt.Errorf("backup runs: %w", err))
	}
	return nil
}

const runColumns = "id, kind, started_at, coalesce(finished_at, 'epoch'), coalesce(succeeded, false), coalesce(size_bytes, 0), coalesce(error, '')"

func scanRun(row pgx.CollectableRow) (Run, error) {
	var r Run
	var kind string
	err := row.Scan(&r.ID, &kind, &r.StartedAt, &r.FinishedAt, &r.Succeeded, &r.Size, &r.Error)
	r.Kind = Kind(kind)
	if r.FinishedAt.Equal(time.Unix(0, 0)) {
		r.FinishedAt = time.Time{}
	}
	r.StartedAt, r.FinishedAt = r.StartedAt.UTC(), utcOrZero(r.FinishedAt)
	return r, err
}

func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// Recent lists the newest runs, at most limit.
func (r *Runs) Recent(ctx context.Context, limit int) (runs []Run, err error) {
	if r == nil {
		return nil, nil
	}
	err = r.InPlatform(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+runColumns+" FROM backup_runs ORDER BY started_at DESC, id DESC LIMIT $1", limit)
		if err != nil {
			return err
		}
		runs, err = pgx.CollectRows(rows, scanRun)
		return err
	})
	if err != nil {
		return nil, marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", fmt.Errorf("backup runs: %w", err))
	}
	return runs, nil
}

// Status is what the console's backups page and the metrics say about the
// schedule.
type Status struct {
	Config Config // with defaults filled in
	// LastSuccess and LastFailure are the newest run of each ending (nil:
	// none yet).
	LastSuccess, LastFailure *Run
	// Running is a run that has not ended, if any (it may belong to a
	// process that died: see its StartedAt).
	Running *Run
	// Due is when the newest scheduled backup that should exist by now
	// was due; Next is when the next one is.
	Due, Next time.Time
	// Missed: no backup succeeded or is running since Due, and Due is
	// more than Grace ago. The console shows it and marquee_backup_missed
	// is 1.
	Missed bool
}

// Status reads the last success, failure and running run and compares
// them with the schedule at now.
func (r *Runs) Status(ctx context.Context, cfg Config, now time.Time) (Status, error) {
	cfg = cfg.WithDefaults()
	st := Status{Config: cfg, Due: cfg.Slot(now), Next: cfg.Next(now)}
	if now.Sub(st.Due) < cfg.Grace { // the current slot's backup may still be on its way
		st.Due = st.Due.Add(-cfg.Interval)
	}
	if r != nil {
		err := r.InPlatform(ctx, func(tx pgx.Tx) error {
			var err error
			for _, q := range []struct {
				where string
				into  **Run
			}{{"succeeded", &st.LastSuccess}, {"NOT succeeded", &st.LastFailure}, {"succeeded IS NULL", &st.Running}} {
				if *q.into, err = newestRun(ctx, tx, q.where); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return st, marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", fmt.Errorf("backup status: %w", err))
		}
	}
	// A backup started since Due and still running is not missed yet: a
	// large one may take longer than the grace (and one whose process
	// died is marked failed by the next tick, within TickEvery).
	running := st.Running != nil && !st.Running.StartedAt.Before(st.Due)
	st.Missed = !running && (st.LastSuccess == nil || st.LastSuccess.StartedAt.Before(st.Due))
	return st, nil
}

func newestRun(ctx context.Context, tx pgx.Tx, where string) (*Run, error) {
	rows, err := tx.Query(ctx, "SELECT "+runColumns+" FROM backup_runs WHERE "+where+" ORDER BY started_at DESC, id DESC LIMIT 1")
	if err != nil {
		return nil, err
	}
	run, err := pgx.CollectExactlyOneRow(rows, scanRun)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return &run, err
}

package console

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/db/backup"
)

// Backups are the platform's backups as their console page uses them;
// BackupDesk implements it on the backup engine.
type Backups interface {
	// List is every backup stored, newest first.
	List(ctx context.Context) ([]backup.Backup, error)
	// Status is the schedule, the retention and the last runs at now.
	Status(ctx context.Context, now time.Time) (backup.Status, error)
	// Request asks the workers for a backup now; duplicate is true when
	// one was already waiting or running.
	Request(ctx context.Context) (duplicate bool, err error)
	// Open streams a complete backup as a tar file.
	Open(ctx context.Context, id string) (backup.Download, error)
	// Delete removes a backup.
	Delete(ctx context.Context, id string) error
}

// BackupDesk is the backup engine, its schedule and the job queue that
// makes a backup asked for on the console.
type BackupDesk struct {
	Engine *backup.Engine
	Config backup.Config
	// Client is the River client to insert with, asked at the time of the
	// request (see jobs.Queue); InPlatform runs the insert's transaction.
	Client     func() *river.Client[pgx.Tx]
	InPlatform func(ctx context.Context, fn func(pgx.Tx) error) error
}

var _ Backups = BackupDesk{}

// List is every backup stored, complete or not, newest first.
func (d BackupDesk) List(ctx context.Context) ([]backup.Backup, error) { return d.Engine.List(ctx) }

// Status reads the runs against the schedule.
func (d BackupDesk) Status(ctx context.Context, now time.Time) (backup.Status, error) {
	return d.Engine.Runs.Status(ctx, d.Config, now)
}

// Request queues a backup job in a platform transaction of its own.
func (d BackupDesk) Request(ctx context.Context) (duplicate bool, err error) {
	err = d.InPlatform(ctx, func(tx pgx.Tx) error {
		duplicate, err = backup.Request(ctx, d.Client(), tx)
		return err
	})
	return duplicate, err
}

// Open streams a complete backup as one tar file.
func (d BackupDesk) Open(ctx context.Context, id string) (backup.Download, error) {
	return d.Engine.Open(ctx, id)
}

// Delete removes a backup.
func (d BackupDesk) Delete(ctx context.Context, id string) error { return d.Engine.Delete(ctx, id) }

package db

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// MigrationStatus is one migration and whether it has been applied.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

// MigrateOptions bounds what migrate up may do to a running deploy. Zero
// fields take the defaults.
type MigrateOptions struct {
	// LockTimeout is each statement's lock_timeout: a migration that waits
	// longer for a table's lock (behind a long transaction) gives up
	// instead of queueing every request behind it. Default 5 s.
	LockTimeout time.Duration
	// StatementTimeout is each statement's statement_timeout. Default 10 min.
	StatementTimeout time.Duration
	// LockRetries is how many more times a migration that hit LockTimeout
	// is tried, RetryPause apart (default 5 and 5 s); -1 for none.
	LockRetries int
	RetryPause  time.Duration
	// LockWait is how long to wait for another migrate up to finish (it
	// holds the advisory lock). Default 10 min.
	LockWait time.Duration
	// Waiting, when set, is called once if another migrate up holds the
	// lock, before waiting for it.
	Waiting func()
}

func (o MigrateOptions) withDefaults() MigrateOptions {
	defaults := []struct {
		v   *time.Duration
		def time.Duration
	}{{&o.LockTimeout, 5 * time.Second}, {&o.StatementTimeout, 10 * time.Minute}, {&o.RetryPause, 5 * time.Second}, {&o.LockWait, 10 * time.Minute}}
	for _, d := range defaults {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	if o.LockRetries == 0 {
		o.LockRetries = 5
	}
	return o
}

// Migrate applies every pending migration with the default options.
func Migrate(ctx context.Context, url string) ([]MigrationStatus, error) {
	return MigrateWith(ctx, url, MigrateOptions{})
}

// MigrateWith applies every pending migration, each in its own transaction
// (unless its file says NO TRANSACTION), as the role of url (the owner of
// the schema, or a superuser), holding the migration advisory lock; a
// second caller waits for it and then finds nothing pending. It returns the
// migrations it applied.
func MigrateWith(ctx context.Context, url string, opts MigrateOptions) ([]MigrationStatus, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return migrateFS(ctx, url, sub, opts.withDefaults())
}

func migrateFS(ctx context.Context, url string, fsys fs.FS, opts MigrateOptions) ([]MigrationStatus, error) {
	p, closeDB, err := providerOn(url, fsys, map[string]string{
		"lock_timeout":      strconv.FormatInt(opts.LockTimeout.Milliseconds(), 10),
		"statement_timeout": strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10),
	}, goose.WithSessionLocker(migrationLock{wait: opts.LockWait, waiting: opts.Waiting}))
	if err != nil {
		return nil, err
	}
	defer closeDB()
	var applied []MigrationStatus
	for attempt := 0; ; attempt++ {
		results, err := p.Up(ctx)
		var partial *goose.PartialError
		if errors.As(err, &partial) {
			results = partial.Applied
		}
		for _, r := range results {
			applied = append(applied, MigrationStatus{Version: r.Source.Version, Name: r.Source.Path, Applied: true})
		}
		switch {
		case err == nil:
			return applied, nil
		case errors.Is(err, ErrMigrationLockBusy):
			return applied, fmt.Errorf("migrate: %w for over %v", ErrMigrationLockBusy, opts.LockWait)
		case isLockTimeout(err) && attempt < opts.LockRetries:
			select {
			case <-time.After(opts.RetryPause):
			case <-ctx.Done():
				return applied, fmt.Errorf("migrate: %w", err)
			}
		default:
			return applied, fmt.Errorf("migrate: %w", err)
		}
	}
}

// isLockTimeout reports a statement that gave up waiting for a lock
// (lock_timeout): nothing of its migration was applied, and it may succeed
// when the transaction in its way has ended.
func isLockTimeout(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "55P03"
}

// Migrations lists every embedded migration and whether it is applied.
func Migrations(ctx context.Context, url string) ([]MigrationStatus, error) {
	p, closeDB, err := provider(url)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	status, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(status))
	for _, s := range status {
		out = append(out, MigrationStatus{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

func provider(url string) (*goose.Provider, func(), error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, nil, err
	}
	return providerOn(url, sub, nil)
}

// providerOn opens goose on the migrations of fsys, its sessions started
// with the given settings (lock_timeout, statement_timeout).
func providerOn(url string, fsys fs.FS, settings map[string]string, opts ...goose.ProviderOption) (*goose.Provider, func(), error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, nil, fmt.Errorf("parse database url: %w", err)
	}
	for k, v := range settings {
		cfg.RuntimeParams[k] = v
	}
	sqlDB := stdlib.OpenDB(*cfg)
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, fsys, append(opts, goose.WithLogger(goose.NopLogger()))...)
	if err != nil {
		sqlDB.Close()
		return nil, nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, func() { sqlDB.Close() }, nil
}

// MigrationsHash identifies the embedded migrations' content: test tooling
// keeps one migrated template database per hash.
func MigrationsHash() string {
	h := sha256.New()
	_ = fs.WalkDir(migrationFiles, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrationFiles.ReadFile(path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

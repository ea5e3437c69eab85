package db

import (
	"context"
	"io/fs"
)

// MigrateFS is MigrateWith on the migrations of fsys instead of the
// embedded ones: the tests' own, which sleep or wait for a lock.
func MigrateFS(ctx context.Context, url string, fsys fs.FS, opts MigrateOptions) ([]MigrationStatus, error) {
	return migrateFS(ctx, url, fsys, opts.withDefaults())
}

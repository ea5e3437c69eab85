package db

import (
	"context"

	"github.com/google/uuid"

	"marquee/db/internal/dbq"
	"marquee/tenant"
)

// DirectoryAll lists every event's names for the TLS decision.
func (db *DB) DirectoryAll(ctx context.Context) ([]tenant.DirectoryEntry, error) {
	var out []tenant.DirectoryEntry
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		rows, err := q.DirectoryAll(ctx)
		for _, r := range rows {
			out = append(out, tenant.DirectoryEntry{TenantID: r.ID, Slug: r.Slug, Status: tenant.Status(r.Status), Hostnames: r.Hostnames})
		}
		return err
	})
	return out, err
}

// DirectoryOne is one event's names; found is false once it is deleted.
func (db *DB) DirectoryOne(ctx context.Context, id uuid.UUID) (e tenant.DirectoryEntry, found bool, err error) {
	err = db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		r, err := q.DirectoryOne(ctx, id)
		e = tenant.DirectoryEntry{TenantID: r.ID, Slug: r.Slug, Status: tenant.Status(r.Status), Hostnames: r.Hostnames}
		return err
	})
	if isNoRow(err) {
		return e, false, nil
	}
	return e, err == nil, err
}

package db

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/storefront/webhooks"
	"marquee/tenant"
)

// RenameTenant changes an event's name and, in the same transaction, the
// title of its current branding (published and draft) in every language
// where the title was still the old name: the name is the title until the
// branding is edited. Both changes notify every replica.
func (db *DB) RenameTenant(ctx context.Context, id uuid.UUID, name string) (*tenant.Tenant, error) {
	var t *tenant.Tenant
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		old, err := q.TenantLockName(ctx, id)
		if err != nil {
			return err
		}
		row, err := q.TenantRename(ctx, dbq.TenantRenameParams{ID: id, Name: name})
		if err != nil {
			return err
		}
		t = tenantFromRow(row)
		if _, err = q.BrandingRetitle(ctx, dbq.BrandingRetitleParams{TenantID: id, OldName: old, NewName: name}); err != nil {
			return err
		}
		return q.TenantChanged(ctx, id)
	})
	return t, notFound(err, msgNotFound)
}

// SetTenantClosesAt sets when an event's shop stops taking orders (nil:
// only when it is archived), in one transaction with the Events hook
// (where the closing lists are scheduled).
func (db *DB) SetTenantClosesAt(ctx context.Context, id uuid.UUID, at *time.Time) (*tenant.Tenant, error) {
	var t *tenant.Tenant
	err := db.InPlatform(ctx, func(tx pgx.Tx) error {
		row, err := dbq.New(tx).TenantSetClosesAt(ctx, dbq.TenantSetClosesAtParams{ID: id, ClosesAt: at})
		t = tenantFromRow(row)
		if err != nil {
			return err
		}
		if err := TenantChanged(ctx, tx, id); err != nil {
			return err
		}
		return db.closingTimeSet(ctx, tx, t)
	})
	return t, notFound(err, msgNotFound)
}

// TransitionTenant moves an event to status if it is in one of from. An
// event in another status is a conflict (checked in the same statement, so
// two racing changes cannot both pass). Archiving tells the Events hook
// in the same transaction (where the closing lists are queued).
func (db *DB) TransitionTenant(ctx context.Context, id uuid.UUID, from []tenant.Status, to tenant.Status, conflict string) (*tenant.Tenant, error) {
	froms := make([]string, len(from))
	for i, s := range from {
		froms[i] = string(s)
	}
	var t *tenant.Tenant
	err := db.InPlatform(ctx, func(tx pgx.Tx) error {
		row, err := dbq.New(tx).TenantTransition(ctx, dbq.TenantTransitionParams{ID: id, Status: string(to), FromStatuses: froms})
		t = tenantFromRow(row)
		if err != nil {
			return err
		}
		if err := TenantChanged(ctx, tx, id); err != nil || to != tenant.StatusArchived {
			return err
		}
		if err := emitWebhook(ctx, tx, id, webhooks.EventArchived, webhooks.Event(t)); err != nil {
			return err
		}
		return db.eventArchived(ctx, tx, t)
	})
	if isNoRow(err) {
		return nil, marquee.New(marquee.ECONFLICT, conflict)
	}
	return t, err
}

// DeleteArchivedTenant deletes an archived event with everything it owns.
// An event that is not archived is a conflict: archive it first.
func (db *DB) DeleteArchivedTenant(ctx context.Context, id uuid.UUID) error {
	return db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		if err := q.TenantOrdersDeleteArchived(ctx, id); err != nil {
			return err
		}
		n, err := q.TenantDeleteArchived(ctx, id)
		if err != nil {
			return err
		}
		if n == 0 {
			return marquee.New(marquee.ECONFLICT, "tenant.delete_not_archived")
		}
		return q.TenantChanged(ctx, id)
	})
}

// Domains lists an event's custom hostnames.
func (db *DB) Domains(ctx context.Context, tenantID uuid.UUID) ([]tenant.Domain, error) {
	var out []tenant.Domain
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		rows, err := q.DomainList(ctx, tenantID)
		for _, r := range rows {
			out = append(out, domainFromRow(r))
		}
		return err
	})
	return out, err
}

// AllDomains lists every custom hostname of the platform with its event's
// slug, for ops and the periodic re-check.
func (db *DB) AllDomains(ctx context.Context) ([]tenant.Domain, error) {
	var out []tenant.Domain
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		rows, err := q.DomainsAll(ctx)
		for _, r := range rows {
			d := domainFromRow(dbq.Domain{ID: r.ID, TenantID: r.TenantID, Hostname: r.Hostname, VerificationToken: r.VerificationToken,
				VerifiedAt: r.VerifiedAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, State: r.State, LastError: r.LastError, CheckedAt: r.CheckedAt})
			d.TenantSlug = r.TenantSlug
			out = append(out, d)
		}
		return err
	})
	return out, err
}

// Domain returns one custom hostname of an event.
func (db *DB) Domain(ctx context.Context, tenantID uuid.UUID, hostname string) (tenant.Domain, error) {
	var d tenant.Domain
	err := db.inTenantQ(ctx, tenantID, func(q *dbq.Queries) error {
		row, err := q.DomainGet(ctx, dbq.DomainGetParams{TenantID: tenantID, Hostname: hostname})
		d = domainFromRow(row)
		return err
	})
	return d, notFound(err, msgNotFound)
}

// AddCustomDomain attaches a hostname, pending verification. A hostname
// another event has (or this one) is a conflict: one event per name.
func (db *DB) AddCustomDomain(ctx context.Context, tenantID uuid.UUID, hostname string) (tenant.Domain, error) {
	var d tenant.Domain
	err := db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		row, err := q.DomainInsert(ctx, dbq.DomainInsertParams{TenantID: tenantID, Hostname: hostname})
		d = domainFromRow(row)
		return err
	})
	return d, storeError(err, uniqueViolationIs("domains_hostname_key", "hostname", "domain.taken"))
}

// MarkDomainVerified records a passed check: the hostname routes from now.
func (db *DB) MarkDomainVerified(ctx context.Context, tenantID uuid.UUID, hostname string) (tenant.Domain, error) {
	var d tenant.Domain
	err := db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		row, err := q.DomainSetVerified(ctx, dbq.DomainSetVerifiedParams{TenantID: tenantID, Hostname: hostname})
		d = domainFromRow(row)
		return err
	})
	return d, notFound(err, msgNotFound)
}

// MarkDomainFailed records a failed check with its reason (a message ID).
func (db *DB) MarkDomainFailed(ctx context.Context, tenantID uuid.UUID, hostname, reason string) (tenant.Domain, error) {
	var d tenant.Domain
	err := db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		row, err := q.DomainSetFailed(ctx, dbq.DomainSetFailedParams{TenantID: tenantID, Hostname: hostname, LastError: reason})
		d = domainFromRow(row)
		return err
	})
	return d, notFound(err, msgNotFound)
}

// RemoveDomain detaches a hostname from an event.
func (db *DB) RemoveDomain(ctx context.Context, tenantID uuid.UUID, hostname string) error {
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		return touched(q.DomainDelete(ctx, dbq.DomainDeleteParams{TenantID: tenantID, Hostname: hostname}))
	})
}

// DomainsToRecheck lists verified domains last checked before cutoff.
func (db *DB) DomainsToRecheck(ctx context.Context, cutoff time.Time, limit int) ([]tenant.Domain, error) {
	var out []tenant.Domain
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		rows, err := q.DomainsToRecheck(ctx, dbq.DomainsToRecheckParams{CheckedBefore: cutoff, MaxRows: int32(limit)})
		for _, r := range rows {
			out = append(out, domainFromRow(r))
		}
		return err
	})
	return out, err
}

func domainFromRow(r dbq.Domain) tenant.Domain {
	return tenant.Domain{ID: r.ID, TenantID: r.TenantID, Hostname: r.Hostname, Token: r.VerificationToken,
		State: tenant.DomainState(r.State), LastError: r.LastError, VerifiedAt: r.VerifiedAt, CheckedAt: r.CheckedAt, CreatedAt: r.CreatedAt}
}

// randomToken is 32 random bytes, URL-safe base64 without padding.
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

package db

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"marquee"
	"marquee/branding"
	"marquee/db/internal/dbq"
	"marquee/tenant"
)

var _ tenant.Store = (*DB)(nil)

// TenantBySlug finds an event by its slug.
func (db *DB) TenantBySlug(ctx context.Context, slug string) (*tenant.Tenant, error) {
	var t *tenant.Tenant
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.TenantGetBySlug(ctx, slug)
		t = tenantFromRow(row)
		return err
	})
	return t, notFound(err, "error.unknown_host")
}

// TenantByDomain finds the event a verified custom hostname belongs to.
func (db *DB) TenantByDomain(ctx context.Context, hostname string) (*tenant.Tenant, error) {
	var t *tenant.Tenant
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.TenantGetByVerifiedDomain(ctx, hostname)
		t = tenantFromRow(row)
		return err
	})
	return t, notFound(err, "error.unknown_host")
}

// CreateTenant provisions an event and its first, published branding in one
// transaction. A taken slug is a conflict on the slug field.
func (db *DB) CreateTenant(ctx context.Context, t tenant.Tenant, b branding.Branding) (*tenant.Tenant, error) {
	return db.CreateTenantFrom(ctx, t, b, uuid.Nil)
}

// CreateTenantFrom is CreateTenant that also copies the products (with
// their options and stock), order-form fields and shop settings of the
// template event, when template is not uuid.Nil, in the same transaction:
// a failed copy leaves no half-made event behind.
func (db *DB) CreateTenantFrom(ctx context.Context, t tenant.Tenant, b branding.Branding, template uuid.UUID) (*tenant.Tenant, error) {
	if t.Currency == "" {
		t.Currency = "EUR"
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	var created *tenant.Tenant
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.TenantInsertFull(ctx, dbq.TenantInsertFullParams{
			Slug: t.Slug, Name: t.Name, Status: string(t.Status),
			DefaultLocale: t.DefaultLocale, Locales: t.Locales, Currency: t.Currency,
			StartsOn: pgDate(t.StartsOn), EndsOn: pgDate(t.EndsOn), ClosesAt: t.ClosesAt,
		})
		if err != nil {
			return err
		}
		created = tenantFromRow(dbq.Tenant(row))
		if err := q.TenantChanged(ctx, row.ID); err != nil {
			return err
		}
		b.TenantID = row.ID
		if _, err = q.BrandingInsert(ctx, brandingInsertParams(b, "published")); err != nil {
			return err
		}
		if template == uuid.Nil {
			return nil
		}
		if err := copyTemplate(ctx, q, template, created); err != nil {
			return err
		}
		return q.CopySettings(ctx, dbq.CopySettingsParams{FromTenant: template, ToTenant: row.ID})
	})
	if err != nil {
		return nil, storeError(err, uniqueViolationIs("tenants_slug_key", "slug", "slug.taken"))
	}
	return created, nil
}

// copyTemplate copies the products (with their variants and stock) and
// the order-form fields of the template event into to, their texts kept
// to to's languages (storefront.Product.ForLocales, form.Field.ForLocales):
// a language the event does not offer must not show on its pages.
func copyTemplate(ctx context.Context, q *dbq.Queries, template uuid.UUID, to *tenant.Tenant) error {
	from, err := q.TenantGetByID(ctx, template)
	if err != nil {
		return err
	}
	cat, err := catalogueIn(ctx, q, template)
	if err != nil {
		return err
	}
	for _, p := range cat.Products {
		p = p.ForLocales(to.Locales, to.DefaultLocale, from.DefaultLocale)
		if err := insertProduct(ctx, q, to.ID, &p); err != nil {
			return err
		}
	}
	fields, err := formFieldsIn(ctx, q, template)
	if err != nil {
		return err
	}
	for _, f := range fields {
		if err := insertFormField(ctx, q, to.ID, f.ForLocales(to.Locales, to.DefaultLocale, from.DefaultLocale)); err != nil {
			return err
		}
	}
	return nil
}

// ListTenants returns up to limit events ordered by slug, after afterSlug
// (keyset pagination: pass the last slug of the previous page).
func (db *DB) ListTenants(ctx context.Context, afterSlug string, limit int) ([]tenant.Tenant, error) {
	var out []tenant.Tenant
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		rows, err := q.TenantList(ctx, dbq.TenantListParams{AfterSlug: afterSlug, MaxRows: int32(limit)})
		for _, r := range rows {
			out = append(out, *tenantFromRow(r))
		}
		return err
	})
	return out, err
}

// SetTenantStatus opens, suspends or archives an event.
func (db *DB) SetTenantStatus(ctx context.Context, id uuid.UUID, status tenant.Status) (*tenant.Tenant, error) {
	if !status.Valid() {
		return nil, marquee.Invalid("status", "tenant.status_unknown")
	}
	var t *tenant.Tenant
	err := db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.TenantSetStatus(ctx, dbq.TenantSetStatusParams{ID: id, Status: string(status)})
		t = tenantFromRow(row)
		if err != nil {
			return err
		}
		return q.TenantChanged(ctx, id)
	})
	return t, notFound(err, msgNotFound)
}

// AddDomain attaches a custom hostname to an event, verified or not.
func (db *DB) AddDomain(ctx context.Context, tenantID uuid.UUID, hostname string, verified bool) error {
	return db.inTenantChange(ctx, tenantID, func(q *dbq.Queries) error {
		p := dbq.DomainInsertParams{TenantID: tenantID, Hostname: hostname}
		if verified {
			now := nowUTC()
			p.VerifiedAt = &now
		}
		_, err := q.DomainInsert(ctx, p)
		return storeError(err, uniqueViolationIs("domains_hostname_key", "hostname", "domain.taken"))
	})
}

func tenantFromRow(r dbq.Tenant) *tenant.Tenant {
	return &tenant.Tenant{
		ID: r.ID, Slug: r.Slug, Name: r.Name, Status: tenant.Status(r.Status),
		DefaultLocale: tenant.Locale(r.DefaultLocale), Locales: locales(r.Locales), Currency: r.Currency,
		StartsOn: fromPgDate(r.StartsOn), EndsOn: fromPgDate(r.EndsOn), ClosesAt: r.ClosesAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

// locales are an event's languages as the platform's shared copies
// (tenant.Locale).
func locales(codes []string) []string {
	for i, c := range codes {
		codes[i] = tenant.Locale(c)
	}
	return codes
}

func pgDate(t *time.Time) pgtype.Date {
	if t == nil {
		return pgtype.Date{}
	}
	return pgtype.Date{Time: *t, Valid: true}
}

func fromPgDate(d pgtype.Date) *time.Time {
	if !d.Valid {
		return nil
	}
	t := d.Time.UTC()
	return &t
}

package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant"
)

// newTenant provisions an event with a published branding.
func newTenant(t testing.TB, database *db.DB, slug string) *tenant.Tenant {
	t.Helper()
	created, err := database.CreateTenant(context.Background(),
		tenant.Tenant{Slug: slug, Name: "Event " + slug, Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en"}},
		branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{"en": {Title: "Title of " + slug}}})
	if err != nil {
		t.Fatalf("create tenant %s: %v", slug, err)
	}
	return created
}

func TestTenantTransactionSeesOnlyItsTenant(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	a, b := newTenant(t, database, "event-a"), newTenant(t, database, "event-b")
	if err := database.AddDomain(ctx, b.ID, "shop.event-b.test", true); err != nil {
		t.Fatal(err)
	}

	t.Run("an unfiltered select returns only the tenant's own rows", func(t *testing.T) {
		for _, table := range []string{"tenants", "brandings", "domains"} {
			err := database.InTenant(ctx, a.ID, func(tx pgx.Tx) error {
				col := "tenant_id"
				if table == "tenants" {
					col = "id"
				}
				rows, err := tx.Query(ctx, "SELECT "+col+"::text FROM "+table)
				if err != nil {
					return err
				}
				ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
				for _, id := range ids {
					if id != a.ID.String() {
						t.Errorf("%s: event A's transaction sees a row of %s", table, id)
					}
				}
				return err
			})
			if err != nil {
				t.Fatalf("%s: %v", table, err)
			}
		}
	})

	t.Run("inserting a row for another tenant is refused", func(t *testing.T) {
		err := database.InTenant(ctx, a.ID, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO brandings (tenant_id, version, state, color_primary, color_accent, color_background, color_text)
				VALUES ($1, 99, 'draft', '#000000', '#000000', '#ffffff', '#000000')`, b.ID)
			return err
		})
		if code := pgCode(err); code != "42501" {
			t.Fatalf("insert for event B from A's transaction: want row-level security violation 42501, got %v", err)
		}
	})

	t.Run("updating another tenant's rows changes nothing", func(t *testing.T) {
		var n int64
		err := database.InTenant(ctx, a.ID, func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, "UPDATE brandings SET theme = 'hacked' WHERE tenant_id = $1", b.ID)
			n = tag.RowsAffected()
			return err
		})
		if err != nil || n != 0 {
			t.Fatalf("update of B's branding from A: %d rows, err %v", n, err)
		}
	})

	t.Run("outside a tenant transaction the app role sees nothing", func(t *testing.T) {
		var n int
		if err := dbtest.QueryRowAsApp(ctx, database, "SELECT count(*) FROM brandings", &n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("unscoped select saw %d brandings, want 0", n)
		}
	})
}

func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

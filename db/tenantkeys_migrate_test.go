package db_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/storefront/suppliers"
	"marquee/tenant"
)

// TestTenantKeysMigrateAPopulatedDatabase runs the four tenant key
// migrations over a database the release before has written to (an
// installation's shape: events with catalogues, orders, suppliers, stock
// history): no row is lost or changed, supplier_items' new key column is
// filled, every new foreign key is validated, and the keys still refuse
// what they refused.
func TestTenantKeysMigrateAPopulatedDatabase(t *testing.T) {
	ctx := context.Background()
	d := dbtest.NewEmpty(t)
	migrateTo(t, d.OwnerURL, versionBefore(t, "_tenant_keys_expand.sql"))
	// Today's code writes the release before's rows; it reads and writes
	// the columns of the migrations after the tenant keys', so those
	// (additive) run for the writing and are undone before the tenant key
	// migrations run, as they would be on that release.
	later := versionBefore(t, "_tenant_keys_contract.sql") + 1
	undo := applyAfter(t, d.OwnerURL, later)

	app := d.Open(t, db.Options{})
	var events []*tenant.Tenant
	for _, slug := range []string{"keys-a", "keys-b"} {
		ev := dbtest.Event(t, app, slug, tenant.StatusActive, branding.DefaultColours)
		events = append(events, ev)
		shop := dbtest.NewShop(t, app, ev.ID)
		dbtest.PlaceOrder(t, app, ev.ID, shop.Shirt, 1, "Ada Lovelace")
		dbtest.PlaceLine(t, app, ev.ID, shop.Hoodie, 0, 2)
		if _, err := app.AdjustStock(ctx, ev.ID, shop.Shirt.Variants[0].ID, 3, "delivery", "staff:test"); err != nil {
			t.Fatal(err)
		}
		if _, err := app.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: "Print shop", Emails: []string{"print@example.com"},
			Mode: suppliers.ModePerOrder, ProductIDs: []uuid.UUID{shop.Hoodie.ID}, VariantIDs: []uuid.UUID{shop.Shirt.Variants[1].ID}}); err != nil {
			t.Fatal(err)
		}
		// What the notification jobs (not running here) would have written.
		dbtest.Exec(t, d.AdminURL, `INSERT INTO email_log (tenant_id, dedup_key, kind, recipients, message_id, order_id)
			SELECT tenant_id, 'order:' || number, 'order_confirmation', ARRAY[email], '<m@test>', id FROM orders WHERE tenant_id = $1`, ev.ID)
		dbtest.Exec(t, d.AdminURL, `INSERT INTO supplier_batches (tenant_id, supplier_id, lines, message_id)
			SELECT tenant_id, id, 2, '<b@test>' FROM suppliers WHERE tenant_id = $1`, ev.ID)
	}
	tables := []string{"brandings", "email_log", "form_fields", "order_items", "order_status_history", "orders", "products",
		"stock_adjustments", "supplier_batches", "supplier_items", "suppliers", "variants", "attendee_purchases"}
	app.Close()
	undo()
	before := tableContents(t, d.AdminURL, tables)

	// Up to the tenant keys' last step only: a later migration may add
	// columns to the tables compared (code_only, discount_minor …).
	migrateTo(t, d.OwnerURL, later)

	t.Run("every row is kept as it was", func(t *testing.T) {
		after := tableContents(t, d.AdminURL, tables)
		for _, table := range tables {
			if before[table] != after[table] {
				t.Errorf("%s changed:\nbefore %s\nafter  %s", table, before[table], after[table])
			}
		}
		if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM orders"); n != 4 {
			t.Errorf("orders after the migration: %d, want 4", n)
		}
	})

	t.Run("supplier_items' key column is filled", func(t *testing.T) {
		if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM supplier_items WHERE item_id IS DISTINCT FROM coalesce(product_id, variant_id)"); n != 0 {
			t.Errorf("%d supplier_items rows without their item_id", n)
		}
		if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM supplier_items"); n != 4 {
			t.Errorf("supplier_items: %d rows, want 4", n)
		}
	})

	t.Run("every foreign key is validated", func(t *testing.T) {
		if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"); n != 0 {
			t.Errorf("%d foreign keys not validated", n)
		}
	})

	t.Run("a line of another event's order is refused", func(t *testing.T) {
		conn := connectCatalog(t, d.AdminURL)
		_, err := conn.Exec(ctx, `INSERT INTO order_items (tenant_id, order_id, position, product_id, variant_id, product_name, variant_label, quantity, unit_price_minor)
			SELECT $1, o.id, 9, i.product_id, i.variant_id, '{}', '{}', 1, 0
			FROM orders o JOIN order_items i ON i.tenant_id = o.tenant_id AND i.order_id = o.id WHERE o.tenant_id = $2 LIMIT 1`,
			events[0].ID, events[1].ID)
		if code := pgCode(err); code != "23503" {
			t.Errorf("a line in event A naming event B's order: want foreign key violation 23503, got %v", err)
		}
	})

	t.Run("a line number twice in one order is refused", func(t *testing.T) {
		conn := connectCatalog(t, d.AdminURL)
		_, err := conn.Exec(ctx, `INSERT INTO order_items (tenant_id, order_id, position, product_id, variant_id, product_name, variant_label, quantity, unit_price_minor)
			SELECT tenant_id, order_id, position, product_id, variant_id, product_name, variant_label, 1, 0 FROM order_items LIMIT 1`)
		if code := pgCode(err); code != "23505" {
			t.Errorf("a second line 0 in an order: want unique violation 23505, got %v", err)
		}
	})

	t.Run("deleting a supplier still deletes its items", func(t *testing.T) {
		dbtest.Exec(t, d.AdminURL, "DELETE FROM suppliers WHERE tenant_id = $1", events[0].ID)
		if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM supplier_items WHERE tenant_id = $1", events[0].ID); n != 0 {
			t.Errorf("%d supplier_items left after their supplier was deleted", n)
		}
	})
}

// versionBefore is the version of the migration before the one whose file
// name ends with suffix.
func versionBefore(t *testing.T, suffix string) int64 {
	t.Helper()
	names, err := filepath.Glob("migrations/*" + suffix)
	if err != nil || len(names) != 1 {
		t.Fatalf("the migration *%s: %v %v", suffix, names, err)
	}
	v, err := goose.NumericComponent(filepath.Base(names[0]))
	if err != nil {
		t.Fatal(err)
	}
	return v - 1
}

// applyAfter applies every migration after version, out of order, and
// returns what undoes them, newest first.
func applyAfter(t *testing.T, url string, version int64) (undo func()) {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { sqlDB.Close() })
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, os.DirFS("migrations"), goose.WithLogger(goose.NopLogger()))
	if err != nil {
		t.Fatal(err)
	}
	var applied []int64
	for _, m := range p.ListSources() {
		if m.Version <= version {
			continue
		}
		if _, err := p.ApplyVersion(context.Background(), m.Version, true); err != nil {
			t.Fatalf("apply %d: %v", m.Version, err)
		}
		applied = append(applied, m.Version)
	}
	return func() {
		t.Helper()
		for i := len(applied) - 1; i >= 0; i-- {
			if _, err := p.ApplyVersion(context.Background(), applied[i], false); err != nil {
				t.Fatalf("undo %d: %v", applied[i], err)
			}
		}
	}
}

// migrateTo applies the migrations up to version, as the schema's owner.
func migrateTo(t *testing.T, url string, version int64) {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB := stdlib.OpenDB(*cfg)
	defer sqlDB.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, os.DirFS("migrations"), goose.WithLogger(goose.NopLogger()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatalf("migrate to %d: %v", version, err)
	}
}

// tableContents is each table's rows as text, in a fixed order.
func tableContents(t *testing.T, url string, tables []string) map[string]string {
	t.Helper()
	conn := connectCatalog(t, url)
	out := map[string]string{}
	for _, table := range tables {
		var rows string
		// item_id is new: compare the columns the release before knows.
		err := conn.QueryRow(context.Background(), `SELECT coalesce(string_agg(r::text, E'\n' ORDER BY r::text), '')
			FROM (SELECT to_jsonb(x) - 'item_id' AS r FROM `+pgx.Identifier{table}.Sanitize()+` x) s`).Scan(&rows)
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(rows) == "" {
			t.Fatalf("%s is empty: the test seeds every table it compares", table)
		}
		out[table] = rows
	}
	return out
}

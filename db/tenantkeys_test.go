package db_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"marquee/db/dbtest"
)

// notDistributed are the tables with a tenant_id column that are not
// distributed by it (docs/scaling.md): each is found before an event is
// known, or holds rows of no event, so it cannot live on one event's shard.
var notDistributed = map[string]string{
	"domains":      "reference: a request's hostname finds its event, so hostnames are unique across events",
	"memberships":  "reference: a staff member's events are listed at sign-in, before any event is chosen, beside the staff table",
	"staff_tokens": "reference: a one-time link is found by its hash before any event is known; only invitations name one",
	"audit_log":    "coordinator: platform rows (sign-ins) name no event, and platform admins read every event's rows",
	"api_tokens":   "coordinator: a platform token (tenant_id NULL) names no event; a bearer secret is looked up before any event is known",
	// Webhooks (issue 19): a platform-wide endpoint (tenant_id NULL) gets
	// every event's messages, and its tests name no event.
	"webhook_endpoints":  "reference: every event's emission reads the platform-wide endpoints (tenant_id NULL) beside its own",
	"webhook_messages":   "coordinator: a test to a platform-wide endpoint names no event",
	"webhook_deliveries": "coordinator: a platform-wide endpoint's log lists every event's deliveries together",
	"webhook_attempts":   "coordinator: the attempts of webhook_deliveries, beside them",
}

// TestTenantKeysLeadWithTenantID is the catalog check of issue 16: on the
// migrated schema every table distributed by tenant_id has a primary key,
// its primary key and unique keys lead with tenant_id, and its foreign keys
// to other distributed tables pair tenant_id with tenant_id. Citus can
// enforce nothing else on a table distributed by tenant_id.
func TestTenantKeysLeadWithTenantID(t *testing.T) {
	ctx := context.Background()
	conn := connectCatalog(t, dbtest.New(t).AdminURL)

	t.Run("the migrated schema has no key without tenant_id", func(t *testing.T) {
		for _, p := range tenantKeyProblems(t, ctx, conn) {
			t.Error(p)
		}
	})

	t.Run("every table left out is a tenant table that exists", func(t *testing.T) {
		tables := tenantTables(t, ctx, conn)
		for name := range notDistributed {
			if !slices.Contains(tables, name) {
				t.Errorf("%s is listed as not distributed but has no tenant_id column (or is gone): drop it from the list", name)
			}
		}
	})

	t.Run("each kind of bad key is reported", func(t *testing.T) {
		bad := connectCatalog(t, dbtest.New(t).AdminURL) // a database of its own: the bad tables stay out of the others' schema
		for _, s := range []string{
			`CREATE TABLE bad_id_key (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, code text, UNIQUE (code))`,
			`CREATE TABLE bad_no_key (tenant_id uuid NOT NULL, parent_id uuid NOT NULL,
				FOREIGN KEY (parent_id) REFERENCES bad_id_key (id))`,
			`CREATE UNIQUE INDEX bad_index ON bad_no_key (parent_id, tenant_id)`,
		} {
			if _, err := bad.Exec(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		got := strings.Join(tenantKeyProblems(t, ctx, bad), "\n")
		for _, want := range []string{
			"bad_id_key: primary key bad_id_key_pkey does not lead with tenant_id: (id)",
			"bad_id_key: unique key bad_id_key_code_key does not lead with tenant_id: (code)",
			"bad_no_key: no primary key",
			"bad_no_key: unique key bad_index does not lead with tenant_id: (parent_id, tenant_id)",
			"bad_no_key: foreign key bad_no_key_parent_id_fkey to bad_id_key does not pair tenant_id with tenant_id: (parent_id) -> (id)",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("the check does not report %q; it reports:\n%s", want, got)
			}
		}
	})
}

// tenantKeyProblems names every key of a distributed table (a table in
// public with a tenant_id column, not in notDistributed) that Citus could
// not enforce on a table distributed by tenant_id, sorted.
func tenantKeyProblems(t *testing.T, ctx context.Context, conn *pgx.Conn) []string {
	t.Helper()
	var problems []string
	add := func(rows pgx.Rows, format func(table, name, cols string, extra string) string) {
		t.Helper()
		var table, name, cols, extra string
		_, err := pgx.ForEachRow(rows, []any{&table, &name, &cols, &extra}, func() error {
			if _, skip := notDistributed[table]; !skip {
				problems = append(problems, format(table, name, cols, extra))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	add(catalogQuery(t, ctx, conn, `
		SELECT c.relname, '', '', '' FROM pg_class c
		WHERE c.oid IN (SELECT attrelid FROM tenant_id_columns)
		  AND NOT EXISTS (SELECT FROM pg_index x WHERE x.indrelid = c.oid AND x.indisprimary)`),
		func(table, _, _, _ string) string { return table + ": no primary key" })
	add(catalogQuery(t, ctx, conn, `
		SELECT c.relname, i.relname, pg_get_indexdef(x.indexrelid), CASE WHEN x.indisprimary THEN 'primary' ELSE 'unique' END
		FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
		JOIN tenant_id_columns a ON a.attrelid = c.oid
		WHERE x.indisunique AND x.indkey[0] <> a.attnum`),
		func(table, name, def, kind string) string {
			return fmt.Sprintf("%s: %s key %s does not lead with tenant_id: %s", table, kind, name, def[strings.LastIndex(def, "("):])
		})
	add(catalogQuery(t, ctx, conn, `
		SELECT c.relname, f.conname,
		       '(' || (SELECT string_agg(attname, ', ' ORDER BY n) FROM unnest(f.conkey) WITH ORDINALITY k(num, n)
		               JOIN pg_attribute ON attrelid = f.conrelid AND attnum = k.num) || ') -> (' ||
		       (SELECT string_agg(attname, ', ' ORDER BY n) FROM unnest(f.confkey) WITH ORDINALITY k(num, n)
		               JOIN pg_attribute ON attrelid = f.confrelid AND attnum = k.num) || ')',
		       p.relname
		FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class p ON p.oid = f.confrelid
		JOIN tenant_id_columns a ON a.attrelid = c.oid JOIN tenant_id_columns pa ON pa.attrelid = p.oid
		WHERE f.contype = 'f' AND p.relname <> ALL ($1)
		  AND NOT EXISTS (SELECT FROM unnest(f.conkey, f.confkey) k(own, other) WHERE k.own = a.attnum AND k.other = pa.attnum)`,
		notDistributedNames()),
		func(table, name, cols, parent string) string {
			return fmt.Sprintf("%s: foreign key %s to %s does not pair tenant_id with tenant_id: %s", table, name, parent, cols)
		})
	slices.Sort(problems)
	return problems
}

// tenantTables lists the tables in public with a tenant_id column.
func tenantTables(t *testing.T, ctx context.Context, conn *pgx.Conn) []string {
	t.Helper()
	rows := catalogQuery(t, ctx, conn, `SELECT attrelid::regclass::text FROM tenant_id_columns`)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// catalogQuery runs sql with tenant_id_columns, the tenant_id column of every
// ordinary table in public, in scope.
func catalogQuery(t *testing.T, ctx context.Context, conn *pgx.Conn, sql string, args ...any) pgx.Rows {
	t.Helper()
	rows, err := conn.Query(ctx, `WITH tenant_id_columns AS (
		SELECT a.attrelid, a.attnum FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
		  AND a.attname = 'tenant_id' AND NOT a.attisdropped)
		`+sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func notDistributedNames() []string {
	var names []string
	for name := range notDistributed {
		names = append(names, name)
	}
	return names
}

func connectCatalog(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

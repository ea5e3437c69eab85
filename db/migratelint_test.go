package db_test

import (
	"fmt"
	"strings"
	"testing"

	"marquee/db"
)

// Every embedded migration passes the check: this is how `make test` runs it.
func TestMigrationsPassTheCheck(t *testing.T) {
	refused, accepted, err := db.CheckMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range refused {
		t.Errorf("refused: %v", p)
	}
	for _, p := range accepted {
		t.Logf("accepted (%s): %s:%d %s", p.Accepted, p.File, p.Line, p.Rule)
	}
}

const dropGiftNote = `-- +goose Up
-- The order's gift note is no longer asked for.
ALTER TABLE orders
    DROP COLUMN gift_note;

-- +goose Down
ALTER TABLE orders ADD COLUMN gift_note text NOT NULL DEFAULT '';
`

func TestMigrationCheckRefusesDropColumnUnlessTwoStep(t *testing.T) {
	const file = "db/migrations/00099_drop_gift_note.sql"
	t.Run("without the marker the drop is refused, naming file, line and rule", func(t *testing.T) {
		refused, accepted := db.CheckMigration(file, dropGiftNote)
		if len(refused) != 1 || len(accepted) != 0 {
			t.Fatalf("refused %v, accepted %v; want one refusal", refused, accepted)
		}
		msg := refused[0].Error()
		want := "db/migrations/00099_drop_gift_note.sql:4: drop: ALTER TABLE orders DROP COLUMN gift_note ("
		if !strings.HasPrefix(msg, want) {
			t.Errorf("message %q\nwant it to start %q", msg, want)
		}
		if !strings.Contains(msg, "-- marquee:two-step contract-of=") {
			t.Errorf("message %q does not say how to mark a contract step", msg)
		}
	})
	t.Run("with the marker the drop is accepted", func(t *testing.T) {
		marked := strings.Replace(dropGiftNote, "-- +goose Up\n",
			"-- +goose Up\n-- marquee:two-step contract-of=v0.16 the order form stopped asking for a gift note in v0.16\n", 1)
		refused, accepted := db.CheckMigration(file, marked)
		if len(refused) != 0 {
			t.Fatalf("refused %v", refused)
		}
		if len(accepted) != 1 || accepted[0].Rule != db.RuleDrop || accepted[0].Accepted != "two-step marker, contract-of=v0.16" {
			t.Errorf("accepted %+v, want the drop accepted by the marker of v0.16", accepted)
		}
	})
}

func TestMigrationCheckRules(t *testing.T) {
	const up = "-- +goose Up\n"
	const noTx = "-- +goose NO TRANSACTION\n"
	for _, c := range []struct {
		name, sql string
		want      []string // "line rule" of each refusal
	}{
		{"a table's drop is refused", up + "DROP TABLE IF EXISTS orders;", []string{"2 drop"}},
		{"an index's drop is refused, concurrently or not", noTx + up + "DROP INDEX CONCURRENTLY orders_email;", []string{"3 drop"}},
		{"a trigger's drop is refused", up + "DROP TRIGGER variants_notify ON variants;", []string{"2 drop"}},
		{"a constraint's drop is refused", up + "ALTER TABLE orders ADD COLUMN x text,\n  DROP CONSTRAINT orders_check;", []string{"3 drop"}},
		{"a default's drop is refused", up + "ALTER TABLE orders ALTER COLUMN note DROP DEFAULT;", []string{"2 drop"}},
		{"dropping NOT NULL relaxes and passes", up + "ALTER TABLE orders ALTER COLUMN note DROP NOT NULL;", nil},
		{"a column's rename is refused", up + "ALTER TABLE orders RENAME COLUMN note TO remark;", []string{"2 rename"}},
		{"a table's rename is refused", up + "ALTER TABLE orders RENAME TO purchases;", []string{"2 rename"}},
		{"an index's rename is refused", up + "ALTER INDEX orders_email RENAME TO orders_by_email;", []string{"2 rename"}},
		{"a move to another schema is refused", up + "ALTER TABLE orders SET SCHEMA archive;", []string{"2 rename"}},
		{"a type change is refused", up + "ALTER TABLE orders ALTER COLUMN total_minor TYPE numeric;", []string{"2 type-change"}},
		{"SET DATA TYPE is refused", up + "ALTER TABLE public.orders ALTER total_minor SET DATA TYPE numeric;", []string{"2 type-change"}},
		{"a NOT NULL column without default is refused", up + "ALTER TABLE orders ADD COLUMN phone text NOT NULL;", []string{"2 not-null-without-default"}},
		{"a NOT NULL column with a default passes", up + "ALTER TABLE orders ADD COLUMN IF NOT EXISTS phone text NOT NULL DEFAULT '';", nil},
		{"a nullable column passes", up + "ALTER TABLE orders ADD phone text CHECK (phone IS NOT NULL OR true);", nil},
		{"SET NOT NULL is refused", up + "ALTER TABLE orders ALTER COLUMN phone SET NOT NULL;", []string{"2 not-null-without-default"}},
		{"a NOT NULL check added NOT VALID passes", up + "ALTER TABLE orders ADD CONSTRAINT phone_set CHECK (phone IS NOT NULL) NOT VALID;", nil},
		{"an index on an existing table without CONCURRENTLY is refused", up + "CREATE INDEX orders_email ON orders (tenant_id, email);", []string{"2 index-without-concurrently"}},
		{"a unique index too", up + "CREATE UNIQUE INDEX IF NOT EXISTS orders_key ON ONLY orders (tenant_id, id);", []string{"2 index-without-concurrently"}},
		{"an index built CONCURRENTLY outside a transaction passes", noTx + up + "CREATE UNIQUE INDEX CONCURRENTLY orders_key ON orders (tenant_id, id);", nil},
		{"CONCURRENTLY inside goose's transaction is refused", up + "CREATE INDEX CONCURRENTLY orders_key ON orders (tenant_id, id);", []string{"2 concurrently-in-transaction"}},
		{"REINDEX blocks writes as a build does", up + "REINDEX INDEX orders_email;", []string{"2 index-without-concurrently"}},
		{"REINDEX CONCURRENTLY outside a transaction passes", noTx + up + "REINDEX TABLE CONCURRENTLY orders;", nil},
		{"a unique constraint that builds its index is refused", up + "ALTER TABLE orders ADD CONSTRAINT orders_key UNIQUE (tenant_id, id);", []string{"2 index-without-concurrently"}},
		{"a primary key on an index built before passes", up + "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_key;", nil},
		{"a new column's UNIQUE builds an index and is refused", up + "ALTER TABLE orders ADD COLUMN code text UNIQUE;", []string{"2 index-without-concurrently"}},
		{"a table created in the same file is new: anything goes but drops",
			up + "CREATE TABLE gifts (id uuid, note text);\nCREATE INDEX gifts_note ON gifts (note);\n" +
				"ALTER TABLE gifts ADD COLUMN n int NOT NULL, ALTER COLUMN note TYPE varchar(10), ALTER COLUMN id SET NOT NULL;", nil},
		{"the Down section is not checked", up + "CREATE TABLE gifts (id uuid);\n-- +goose Down\nDROP TABLE gifts;", nil},
		{"words in comments, strings and function bodies are not statements",
			up + "/* DROP TABLE orders; /* nested */ still a comment; */\n-- DROP TABLE orders;\n" +
				"COMMENT ON TABLE orders IS 'do not DROP TABLE orders; ever';\n" +
				"CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $body$ DROP TABLE orders; $body$;\n" +
				"SELECT E'it\\'s; DROP TABLE orders';\nDROP VIEW v;", []string{"7 drop"}},
		{"a malformed marker is refused and excuses nothing",
			up + "-- marquee:two-step contract-of=soon\nDROP TABLE orders;", []string{"2 two-step-marker", "3 drop"}},
		{"a marker does not excuse CONCURRENTLY inside a transaction",
			up + "-- marquee:two-step contract-of=0123abc the release stopped reading it\nCREATE INDEX CONCURRENTLY x ON orders (id);\nDROP TABLE old_orders;",
			[]string{"3 concurrently-in-transaction"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			refused, _ := db.CheckMigration("db/migrations/00099_x.sql", c.sql)
			var got []string
			for _, p := range refused {
				got = append(got, fmt.Sprintf("%d %s", p.Line, p.Rule))
				if prefix := fmt.Sprintf("db/migrations/00099_x.sql:%d: %s: ", p.Line, p.Rule); !strings.HasPrefix(p.Error(), prefix) {
					t.Errorf("message %q does not start %q", p.Error(), prefix)
				}
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("refused %v\nwant %v\nmessages: %v", got, c.want, refused)
			}
		})
	}
}

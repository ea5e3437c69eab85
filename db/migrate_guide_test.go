package db_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"marquee/db"
	"marquee/db/dbtest"
)

// guideFile is one migration of docs/migrations.md's worked example.
type guideFile struct{ name, sql string }

// guideFiles reads the SQL blocks of docs/migrations.md that start with a
// migration's path.
func guideFiles(t *testing.T) []guideFile {
	t.Helper()
	doc, err := os.ReadFile("../docs/migrations.md")
	if err != nil {
		t.Fatal(err)
	}
	var files []guideFile
	for _, m := range regexp.MustCompile("(?s)```sql\n-- db/migrations/(\\d{5}_\\w+\\.sql)\n(.*?)```").FindAllStringSubmatch(string(doc), -1) {
		files = append(files, guideFile{m[1], m[2]})
	}
	if len(files) != 3 {
		t.Fatalf("docs/migrations.md has %d migrations in its worked example, want 3 (expand, backfill, contract)", len(files))
	}
	return files
}

// The worked example of docs/migrations.md passes the check (its contract
// step because of its marker), and each step works with the releases that
// run while it is applied: today's code stands in for v0.16, which writes
// name only; v0.17 and v0.18's writes are done by hand.
func TestMigrationsGuideExample(t *testing.T) {
	ctx := context.Background()
	files := guideFiles(t)
	for _, f := range files {
		if refused, _ := db.CheckMigration("db/migrations/"+f.name, f.sql); len(refused) != 0 {
			t.Errorf("%s refused: %v", f.name, refused)
		}
	}
	contract := files[2]
	unmarked := regexp.MustCompile(`(?m)^-- marquee:two-step .*\n`).ReplaceAllString(contract.sql, "")
	refused, _ := db.CheckMigration("db/migrations/"+contract.name, unmarked)
	var rules []string
	for _, p := range refused {
		rules = append(rules, p.Rule)
	}
	if got := strings.Join(rules, " "); got != "drop not-null-without-default drop" {
		t.Errorf("the contract step without its marker: refused %q, want drop not-null-without-default drop", got)
	}

	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	ev := newTenant(t, database, "guide")
	p := dbtest.SizedProduct(t, database, ev.ID, "Shirt")
	dbtest.PlaceOrder(t, database, ev.ID, p, 0, "Ada Lovelace")
	migrations := fstest.MapFS{}
	embedded, err := filepath.Glob("migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range embedded {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		migrations[filepath.Base(path)] = &fstest.MapFile{Data: b}
	}
	apply := func(i int) {
		t.Helper()
		f := files[i] // numbered after every migration there is, in the guide's order
		migrations[fmt.Sprintf("%05d_%s", 90001+i, f.name[6:])] = &fstest.MapFile{Data: []byte(f.sql)}
		if applied, err := db.MigrateFS(ctx, d.OwnerURL, migrations, db.MigrateOptions{}); err != nil || len(applied) != 1 {
			t.Fatalf("%s: applied %v, %v", f.name, applied, err)
		}
	}
	apply(0)
	// v0.16 (today's code, which writes name only) still runs while v0.17 rolls out,
	bea := dbtest.PlaceOrder(t, database, ev.ID, p, 1, "Bea")
	// and v0.17 writes both.
	cy := dbtest.PlaceOrder(t, database, ev.ID, p, 1, "Cy")
	dbtest.Exec(t, d.AdminURL, "UPDATE orders SET full_name = name WHERE id = $1", cy.ID)
	apply(1)
	// v0.18 writes full_name only.
	dbtest.Exec(t, d.AdminURL, `INSERT INTO orders (tenant_id, number, idempotency_key, email, locale, currency, total_minor, full_name)
		SELECT tenant_id, 'V018', gen_random_uuid(), email, locale, currency, total_minor, 'Dee' FROM orders WHERE id = $1`, bea.ID)
	apply(2)
	names := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM orders WHERE full_name IN ('Ada Lovelace', 'Bea', 'Cy', 'Dee')")
	if names != 4 {
		t.Errorf("%d of 4 orders kept their name in full_name", names)
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'name'"); n != 0 {
		t.Error("orders.name is still there after the contract step")
	}
}

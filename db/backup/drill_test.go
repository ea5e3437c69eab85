package backup_test

import (
	"context"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db"
	"marquee/db/backup"
	"marquee/db/dbtest"
	"marquee/db/throwaway"
)

// TestRestoreDrill is the drill the issue asks for: seed orders and
// images, back up to S3, restore into a fresh database and a fresh media
// store, and compare every table's rows and every object's checksum.
func TestRestoreDrill(t *testing.T) {
	ctx := context.Background()
	s3 := fakeS3(t, "media", "backups")
	srcMedia := s3Media(t, s3["media"])
	src := dbtest.New(t)
	srcDB := src.Open(t, db.Options{})
	seeded := seed(t, srcDB, srcMedia)
	clk := newClock("2026-12-06T10:00:00Z")
	eng := &backup.Engine{Store: s3Backups(t, s3["backups"]), DatabaseURL: src.OwnerURL, Media: srcMedia,
		Runs: runsOf(srcDB), Now: clk.Now}

	b, err := eng.Create(ctx, backup.KindManual)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	m, err := eng.Manifest(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the manifest names the time, the schema version, checksums and counts per table", func(t *testing.T) {
		if !m.CreatedAt.Equal(clk.Now()) || b.State != backup.StateComplete || b.Kind != backup.KindManual {
			t.Errorf("backup %+v created at %v, want complete, manual, at %v", b, m.CreatedAt, clk.Now())
		}
		if want := lastMigration(t, src.OwnerURL); m.SchemaVersion != want {
			t.Errorf("schema version %d, want %d", m.SchemaVersion, want)
		}
		if m.Tables["public.orders"] != 8 || m.Tables["public.tenants"] != 2 || m.Tables["public.backup_runs"] != 1 {
			t.Errorf("counts orders %d, tenants %d, backup_runs %d; want 8, 2, 1 (this backup's own run)",
				m.Tables["public.orders"], m.Tables["public.tenants"], m.Tables["public.backup_runs"])
		}
		if len(m.Database.SHA256) != 64 || m.Database.Size < 10_000 || !strings.Contains(m.DumpVersion, "PostgreSQL") {
			t.Errorf("database file %+v from %q", m.Database, m.DumpVersion)
		}
		var keys []string
		for _, f := range m.Media {
			keys = append(keys, f.Key)
		}
		if want := slices.Sorted(slices.Values(seeded.keys)); !slices.Equal(keys, want) {
			t.Errorf("media %v, want exactly the referenced %v (not the unreferenced %s)", keys, want, seeded.unreferenced)
		}
	})

	dst := dbtest.NewEmpty(t)
	dstMedia := diskMedia(t)
	restored, err := eng.Restore(ctx, b.ID, backup.RestoreOptions{DatabaseURL: dst.OwnerURL, Media: dstMedia})
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}

	t.Run("every table's rows and every sequence come back", func(t *testing.T) {
		want, got := tableDigests(t, src.AdminURL), tableDigests(t, dst.AdminURL)
		if len(want) < 30 {
			t.Fatalf("only %d tables and sequences in the source: %v", len(want), slices.Sorted(maps.Keys(want)))
		}
		// The source's backup_runs row finished after the snapshot: the
		// copy holds it as running.
		delete(want, "public.backup_runs")
		delete(got, "public.backup_runs")
		for name, d := range want {
			if got[name] != d {
				t.Errorf("%s: restored %q, source %q", name, got[name], d)
			}
		}
		if len(got) != len(want) {
			t.Errorf("restored %d tables and sequences, source %d", len(got), len(want))
		}
		if restored.Objects != len(seeded.keys) || restored.Tables["public.order_items"] != m.Tables["public.order_items"] {
			t.Errorf("restore reported %+v", restored)
		}
	})

	t.Run("every object comes back with its checksum and type, and nothing else", func(t *testing.T) {
		for _, k := range seeded.keys {
			if got, want := objectSum(t, dstMedia, k), objectSum(t, srcMedia, k); got != want {
				t.Errorf("%s: restored %s, source %s", k, got, want)
			}
		}
		if _, _, err := dstMedia.Get(ctx, seeded.unreferenced); marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Errorf("the unreferenced object was restored: %v", err)
		}
	})

	t.Run("the application runs on the restored database as its own roles", func(t *testing.T) {
		restoredDB := dst.Open(t, db.Options{})
		ev := seeded.events[1]
		cat, err := restoredDB.Catalogue(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(cat.Products) != 3 || cat.Products[1].ImageKey != seeded.keys[5] {
			t.Errorf("catalogue of %s: %d products, hoodie picture %q", ev.Slug, len(cat.Products), cat.Products[1].ImageKey)
		}
		p := dbtest.SizedProduct(t, restoredDB, ev.ID, "Cap") // new rows: sequences, defaults and grants work
		dbtest.PlaceOrder(t, restoredDB, ev.ID, p, 0, "After Restore")
		if n := dbtest.CountRows(t, dst.AdminURL, "SELECT count(*) FROM orders"); n != 9 {
			t.Errorf("%d orders after one more, want 9", n)
		}
	})
}

// lastMigration is the number of the newest embedded migration, which
// url's database has applied.
func lastMigration(t *testing.T, url string) int64 {
	t.Helper()
	all, err := db.Migrations(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if last := all[len(all)-1]; last.Applied {
		return last.Version
	}
	t.Fatalf("the newest migration is not applied: %+v", all[len(all)-1])
	return 0
}

// TestMediaColumnsCoverTheSchema holds backup.MediaColumns to the schema:
// a new key-named text column must be listed as media (the backup copies
// what it names) or as not media.
func TestMediaColumnsCoverTheSchema(t *testing.T) {
	d := dbtest.New(t)
	conn, err := pgx.Connect(context.Background(), d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(context.Background(), `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND data_type = 'text' AND column_name LIKE '%key' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	known := append(slices.Clone(backup.MediaColumns), backup.NotMediaColumns...)
	for _, c := range cols {
		if !slices.Contains(known, c) {
			t.Errorf("%s is neither in backup.MediaColumns nor in backup.NotMediaColumns", c)
		}
	}
	for _, c := range backup.MediaColumns {
		if !slices.Contains(cols, c) {
			t.Errorf("backup.MediaColumns names %s, which the schema does not have", c)
		}
	}
}

// TestRestoreOnANewServer is the disaster's restore: a server of its own,
// where the migrations never ran (no marquee_app or marquee_platform
// roles), a database owned by a plain user with CREATEROLE; the restore
// creates the roles and the application runs on the copy.
func TestRestoreOnANewServer(t *testing.T) {
	ctx := context.Background()
	src := dbtest.New(t)
	srcDB := src.Open(t, db.Options{})
	srcMedia := diskMedia(t)
	seeded := seed(t, srcDB, srcMedia)
	eng := &backup.Engine{Store: backup.Dir{Root: t.TempDir()}, DatabaseURL: src.OwnerURL, Media: srcMedia}
	b, err := eng.Create(ctx, backup.KindManual)
	if err != nil {
		t.Fatal(err)
	}

	srv, err := throwaway.Start(ctx, throwaway.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	admin := srv.AdminURL()
	dbtest.Exec(t, admin, "CREATE ROLE restorer LOGIN CREATEROLE PASSWORD 'restorer'")
	dbtest.Exec(t, admin, "CREATE DATABASE fresh OWNER restorer")
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.User, u.Path = url.UserPassword("restorer", "restorer"), "/fresh"
	if n := dbtest.CountRows(t, admin, "SELECT count(*) FROM pg_roles WHERE rolname IN ('marquee_app', 'marquee_platform')"); n != 0 {
		t.Fatalf("the new server already has %d of the roles", n)
	}
	if _, err := eng.Restore(ctx, b.ID, backup.RestoreOptions{DatabaseURL: u.String(), Media: diskMedia(t)}); err != nil {
		t.Fatalf("Restore on a new server: %v", err)
	}
	restored, err := db.Open(ctx, u.String(), db.Options{})
	if err != nil {
		t.Fatalf("the application cannot open the restored database: %v", err)
	}
	defer restored.Close()
	cat, err := restored.Catalogue(ctx, seeded.events[0].ID)
	if err != nil || len(cat.Products) != 3 {
		t.Errorf("catalogue on the new server: %d products, %v", len(cat.Products), err)
	}
}

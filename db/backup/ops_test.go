package backup_test

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"marquee"
	"marquee/db"
	"marquee/db/backup"
	"marquee/db/dbtest"
)

// TestBackupsInAFolder covers what the console and the CLI do with backups
// in BACKUP_DIR: list, download, refuse to restore over data, notice a
// damaged file, delete.
func TestBackupsInAFolder(t *testing.T) {
	ctx := context.Background()
	src := dbtest.New(t)
	d := src.Open(t, db.Options{})
	mediaStore := diskMedia(t)
	seeded := seed(t, d, mediaStore)
	store := backup.Dir{Root: t.TempDir()}
	clk := newClock("2026-12-07T09:00:00Z")
	eng := &backup.Engine{Store: store, DatabaseURL: src.OwnerURL, Media: mediaStore, Runs: runsOf(d), Now: clk.Now}
	b, err := eng.Create(ctx, backup.KindManual)
	if err != nil {
		t.Fatal(err)
	}
	m, err := eng.Manifest(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("list shows the backup with its size, time, kind and state", func(t *testing.T) {
		list, err := eng.List(ctx)
		if err != nil || len(list) != 1 {
			t.Fatalf("List = %+v, %v", list, err)
		}
		got := list[0]
		if got.ID != b.ID || got.Kind != backup.KindManual || got.State != backup.StateComplete || !got.CreatedAt.Equal(clk.Now()) ||
			got.Objects != len(seeded.keys) || got.Size != dirSize(t, filepath.Join(store.Root, b.ID)) {
			t.Errorf("listed %+v, want %s with %d bytes (the folder's)", got, b.ID, dirSize(t, filepath.Join(store.Root, b.ID)))
		}
	})

	t.Run("open streams a tar of exactly its announced size with every file as stored", func(t *testing.T) {
		dl, err := eng.Open(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer dl.Body.Close()
		raw, err := io.ReadAll(dl.Body)
		if err != nil || int64(len(raw)) != dl.Size || dl.Filename != "marquee-backup-"+b.ID+".tar" {
			t.Fatalf("read %d bytes (%v) of %s announced as %d", len(raw), err, dl.Filename, dl.Size)
		}
		sums := map[string]string{}
		tr := tar.NewReader(strings.NewReader(string(raw)))
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(tr)
			s := sha256.Sum256(body)
			sums[h.Name] = hex.EncodeToString(s[:])
		}
		if sums["database.dump"] != m.Database.SHA256 || sums["manifest.json"] == "" {
			t.Errorf("tar holds %v", sums)
		}
		for _, f := range m.Media {
			if sums["media/"+f.Key] != f.SHA256 {
				t.Errorf("media/%s: %q in the tar, manifest %s", f.Key, sums["media/"+f.Key], f.SHA256)
			}
		}
	})

	t.Run("restore refuses a database that is not empty and writes nothing", func(t *testing.T) {
		other := dbtest.New(t)
		_, err := eng.Restore(ctx, b.ID, backup.RestoreOptions{DatabaseURL: other.OwnerURL, Media: diskMedia(t)})
		if marquee.ErrorCode(err) != marquee.ECONFLICT || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("Restore over a migrated database = %v, want ECONFLICT naming --force", err)
		}
		if n := dbtest.CountRows(t, other.AdminURL, "SELECT count(*) FROM tenants"); n != 0 {
			t.Errorf("%d tenants written", n)
		}
		if _, err := eng.Restore(ctx, b.ID, backup.RestoreOptions{DatabaseURL: other.OwnerURL, Media: diskMedia(t), Force: true}); err != nil {
			t.Fatalf("Restore with Force: %v", err)
		}
		if n := dbtest.CountRows(t, other.AdminURL, "SELECT count(*) FROM orders"); n != 8 {
			t.Errorf("%d orders after a forced restore, want 8", n)
		}
	})

	t.Run("restore refuses a damaged dump before touching the database", func(t *testing.T) {
		dump := filepath.Join(store.Root, b.ID, "database.dump")
		orig, _ := os.ReadFile(dump)
		bad := []byte(string(orig))
		bad[len(bad)/2] ^= 0xff
		if err := os.WriteFile(dump, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.WriteFile(dump, orig, 0o600)
		empty := dbtest.NewEmpty(t)
		_, err := eng.Restore(ctx, b.ID, backup.RestoreOptions{DatabaseURL: empty.OwnerURL, Media: diskMedia(t)})
		if err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Fatalf("Restore of a damaged dump = %v", err)
		}
		if n := dbtest.CountRows(t, empty.AdminURL, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"); n != 0 {
			t.Errorf("%d relations written", n)
		}
	})

	t.Run("restore without a media store is refused unless media are skipped", func(t *testing.T) {
		_, err := eng.Restore(ctx, b.ID, backup.RestoreOptions{DatabaseURL: dbtest.NewEmpty(t).OwnerURL})
		if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorField(err) != "media" {
			t.Errorf("Restore without media = %v, want EINVALID on media", err)
		}
	})

	t.Run("unknown and malformed ids", func(t *testing.T) {
		for _, id := range []string{"../etc", "20261207-090000-manual-zzzzzz", "", b.ID + "/x"} {
			if _, err := eng.Open(ctx, id); marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorField(err) != "id" {
				t.Errorf("Open(%q) = %v, want EINVALID on id", id, err)
			}
		}
		missing := backup.NewID(clk.Now(), backup.KindManual, "abcdef")
		if _, err := eng.Open(ctx, missing); marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Errorf("Open(missing) = %v, want ENOTFOUND", err)
		}
		if err := eng.Delete(ctx, missing); marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Errorf("Delete(missing) = %v, want ENOTFOUND", err)
		}
	})

	t.Run("delete removes every file of the backup", func(t *testing.T) {
		if err := eng.Delete(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := eng.List(ctx); len(list) != 0 {
			t.Errorf("still listed: %+v", list)
		}
		if _, err := os.Stat(filepath.Join(store.Root, b.ID)); !os.IsNotExist(err) {
			t.Errorf("the folder is still there: %v", err)
		}
	})
}

// TestBackupWithPendingMigrations backs up a database the migrations have
// not finished with, restores it, and migrates the copy to the end.
func TestBackupWithPendingMigrations(t *testing.T) {
	ctx := context.Background()
	const at = 12 // brandings have their image keys, later migrations are pending
	src := dbtest.NewEmpty(t)
	migrateTo(t, src.OwnerURL, at)
	dbtest.Exec(t, src.AdminURL, `INSERT INTO tenants (slug, name) VALUES ('behind', 'Behind')`)
	srcDB, err := db.Open(ctx, src.OwnerURL, db.Options{}) // the roles exist: migration 1 ran
	if err != nil {
		t.Fatal(err)
	}
	defer srcDB.Close()
	// Runs as in production: backup_runs does not exist yet, and the
	// backup goes ahead unrecorded.
	eng := &backup.Engine{Store: backup.Dir{Root: t.TempDir()}, DatabaseURL: src.OwnerURL, Runs: runsOf(srcDB)}
	b, err := eng.Create(ctx, backup.KindManual)
	if err != nil {
		t.Fatal(err)
	}
	if b.SchemaVersion != at {
		t.Errorf("schema version %d, want %d", b.SchemaVersion, at)
	}
	dst := dbtest.NewEmpty(t)
	if _, err := eng.Restore(ctx, b.ID, backup.RestoreOptions{DatabaseURL: dst.OwnerURL, SkipMedia: true}); err != nil {
		t.Fatal(err)
	}
	applied, err := db.Migrate(ctx, dst.OwnerURL)
	if err != nil {
		t.Fatalf("migrate the restored database: %v", err)
	}
	if len(applied) == 0 || applied[0].Version != at+1 {
		t.Errorf("applied %+v, want from %d on", applied, at+1)
	}
	if n := dbtest.CountRows(t, dst.AdminURL, "SELECT count(*) FROM tenants WHERE slug = 'behind'"); n != 1 {
		t.Errorf("%d tenants named behind after the migration, want 1", n)
	}
	restored := dst.Open(t, db.Options{}) // the application starts on it
	if _, err := restored.TenantBySlug(ctx, "behind"); err != nil {
		t.Errorf("the application reads the restored event: %v", err)
	}
}

// migrateTo applies the migrations up to version, as goose does in
// db.Migrate, from the files beside the package.
func migrateTo(t *testing.T, url string, version int64) {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB := stdlib.OpenDB(*cfg)
	defer sqlDB.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, os.DirFS("../migrations"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
}

func dirSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

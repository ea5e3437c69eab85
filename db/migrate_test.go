package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"marquee/db"
	"marquee/db/dbtest"
)

// migrationSet is a set of goose files for MigrateFS.
func migrationSet(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, up := range files {
		fsys[name] = &fstest.MapFile{Data: []byte("-- +goose Up\n" + up + "\n")}
	}
	return fsys
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// migrateConcurrently runs migrate n times at once and returns what each run applied.
func migrateConcurrently(t *testing.T, n int, migrate func() ([]db.MigrationStatus, error)) [][]db.MigrationStatus {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	runs := make([][]db.MigrationStatus, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			runs[i], errs[i] = migrate()
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	return runs
}

func TestConcurrentMigrateUpAppliesEachMigrationOnce(t *testing.T) {
	ctx := context.Background()
	t.Run("the embedded migrations on an empty database, three runs at once", func(t *testing.T) {
		d := dbtest.NewEmpty(t)
		runs := migrateConcurrently(t, 3, func() ([]db.MigrationStatus, error) { return db.Migrate(ctx, d.OwnerURL) })
		times := map[int64]int{}
		for _, run := range runs {
			for _, m := range run {
				times[m.Version]++
			}
		}
		all, err := db.Migrations(ctx, d.OwnerURL)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range all {
			if !m.Applied || times[m.Version] != 1 {
				t.Errorf("%s: applied %v, by %d runs; want once", m.Name, m.Applied, times[m.Version])
			}
		}
		var rows, versions int
		if err := connect(t, d.AdminURL).QueryRow(ctx, "SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0").Scan(&rows, &versions); err != nil {
			t.Fatal(err)
		}
		if rows != len(all) || versions != len(all) {
			t.Errorf("goose_db_version has %d rows of %d versions, want %d of %d", rows, versions, len(all), len(all))
		}
	})
	t.Run("a slow migration: the others wait for its run and apply nothing", func(t *testing.T) {
		d := dbtest.NewEmpty(t)
		set := migrationSet(map[string]string{
			"00001_runs.sql": "CREATE TABLE runs (version int NOT NULL);",
			"00002_slow.sql": "INSERT INTO runs VALUES (2); SELECT pg_sleep(0.5);",
			"00003_last.sql": "INSERT INTO runs VALUES (3);",
		})
		runs := migrateConcurrently(t, 3, func() ([]db.MigrationStatus, error) {
			return db.MigrateFS(ctx, d.OwnerURL, set, db.MigrateOptions{})
		})
		applied := 0
		for _, run := range runs {
			if len(run) != 0 && len(run) != 3 {
				t.Errorf("a run applied %d migrations, want all three or none", len(run))
			}
			applied += len(run)
		}
		if applied != 3 {
			t.Errorf("the runs applied %d migrations in all, want 3", applied)
		}
		var inserts int
		if err := connect(t, d.AdminURL).QueryRow(ctx, "SELECT count(*) FROM runs").Scan(&inserts); err != nil {
			t.Fatal(err)
		}
		if inserts != 2 {
			t.Errorf("runs has %d rows, want 2 (migrations 2 and 3 once each)", inserts)
		}
	})
}

func TestMigrateUpWaitsForTheMigrationLock(t *testing.T) {
	ctx := context.Background()
	d := dbtest.NewEmpty(t)
	other := connect(t, d.OwnerURL)
	if _, err := other.Exec(ctx, "SELECT pg_advisory_lock($1)", db.MigrationLockID); err != nil {
		t.Fatal(err)
	}
	set := migrationSet(map[string]string{"00001_t.sql": "CREATE TABLE t (id int);"})
	began := time.Now()
	_, err := db.MigrateFS(ctx, d.OwnerURL, set, db.MigrateOptions{LockWait: 300 * time.Millisecond})
	if !errors.Is(err, db.ErrMigrationLockBusy) {
		t.Fatalf("migrate up while another holds the lock: %v, want ErrMigrationLockBusy", err)
	}
	if waited := time.Since(began); waited < 300*time.Millisecond {
		t.Errorf("gave up after %v, want the 300ms of LockWait", waited)
	}
	released := make(chan struct{})
	go func() {
		defer close(released)
		time.Sleep(300 * time.Millisecond)
		other.Exec(ctx, "SELECT pg_advisory_unlock($1)", db.MigrationLockID)
	}()
	waits := 0
	applied, err := db.MigrateFS(ctx, d.OwnerURL, set, db.MigrateOptions{LockWait: 10 * time.Second, Waiting: func() { waits++ }})
	<-released
	if err != nil || len(applied) != 1 {
		t.Fatalf("after the other released the lock: applied %v, %v", applied, err)
	}
	if waits != 1 {
		t.Errorf("Waiting was called %d times, want once", waits)
	}
}

func TestMigrateUpSetsTimeouts(t *testing.T) {
	ctx := context.Background()
	seen := migrationSet(map[string]string{"00001_seen.sql": "CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS statement_timeout;"})
	for _, c := range []struct {
		name           string
		opts           db.MigrateOptions
		lock, statemnt string
	}{
		{"defaults", db.MigrateOptions{}, "5s", "10min"},
		{"configured", db.MigrateOptions{LockTimeout: 250 * time.Millisecond, StatementTimeout: 3 * time.Second}, "250ms", "3s"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := dbtest.NewEmpty(t)
			if _, err := db.MigrateFS(ctx, d.OwnerURL, seen, c.opts); err != nil {
				t.Fatal(err)
			}
			var lock, statement string
			if err := connect(t, d.AdminURL).QueryRow(ctx, "SELECT lock_timeout, statement_timeout FROM seen").Scan(&lock, &statement); err != nil {
				t.Fatal(err)
			}
			if lock != c.lock || statement != c.statemnt {
				t.Errorf("a migration ran with lock_timeout %s, statement_timeout %s; want %s, %s", lock, statement, c.lock, c.statemnt)
			}
		})
	}

	t.Run("a statement past statement_timeout fails its migration", func(t *testing.T) {
		d := dbtest.NewEmpty(t)
		slow := migrationSet(map[string]string{"00001_slow.sql": "CREATE TABLE t (id int); SELECT pg_sleep(5);"})
		began := time.Now()
		_, err := db.MigrateFS(ctx, d.OwnerURL, slow, db.MigrateOptions{StatementTimeout: 200 * time.Millisecond})
		if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "57014" {
			t.Fatalf("migrate up: %v, want a statement timeout (57014)", err)
		}
		if took := time.Since(began); took > 3*time.Second {
			t.Errorf("took %v, want about 200ms", took)
		}
		var exists bool
		connect(t, d.AdminURL).QueryRow(ctx, "SELECT to_regclass('t') IS NOT NULL").Scan(&exists)
		if exists {
			t.Error("the failed migration's table exists: its transaction was not rolled back")
		}
	})
}

// A migration that needs a table's lock while a long transaction holds it
// gives up after lock_timeout instead of queueing every request behind it,
// and is tried again RetryPause later.
func TestMigrateUpGivesUpOnABusyTable(t *testing.T) {
	ctx := context.Background()
	set := migrationSet(map[string]string{
		"00001_t.sql":      "CREATE TABLE t (id int);",
		"00002_column.sql": "ALTER TABLE t ADD COLUMN note text;",
	})
	setUp := func(t *testing.T) (*dbtest.Database, pgx.Tx) {
		d := dbtest.NewEmpty(t)
		if _, err := db.MigrateFS(ctx, d.OwnerURL, fstest.MapFS{"00001_t.sql": set["00001_t.sql"]}, db.MigrateOptions{}); err != nil {
			t.Fatal(err)
		}
		reader, err := connect(t, d.OwnerURL).Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reader.Exec(ctx, "SELECT * FROM t"); err != nil { // a long report, say
			t.Fatal(err)
		}
		return d, reader
	}
	hasNote := func(t *testing.T, d *dbtest.Database) bool {
		var has bool
		if err := connect(t, d.AdminURL).QueryRow(ctx, "SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_name = 't' AND column_name = 'note')").Scan(&has); err != nil {
			t.Fatal(err)
		}
		return has
	}

	t.Run("without retries it fails after lock_timeout, nothing changed", func(t *testing.T) {
		d, reader := setUp(t)
		defer reader.Rollback(ctx)
		began := time.Now()
		_, err := db.MigrateFS(ctx, d.OwnerURL, set, db.MigrateOptions{LockTimeout: 100 * time.Millisecond, LockRetries: -1})
		if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "55P03" {
			t.Fatalf("migrate up: %v, want a lock timeout (55P03)", err)
		}
		if took := time.Since(began); took > 3*time.Second {
			t.Errorf("took %v, want about 100ms", took)
		}
		if hasNote(t, d) {
			t.Error("the column was added")
		}
	})
	t.Run("it is tried again and applies once the transaction ends", func(t *testing.T) {
		d, reader := setUp(t)
		ended := make(chan struct{})
		go func() {
			defer close(ended)
			time.Sleep(400 * time.Millisecond)
			reader.Rollback(ctx)
		}()
		applied, err := db.MigrateFS(ctx, d.OwnerURL, set, db.MigrateOptions{LockTimeout: 100 * time.Millisecond, LockRetries: 20, RetryPause: 100 * time.Millisecond})
		<-ended
		if err != nil || len(applied) != 1 || applied[0].Version != 2 {
			t.Fatalf("migrate up: applied %v, %v; want 00002 once", applied, err)
		}
		if !hasNote(t, d) {
			t.Error("the column is missing")
		}
	})
}

package backup_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"marquee/branding/media"
	"marquee/branding/media/diskstore"
	"marquee/db"
	"marquee/db/backup"
	"marquee/db/dbtest"
)

// TestRiverWorksTheBackupJobs starts a real River client with the backup
// jobs: its periodic tick makes the scheduled backup at start, and a
// requested backup (the console's "create now") follows.
func TestRiverWorksTheBackupJobs(t *testing.T) {
	ctx := context.Background()
	src := dbtest.New(t)
	d := src.Open(t, db.Options{})
	mediaStore := diskMedia(t)
	seed(t, d, mediaStore)
	clk := newClock("2026-12-07T08:30:00Z")
	eng := &backup.Engine{Store: backup.Dir{Root: t.TempDir()}, DatabaseURL: src.OwnerURL, Media: mediaStore, Runs: runsOf(d), Now: clk.Now}
	pool, err := db.OpenPlatformPool(ctx, src.OwnerURL, 5)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	workers := river.NewWorkers()
	cfg := &river.Config{Workers: workers, FetchPollInterval: 100 * time.Millisecond, FetchCooldown: 50 * time.Millisecond}
	(&backup.Scheduler{Engine: eng}).Configure(workers, cfg, true)
	client, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer client.Stop(ctx)

	kinds := func() map[backup.Kind]int {
		list, err := eng.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := map[backup.Kind]int{}
		for _, b := range list {
			if b.State == backup.StateComplete {
				n[b.Kind]++
			}
		}
		return n
	}
	dbtest.WaitFor(t, 30*time.Second, func() bool { return kinds()[backup.KindScheduled] == 1 })

	clk.Add(time.Second) // a new ID
	var duplicate bool
	err = d.InPlatform(ctx, func(tx pgx.Tx) error {
		if _, err := backup.Request(ctx, client, tx); err != nil {
			return err
		}
		duplicate, err = backup.Request(ctx, client, tx) // a second click
		return err
	})
	if err != nil || !duplicate {
		t.Fatalf("Request: duplicate %v, %v; want the second click folded into the first", duplicate, err)
	}
	dbtest.WaitFor(t, 30*time.Second, func() bool { return kinds()[backup.KindManual] == 1 })
	if got := kinds(); got[backup.KindScheduled] != 1 || got[backup.KindManual] != 1 {
		t.Errorf("backups %v, want one of each kind", got)
	}
}

// stallingMedia blocks every Get until its context ends: a backup stops
// there, after its dump is stored.
type stallingMedia struct{ media.Store }

func (stallingMedia) Get(ctx context.Context, _ string) (io.ReadCloser, media.Object, error) {
	<-ctx.Done()
	return nil, media.Object{}, ctx.Err()
}

// TestKilledBackupProcess kills a process in the middle of a backup (its
// dump stored, its media not): the next tick knows it died (its lock went
// with it), records the run as failed, removes its files and makes the
// slot's backup.
func TestKilledBackupProcess(t *testing.T) {
	if os.Getenv("BACKUP_TEST_CHILD") != "" {
		runChild(t)
		return
	}
	ctx := context.Background()
	src := dbtest.New(t)
	d := src.Open(t, db.Options{})
	mediaDir := t.TempDir()
	mediaStore, err := diskstore.New(mediaDir)
	if err != nil {
		t.Fatal(err)
	}
	defer mediaStore.Close()
	seed(t, d, mediaStore)
	store := backup.Dir{Root: t.TempDir()}

	child := exec.Command(os.Args[0], "-test.run=^TestKilledBackupProcess$")
	child.Env = append(os.Environ(), "BACKUP_TEST_CHILD=1", "BACKUP_TEST_URL="+src.OwnerURL, "BACKUP_TEST_DIR="+store.Root)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	dbtest.WaitFor(t, 30*time.Second, func() bool {
		files, err := store.List(ctx, "")
		return err == nil && len(files) > 0
	})
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	runs := runsOf(d)
	if st, err := runs.Status(ctx, backup.Config{}, time.Now()); err != nil || st.Running == nil || st.Missed {
		t.Fatalf("status after the kill %+v, %v; want a run still marked running, so not missed yet", st, err)
	}
	eng := &backup.Engine{Store: store, DatabaseURL: src.OwnerURL, Media: mediaStore, Runs: runs}
	got, err := (&backup.Scheduler{Engine: eng}).Tick(ctx)
	if err != nil {
		t.Fatalf("Tick after the kill: %v", err)
	}
	if got.Created == nil || len(got.Pruned) != 1 || got.Pruned[0].State != backup.StateIncomplete {
		t.Errorf("tick %+v, want a new backup and the dead one's files pruned", got)
	}
	recent, err := runs.Recent(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != 2 || !recent[0].Succeeded || recent[1].Succeeded || !strings.Contains(recent[1].Error, "stopped before it finished") {
		t.Errorf("runs %+v, want the new success and the killed run failed", recent)
	}
	list, _ := eng.List(ctx)
	if len(list) != 1 || list[0].ID != got.Created.ID {
		t.Errorf("store holds %+v, want only the new backup", list)
	}
}

// runChild is the process TestKilledBackupProcess kills: a backup whose
// media copy never ends.
func runChild(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, os.Getenv("BACKUP_TEST_URL"), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng := &backup.Engine{Store: backup.Dir{Root: os.Getenv("BACKUP_TEST_DIR")}, DatabaseURL: os.Getenv("BACKUP_TEST_URL"),
		Media: stallingMedia{}, Runs: runsOf(d)}
	_, err = eng.Create(ctx, backup.KindScheduled)
	t.Fatalf("the backup ended (%v); it should have been killed", err)
}

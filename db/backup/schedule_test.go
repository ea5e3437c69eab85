package backup_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"marquee"
	"marquee/branding/media"
	"marquee/db"
	"marquee/db/backup"
	"marquee/db/dbtest"
)

// flakyMedia fails every Get while broken is set, as a media bucket that
// is away would.
type flakyMedia struct {
	media.Store
	broken atomic.Bool
}

func (f *flakyMedia) Get(ctx context.Context, key string) (io.ReadCloser, media.Object, error) {
	if f.broken.Load() {
		return nil, media.Object{}, marquee.Wrap(marquee.EUNAVAILABLE, "error.unavailable", errors.New("media bucket away"))
	}
	return f.Store.Get(ctx, key)
}

// TestSchedulerRunsOnTimeAndPrunes moves an injected clock through a day of
// the default schedule (every 4 h, 30 days, weekly for a year).
func TestSchedulerRunsOnTimeAndPrunes(t *testing.T) {
	ctx := context.Background()
	src := dbtest.New(t)
	d := src.Open(t, db.Options{})
	mediaStore := &flakyMedia{Store: diskMedia(t)}
	seed(t, d, mediaStore)
	store := backup.Dir{Root: t.TempDir()}
	clk := newClock("2026-12-07T00:02:00Z") // a Monday
	eng := &backup.Engine{Store: store, DatabaseURL: src.OwnerURL, Media: mediaStore, Runs: runsOf(d), Now: clk.Now}
	s := &backup.Scheduler{Engine: eng}

	weekly := putManifest(t, store, time.Date(2026, 10, 26, 0, 0, 0, 0, time.UTC), backup.KindScheduled)     // a Monday 42 days ago
	sameWeek := putManifest(t, store, time.Date(2026, 10, 27, 4, 0, 0, 0, time.UTC), backup.KindScheduled)   // its Tuesday
	tooOld := putManifest(t, store, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), backup.KindScheduled)      // 371 days
	recent := putManifest(t, store, time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC), backup.KindManual)       // 17 days
	abandoned := backup.NewID(time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC), backup.KindScheduled, "dead00") // files, no manifest
	if err := store.Put(ctx, abandoned+"/database.dump", strings.NewReader("half"), 4); err != nil {
		t.Fatal(err)
	}

	tick := func(t *testing.T, at string) backup.Tick {
		t.Helper()
		clk.Set(at)
		got, err := s.Tick(ctx)
		if err != nil {
			t.Fatalf("Tick at %s: %v", at, err)
		}
		return got
	}
	status := func(t *testing.T) backup.Status {
		t.Helper()
		st, err := eng.Runs.Status(ctx, s.Config, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	t.Run("the first tick backs up and prunes by the retention rules", func(t *testing.T) {
		got := tick(t, "2026-12-07T00:02:00Z")
		if got.Created == nil || got.Created.Kind != backup.KindScheduled || !got.Created.CreatedAt.Equal(clk.Now()) {
			t.Fatalf("created %+v, want a scheduled backup at %s", got.Created, clk)
		}
		if want := []string{tooOld, sameWeek, abandoned}; !slices.Equal(sorted(ids(got.Pruned)), sorted(want)) {
			t.Errorf("pruned %v, want %v", ids(got.Pruned), want)
		}
		list, err := eng.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{got.Created.ID, recent, weekly}; !slices.Equal(ids(list), want) {
			t.Errorf("left %v, want %v (newest first)", ids(list), want)
		}
	})

	t.Run("nothing more until the next slot", func(t *testing.T) {
		for _, at := range []string{"2026-12-07T00:07:00Z", "2026-12-07T02:00:00Z", "2026-12-07T03:59:59Z"} {
			if got := tick(t, at); got.Created != nil || got.Skipped != "done" {
				t.Errorf("at %s: %+v, want nothing created (done)", at, got)
			}
		}
		if st := status(t); st.Missed || !st.Next.Equal(time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)) {
			t.Errorf("status %+v, want not missed, next at 04:00", st)
		}
	})

	t.Run("the next slot's backup comes at its time", func(t *testing.T) {
		if got := tick(t, "2026-12-07T04:00:00Z"); got.Created == nil || !got.Created.CreatedAt.Equal(clk.Now()) {
			t.Errorf("at 04:00: %+v, want a backup", got)
		}
	})

	t.Run("a failed backup shows in the status, is retried after 30 minutes, and is missed after the grace", func(t *testing.T) {
		mediaStore.broken.Store(true)
		clk.Set("2026-12-07T08:01:00Z")
		if _, err := s.Tick(ctx); err == nil || !strings.Contains(err.Error(), "media bucket away") {
			t.Fatalf("Tick with the media away = %v, want its error", err)
		}
		st := status(t)
		if st.LastFailure == nil || !strings.Contains(st.LastFailure.Error, "media bucket away") || st.Missed {
			t.Errorf("status %+v (failure %+v), want the failure and not yet missed (within the grace)", st, st.LastFailure)
		}
		if got := tick(t, "2026-12-07T08:20:00Z"); got.Skipped != "failed recently" {
			t.Errorf("at 08:20: %+v, want no retry yet", got)
		}
		clk.Set("2026-12-07T09:05:00Z")
		if _, err := s.Tick(ctx); err == nil {
			t.Fatal("the retry at 09:05 succeeded with the media away")
		}
		if st := status(t); !st.Missed || !st.Due.Equal(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)) ||
			!st.LastSuccess.StartedAt.Equal(time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)) {
			t.Errorf("status at 09:05 %+v, want missed since 08:00, last success 04:00", st)
		}
		mediaStore.broken.Store(false)
		if got := tick(t, "2026-12-07T09:40:00Z"); got.Created == nil {
			t.Errorf("at 09:40 with the media back: %+v, want the backup", got)
		}
		if st := status(t); st.Missed || !st.LastSuccess.StartedAt.Equal(clk.Now()) {
			t.Errorf("status %+v, want not missed", st)
		}
		list, _ := eng.List(ctx)
		for _, b := range list {
			if b.State != backup.StateComplete {
				t.Errorf("the failed backups left %s behind", b.ID)
			}
		}
	})
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

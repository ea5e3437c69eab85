package jobs

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant"
)

// TestRetentionRunsOnTimeAndSurvivesAKilledWorker: with the clock
// injected, the sweep erases nothing before an event's retention period
// ends and erases it once the clock passes the end; an erasure whose
// worker was killed mid-job (left running) is not queued twice by the
// sweep, and River's rescuer runs it again.
func TestRetentionRunsOnTimeAndSurvivesAKilledWorker(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	closes := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
	event := func(slug string, closes time.Time) uuid.UUID {
		ev := dbtest.Event(t, database, slug, tenant.StatusActive, branding.DefaultColours)
		p := dbtest.SizedProduct(t, database, ev.ID, "Hoodie")
		dbtest.PlaceOrder(t, database, ev.ID, p, 1, "Ada Quillfeather")
		dbtest.Exec(t, d.AdminURL, "UPDATE tenants SET closes_at = $1 WHERE id = $2", closes, ev.ID)
		return ev.ID
	}
	// The killed worker's event is due from the start: only the rescued
	// job may erase it, since the sweep cannot queue it twice.
	onTime, killed := event("ontime", closes), event("killed", closes.AddDate(0, 0, -30))
	kept := func(id uuid.UUID) int {
		return dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM orders WHERE tenant_id = $1 AND name = 'Ada Quillfeather'", id)
	}
	var clock atomic.Pointer[time.Time]
	set := func(at time.Time) { clock.Store(&at) }
	set(closes.AddDate(0, 0, 89))
	retention := &Retention{Store: database, Now: func() time.Time { return *clock.Load() }, Every: 300 * time.Millisecond}

	pool, err := db.OpenPlatformPool(ctx, d.OwnerURL, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	workers, err := NewWorkers(pool, &Deps{Store: database, Log: log}, Options{Workers: 2, PollInterval: 100 * time.Millisecond,
		JobTimeout: time.Second, RescueAfter: 2 * time.Second, Retention: retention})
	if err != nil {
		t.Fatal(err)
	}
	// As a worker killed while erasing leaves its job: running, attempted
	// a minute ago, by a client that is gone.
	if _, err := workers.Insert(ctx, RetentionEraseArgs{TenantID: killed}, eraseOnce()); err != nil {
		t.Fatal(err)
	}
	dbtest.Exec(t, d.AdminURL, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 minute',
		attempted_by = ARRAY['a-killed-worker'] WHERE kind = 'retention_erase'`)
	if err := workers.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = workers.Stop(stopCtx)
	})

	time.Sleep(1500 * time.Millisecond) // several sweeps, the first at start
	if kept(onTime) != 1 {
		t.Fatal("the event was erased before its retention period ended")
	}
	set(closes.AddDate(0, 0, 90))
	dbtest.WaitFor(t, 10*time.Second, func() bool { return kept(onTime) == 0 })
	dbtest.WaitFor(t, 90*time.Second, func() bool { return kept(killed) == 0 })
	// River records the job's completion just after the erasure commits.
	dbtest.WaitFor(t, 10*time.Second, func() bool {
		return dbtest.CountRows(t, d.AdminURL, `SELECT count(*) FROM river_job WHERE kind = 'retention_erase' AND args->>'tenant_id' = $1::text
			AND attempt >= 2 AND state = 'completed'`, killed) == 1
	})
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM river_job WHERE kind = 'retention_erase' AND args->>'tenant_id' = $1::text", killed); n != 1 {
		t.Errorf("%d erasure jobs for the killed worker's event, want 1: the sweep queued it again", n)
	}
}

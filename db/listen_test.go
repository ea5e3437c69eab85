package db_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant"
)

// TestChangeReachesAnotherPoolWithinASecond plays two replicas: each has its
// own pool, resolver cache and listener. A change written through one is
// seen by the other's cache within a second.
func TestChangeReachesAnotherPoolWithinASecond(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := dbtest.New(t)
	writer := d.Open(t, db.Options{})
	reader := d.Open(t, db.Options{})
	ev := newTenant(t, writer, "replicated")
	resolver := tenant.NewResolver("shop.test", reader, tenant.MemoOptions{})
	listening := make(chan struct{}, 1)
	go reader.ListenTenantChanges(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), db.ChangeHandlers{
		Changed: resolver.Forget,
		Reset:   func() { resolver.ForgetAll(); listening <- struct{}{} },
	})
	<-listening

	got, err := resolver.Resolve(ctx, "replicated.shop.test")
	if err != nil || got.Status != tenant.StatusActive {
		t.Fatalf("first resolve: %+v, %v", got, err)
	}

	t.Run("a suspended event is re-resolved", func(t *testing.T) {
		if _, err := writer.SetTenantStatus(ctx, ev.ID, tenant.StatusSuspended); err != nil {
			t.Fatal(err)
		}
		waitFor(t, time.Second, func() bool {
			got, err := resolver.Resolve(ctx, "replicated.shop.test")
			return err == nil && got.Status == tenant.StatusSuspended
		})
	})

	t.Run("a new event answers after a remembered miss", func(t *testing.T) {
		if _, err := resolver.Resolve(ctx, "newcomer.shop.test"); err != tenant.ErrUnknownHost {
			t.Fatalf("before creation: want unknown host, got %v", err)
		}
		newTenant(t, writer, "newcomer")
		waitFor(t, time.Second, func() bool {
			_, err := resolver.Resolve(ctx, "newcomer.shop.test")
			return err == nil
		})
	})

	t.Run("a renamed event is re-resolved", func(t *testing.T) {
		if _, err := writer.RenameTenant(ctx, ev.ID, "Renamed"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, time.Second, func() bool {
			got, err := resolver.Resolve(ctx, "replicated.shop.test")
			return err == nil && got.Name == "Renamed"
		})
	})
}

// waitFor polls cond until it holds or within passes.
func waitFor(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	dbtest.WaitFor(t, within, cond)
}

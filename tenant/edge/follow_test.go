package edge_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"marquee/branding"
	"marquee/db/dbtest"
	"marquee/tenant"
	"marquee/tenant/edge"
)

// TestFollowingForgetsTheNamesAnEventLost: the edge, deciding from the
// directory of events, serves an event's name from memory until Following
// hears that the event changed; then the name the event lost is refused
// at the next handshake, and the directory reloads on a reconnection.
func TestFollowingForgetsTheNamesAnEventLost(t *testing.T) {
	const name = "devcon.shop.test"
	ca := newCA(t)
	_, database := newDatabase(t)
	ctx := context.Background()
	ev := dbtest.Event(t, database, "devcon", tenant.StatusActive, branding.DefaultColours)
	dir := tenant.NewDirectory("shop.test", database)
	if err := dir.Load(ctx); err != nil {
		t.Fatal(err)
	}
	r := startEdge(t, ca, newStorage(t, database), allow(), replicaOptions{config: func(c *edge.Config) { c.Allow = dir.Allow }})
	follow := edge.Following{Ctx: ctx, Directory: dir, Edge: r.Edge, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued); err != nil {
		t.Fatalf("an active event's name: %v", err)
	}
	if _, err := database.SetTenantStatus(ctx, ev.ID, tenant.StatusArchived); err != nil {
		t.Fatal(err)
	}
	if _, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued); err != nil {
		t.Fatalf("before the change is heard the certificate in memory is served; got %v", err)
	}
	follow.Forget(ev.ID)
	if _, err := handshake(within(t, time.Minute), r.HTTPS, name, ca.Issued); err == nil || !strings.Contains(err.Error(), refusedAlert) {
		t.Errorf("after the change: %v, want %q", err, refusedAlert)
	}
	t.Run("a reconnection reloads the directory", func(t *testing.T) {
		if _, err := database.SetTenantStatus(ctx, ev.ID, tenant.StatusActive); err != nil {
			t.Fatal(err)
		}
		if err := dir.Allow(ctx, name); err == nil {
			t.Fatal("the directory allowed the name before it was told")
		}
		follow.ForgetAll()
		if err := dir.Allow(ctx, name); err != nil {
			t.Errorf("after ForgetAll: %v, want the reopened event's name allowed", err)
		}
	})
}

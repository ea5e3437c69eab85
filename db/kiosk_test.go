package db_test

import (
	"context"
	"testing"
	"time"

	"marquee"
	"marquee/branding"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// TestKioskDevices: a device link's secret is returned once and stored as
// a hash; it finds its device on its own event only; the device is seen
// at most once a minute; revoking keeps the row, ends the link and is in
// the audit log.
func TestKioskDevices(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	database := d.Open(t, db.Options{})
	now := time.Date(2027, 4, 9, 10, 0, 0, 0, time.UTC)
	database.Now = func() time.Time { return now }
	colours := branding.Colours{Primary: "#1d4ed8", Accent: "#f59e0b", Background: "#ffffff", Text: "#111827"}
	ev := dbtest.Event(t, database, "devcon", tenant.StatusActive, colours)
	other := dbtest.Event(t, database, "other", tenant.StatusActive, colours)
	crew := staff.Staff{ID: dbtest.Member(t, db.NewStaffStore(database, staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}}),
		"crew@example.com", "Crew", false, ev, staff.RoleOwner).ID, Email: "crew@example.com"}

	dev, secret, err := database.IssueKioskDevice(ctx, ev.ID, crew, "Stand A")
	if err != nil || len(secret) != 43 || dev.Name != "Stand A" || dev.CreatedBy != "crew@example.com" || dev.Revoked() {
		t.Fatalf("IssueKioskDevice = %+v, %q, %v", dev, secret, err)
	}
	if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM kiosk_devices WHERE token_hash = $1", staff.HashToken(secret)); n != 1 {
		t.Fatalf("%d rows keep the secret's hash, want 1", n)
	}

	t.Run("the secret finds its device, and marks it seen at most once a minute", func(t *testing.T) {
		got, err := database.KioskDeviceByToken(ctx, ev.ID, secret)
		if err != nil || got.ID != dev.ID || got.LastSeenAt != nil {
			t.Fatalf("KioskDeviceByToken = %+v, %v (the row as read before it was marked)", got, err)
		}
		now = now.Add(30 * time.Second)
		if _, err := database.KioskDeviceByToken(ctx, ev.ID, secret); err != nil {
			t.Fatal(err)
		}
		seen, err := database.KioskDevice(ctx, ev.ID, dev.ID)
		if err != nil || seen.LastSeenAt == nil || !seen.LastSeenAt.Equal(now.Add(-30*time.Second)) {
			t.Fatalf("seen at %v (%v), want the first look at %v", seen.LastSeenAt, err, now.Add(-30*time.Second))
		}
		now = now.Add(time.Minute)
		if _, err := database.KioskDeviceByToken(ctx, ev.ID, secret); err != nil {
			t.Fatal(err)
		}
		if seen, _ = database.KioskDevice(ctx, ev.ID, dev.ID); !seen.LastSeenAt.Equal(now) {
			t.Fatalf("seen at %v, want %v", seen.LastSeenAt, now)
		}
	})

	t.Run("another event's device and a made-up secret are not found", func(t *testing.T) {
		for name, call := range map[string]func() error{
			"the secret on another event": func() error { _, err := database.KioskDeviceByToken(ctx, other.ID, secret); return err },
			"a secret of the wrong shape": func() error { _, err := database.KioskDeviceByToken(ctx, ev.ID, "nope"); return err },
			"a well-formed unknown secret": func() error {
				plain, _ := staff.NewToken()
				_, err := database.KioskDeviceByToken(ctx, ev.ID, plain)
				return err
			},
			"the device by id on another event": func() error { _, err := database.KioskDevice(ctx, other.ID, dev.ID); return err },
			"revoking it from another event":    func() error { _, err := database.RevokeKioskDevice(ctx, other.ID, crew, dev.ID); return err },
		} {
			if err := call(); marquee.ErrorCode(err) != marquee.ENOTFOUND {
				t.Errorf("%s: %v, want not found", name, err)
			}
		}
		if got, _ := database.KioskDevice(ctx, ev.ID, dev.ID); got.Revoked() {
			t.Fatal("revoking from another event revoked it")
		}
	})

	t.Run("revoking ends the link, keeps the row and is in the audit log", func(t *testing.T) {
		now = now.Add(time.Hour)
		r, err := database.RevokeKioskDevice(ctx, ev.ID, crew, dev.ID)
		if err != nil || r.RevokedAt == nil || !r.RevokedAt.Equal(now) {
			t.Fatalf("RevokeKioskDevice = %+v, %v", r, err)
		}
		revokedAt := now
		now = now.Add(time.Hour)
		if r, err = database.RevokeKioskDevice(ctx, ev.ID, crew, dev.ID); err != nil || !r.RevokedAt.Equal(revokedAt) {
			t.Fatalf("revoked again: %v, %v; want the first time kept", r.RevokedAt, err)
		}
		got, err := database.KioskDeviceByToken(ctx, ev.ID, secret)
		if err != nil || !got.Revoked() {
			t.Fatalf("the revoked device by its secret: %+v, %v", got, err)
		}
		list, err := database.KioskDevices(ctx, ev.ID)
		if err != nil || len(list) != 1 || !list[0].Revoked() {
			t.Fatalf("KioskDevices = %+v, %v", list, err)
		}
		for action, want := range map[string]int{"kiosk_issued": 1, "kiosk_revoked": 2} {
			if n := dbtest.CountRows(t, d.AdminURL, "SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = $2 AND subject = 'Stand A' AND actor_staff_id = $3",
				ev.ID, action, crew.ID); n != want {
				t.Errorf("%d audit entries %s, want %d", n, action, want)
			}
		}
	})
}

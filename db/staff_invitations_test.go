package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/tenant/staff"
)

func TestInvitation(t *testing.T) {
	ctx := context.Background()
	database, store := newStaffStore(t)
	event := newTenant(t, database, "devcon")
	owner := newStaffWithPassword(t, store, "owner@example.com")
	invite := func(t *testing.T, email string, now time.Time) string {
		t.Helper()
		token, err := store.Invite(ctx, uuid.NullUUID{UUID: owner.ID, Valid: true}, email, event.ID, staff.RoleMarketing, now)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}

	t.Run("is accepted once", func(t *testing.T) {
		token := invite(t, "Mia@Example.com", t0)
		_, err := store.AcceptInvite(ctx, token, "Mia", "short", t0)
		wantMessage(t, err, "staff.password_too_short") // and the link stays usable:
		mia, err := store.AcceptInvite(ctx, token, "Mia", goodPassword, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if mia.Email != "mia@example.com" || mia.Name != "Mia" || !mia.PasswordSet {
			t.Fatalf("accepted as %+v", mia)
		}
		ms, err := store.Memberships(ctx, mia.ID)
		if err != nil || len(ms) != 1 || ms[0] != (staff.Membership{TenantID: event.ID, Role: staff.RoleMarketing}) {
			t.Fatalf("memberships %+v, %v", ms, err)
		}
		login(t, store, "mia@example.com", "192.0.2.1", t0.Add(time.Hour))
		_, err = store.AcceptInvite(ctx, token, "Mia", goodPassword, t0.Add(time.Hour))
		wantMessage(t, err, "staff.link_invalid")
	})
	t.Run("an expired invitation is refused", func(t *testing.T) {
		token := invite(t, "late@example.com", t0)
		_, err := store.AcceptInvite(ctx, token, "Late", goodPassword, t0.Add(store.Policy().InviteTTL))
		wantMessage(t, err, "staff.link_invalid")
	})
	t.Run("an existing account keeps its password", func(t *testing.T) {
		other := newTenant(t, database, "gophercamp")
		token, err := store.Invite(ctx, uuid.NullUUID{}, "owner@example.com", other.ID, staff.RoleFulfilment, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.AcceptInvite(ctx, token, "", "", t0); err != nil {
			t.Fatal(err)
		}
		login(t, store, "owner@example.com", "192.0.2.1", t0)
		ms, _ := store.Memberships(ctx, owner.ID)
		if len(ms) != 1 || ms[0].TenantID != other.ID || ms[0].Role != staff.RoleFulfilment {
			t.Fatalf("memberships %+v", ms)
		}
	})
	t.Run("a reset link is no invitation", func(t *testing.T) {
		token, _ := store.RequestReset(ctx, "owner@example.com", t0)
		_, err := store.AcceptInvite(ctx, token, "X", goodPassword, t0)
		wantMessage(t, err, "staff.link_invalid")
	})
	t.Run("to an unknown event is not found", func(t *testing.T) {
		_, err := store.Invite(ctx, uuid.NullUUID{}, "x@example.com", uuid.New(), staff.RoleOwner, t0)
		if marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Fatalf("got %v", err)
		}
	})
}

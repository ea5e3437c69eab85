package db_test

import (
	"context"
	"testing"

	"marquee"
	"marquee/tenant/staff"
)

func TestAuditLog(t *testing.T) {
	ctx := context.Background()
	database, store := newStaffStore(t)
	event, other := newTenant(t, database, "devcon"), newTenant(t, database, "gophercamp")
	boss := newStaffWithPassword(t, store, "boss@example.com")
	ada := newStaffWithPassword(t, store, "ada@example.com")

	token := login(t, store, "ada@example.com", "192.0.2.9", t0)
	if err := store.Logout(ctx, token); err != nil {
		t.Fatal(err)
	}
	for _, r := range []staff.Role{staff.RoleMarketing, staff.RoleOwner, staff.RoleOwner} {
		if err := store.SetRole(ctx, boss.ID, event.ID, ada.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.SetRole(ctx, boss.ID, other.ID, ada.ID, staff.RoleFulfilment); err != nil {
		t.Fatal(err)
	}
	if err := store.SetRole(ctx, boss.ID, event.ID, ada.ID, "admin"); marquee.ErrorMessage(err) != "staff.role_unknown" {
		t.Fatalf("unknown role: %v", err)
	}

	all, err := store.AuditLog(ctx, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	byAction := map[string][]staff.AuditEntry{}
	for _, e := range all {
		byAction[e.Action] = append(byAction[e.Action], e)
	}
	t.Run("login and logout are platform entries", func(t *testing.T) {
		for _, action := range []string{staff.ActionLogin, staff.ActionLogout} {
			es := byAction[action]
			if len(es) != 1 || es[0].ActorID.UUID != ada.ID || es[0].Subject != staff.Subject(ada.ID) || es[0].TenantID.Valid {
				t.Fatalf("%s entries: %+v", action, es)
			}
		}
		if ip := byAction[staff.ActionLogin][0].IP; ip != "192.0.2.9" {
			t.Fatalf("login from %q, want 192.0.2.9", ip)
		}
	})
	t.Run("each role change is one entry with the old and new role", func(t *testing.T) {
		changes := byAction[staff.ActionRoleChanged] // newest first
		if len(changes) != 3 {
			t.Fatalf("%d role changes, want 3 (setting the same role again is none): %+v", len(changes), changes)
		}
		got := changes[1]
		if got.TenantID.UUID != event.ID || got.ActorID.UUID != boss.ID || got.Detail["old"] != "marketing" || got.Detail["new"] != "owner" {
			t.Fatalf("role change %+v", got)
		}
	})
	t.Run("an event's log holds only its own entries", func(t *testing.T) {
		own, err := store.AuditLog(ctx, &event.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(own) != 2 {
			t.Fatalf("event log has %d entries, want its 2 role changes: %+v", len(own), own)
		}
		for _, e := range own {
			if e.TenantID.UUID != event.ID {
				t.Fatalf("event log holds %+v", e)
			}
		}
	})
}

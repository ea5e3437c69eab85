package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant/staff"
)

func TestSearchAudit(t *testing.T) {
	ctx := context.Background()
	clock := t0
	database := dbtest.New(t).Open(t, db.Options{})
	database.Now = func() time.Time { return clock }
	store := db.NewStaffStore(database, staff.Policy{Password: cheapHashing})
	event, other := newTenant(t, database, "devcon"), newTenant(t, database, "gophercamp")
	boss := newStaffWithPassword(t, store, "boss@example.com")
	ada := newStaffWithPassword(t, store, "ada@example.com")
	login(t, store, "ada@example.com", "192.0.2.9", t0)
	// Three days of entries in devcon (one a day, by ada, then boss, then
	// ada) and one in gophercamp.
	for i, who := range []uuid.UUID{ada.ID, boss.ID, ada.ID} {
		clock = t0.AddDate(0, 0, i)
		if err := database.AuditOrderAccess(ctx, event.ID, who, "order_viewed", "D-0000"+string(rune('1'+i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.SetRole(ctx, boss.ID, event.ID, ada.ID, staff.RoleOwner); err != nil {
		t.Fatal(err)
	}
	if err := database.AuditOrderAccess(ctx, other.ID, ada.ID, "order_viewed", "G-00001"); err != nil {
		t.Fatal(err)
	}
	search := func(t *testing.T, f staff.AuditFilter) []staff.AuditLine {
		t.Helper()
		lines, err := store.SearchAudit(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return lines
	}
	devcon := uuid.NullUUID{UUID: event.ID, Valid: true}

	t.Run("an event's search holds only its entries, newest first, with names", func(t *testing.T) {
		lines := search(t, staff.AuditFilter{TenantID: devcon})
		if len(lines) != 4 {
			t.Fatalf("%d lines, want devcon's 4: %+v", len(lines), lines)
		}
		role := lines[0]
		if role.Action != staff.ActionRoleChanged || role.ActorEmail != "boss@example.com" || role.SubjectEmail != "ada@example.com" || role.EventSlug != "devcon" {
			t.Fatalf("newest line %+v", role)
		}
		for _, l := range lines {
			if l.TenantID.UUID != event.ID {
				t.Fatalf("devcon's search holds %+v", l)
			}
		}
	})
	t.Run("every filter narrows the search", func(t *testing.T) {
		cases := []struct {
			name string
			f    staff.AuditFilter
			want []string // subjects, newest first
		}{
			{"by actor", staff.AuditFilter{TenantID: devcon, ActorEmail: "ADA@example.com", Action: "order_viewed"}, []string{"D-00003", "D-00001"}},
			{"by action", staff.AuditFilter{TenantID: devcon, Action: "order_viewed"}, []string{"D-00003", "D-00002", "D-00001"}},
			{"by date range", staff.AuditFilter{TenantID: devcon, Action: "order_viewed", From: t0.AddDate(0, 0, 1), Until: t0.AddDate(0, 0, 2)}, []string{"D-00002"}},
			{"every event's", staff.AuditFilter{Action: "order_viewed", ActorEmail: "ada@example.com"}, []string{"G-00001", "D-00003", "D-00001"}},
			{"an actor no account has", staff.AuditFilter{ActorEmail: "nobody@example.com"}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var got []string
				for _, l := range search(t, c.f) {
					got = append(got, l.Subject)
				}
				if len(got) != len(c.want) {
					t.Fatalf("subjects %v, want %v", got, c.want)
				}
				for i := range got {
					if got[i] != c.want[i] {
						t.Fatalf("subjects %v, want %v", got, c.want)
					}
				}
			})
		}
	})
	t.Run("pages follow one another without a gap or an overlap", func(t *testing.T) {
		first := search(t, staff.AuditFilter{TenantID: devcon, Limit: 3})
		rest := search(t, staff.AuditFilter{TenantID: devcon, Limit: 3, BeforeID: first[2].ID})
		if len(first) != 3 || len(rest) != 1 || rest[0].Subject != "D-00001" {
			t.Fatalf("pages %+v then %+v", first, rest)
		}
	})
	t.Run("the platform's search holds the platform's entries too", func(t *testing.T) {
		lines := search(t, staff.AuditFilter{Action: staff.ActionLogin})
		if len(lines) != 1 || lines[0].TenantID.Valid || lines[0].ActorEmail != "ada@example.com" || lines[0].IP != "192.0.2.9" {
			t.Fatalf("logins %+v", lines)
		}
	})
	t.Run("an export is recorded in the log it was taken from", func(t *testing.T) {
		if err := store.RecordAuditExport(ctx, devcon, boss.ID, "action=order_viewed"); err != nil {
			t.Fatal(err)
		}
		if err := store.RecordAuditExport(ctx, uuid.NullUUID{}, ada.ID, ""); err != nil {
			t.Fatal(err)
		}
		own := search(t, staff.AuditFilter{TenantID: devcon, Action: staff.ActionAuditExported})
		all := search(t, staff.AuditFilter{Action: staff.ActionAuditExported})
		if len(own) != 1 || own[0].ActorEmail != "boss@example.com" || own[0].Subject != "action=order_viewed" || len(all) != 2 || all[0].TenantID.Valid {
			t.Fatalf("devcon's exports %+v, all %+v", own, all)
		}
	})
}

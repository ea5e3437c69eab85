package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db"
	"marquee/db/dbtest"
	"marquee/tenant/staff"
)

// cheapHashing keeps these tests fast; the default cost is tested in
// tenant/staff.
var cheapHashing = staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}

// t0 is the injected clock's start: far from the real time, so a test that
// forgot to inject it would fail.
var t0 = time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC)

const goodPassword = "a long enough passphrase"

func newStaffStore(t *testing.T) (*db.DB, *db.StaffStore) {
	t.Helper()
	database := dbtest.New(t).Open(t, db.Options{})
	return database, db.NewStaffStore(database, staff.Policy{Password: cheapHashing})
}

// newStaffWithPassword creates an account that can sign in with goodPassword.
func newStaffWithPassword(t *testing.T, store *db.StaffStore, email string) staff.Staff {
	t.Helper()
	ctx := context.Background()
	s, err := store.CreateStaff(ctx, email, "Staff "+email, false)
	if err != nil {
		t.Fatalf("create staff %s: %v", email, err)
	}
	if err := store.SetPassword(ctx, s.ID, goodPassword, ""); err != nil {
		t.Fatalf("set password of %s: %v", email, err)
	}
	return s
}

func login(t *testing.T, store *db.StaffStore, email, ip string, now time.Time) string {
	t.Helper()
	token, _, err := store.Login(context.Background(), email, goodPassword, ip, "test-agent", now)
	if err != nil {
		t.Fatalf("login %s from %s: %v", email, ip, err)
	}
	return token
}

// wantMessage fails unless err carries the message ID (or is nil for "").
func wantMessage(t *testing.T, err error, message string) {
	t.Helper()
	got := ""
	if err != nil {
		got = marquee.ErrorMessage(err)
	}
	if got != message {
		t.Fatalf("got %v (message %q), want message %q", err, got, message)
	}
}

func wantSession(t *testing.T, store *db.StaffStore, token string, now time.Time, live bool) staff.Session {
	t.Helper()
	_, sess, err := store.Session(context.Background(), token, now)
	switch {
	case live && err != nil:
		t.Fatalf("session at %s: %v, want live", now.Sub(t0), err)
	case !live && marquee.ErrorCode(err) != marquee.ENOTFOUND:
		t.Fatalf("session at %s: %v, want ENOTFOUND", now.Sub(t0), err)
	}
	return sess
}

func TestSetPasswordSignsOutEverywhere(t *testing.T) {
	ctx := context.Background()
	_, store := newStaffStore(t)
	ada := newStaffWithPassword(t, store, "ada@example.com")
	laptop := login(t, store, "ada@example.com", "192.0.2.1", t0)
	phone := login(t, store, "ada@example.com", "192.0.2.2", t0)

	if err := store.SetPassword(ctx, ada.ID, "short", "192.0.2.1"); marquee.ErrorMessage(err) != "staff.password_too_short" {
		t.Fatalf("short password: %v", err)
	}
	wantSession(t, store, laptop, t0, true) // a refused change signs nobody out

	if err := store.SetPassword(ctx, ada.ID, "an entirely new passphrase", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	t.Run("every session ends, this browser's included", func(t *testing.T) {
		wantSession(t, store, laptop, t0, false)
		wantSession(t, store, phone, t0, false)
	})
	t.Run("the old password no longer works, the new one does", func(t *testing.T) {
		_, _, err := store.Login(ctx, "ada@example.com", goodPassword, "192.0.2.1", "", t0)
		wantMessage(t, err, "staff.login_failed")
		if _, _, err := store.Login(ctx, "ada@example.com", "an entirely new passphrase", "192.0.2.1", "", t0); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("an unknown account is not found", func(t *testing.T) {
		if err := store.SetPassword(ctx, uuid.New(), goodPassword, ""); marquee.ErrorCode(err) != marquee.ENOTFOUND {
			t.Fatalf("got %v", err)
		}
	})
}

func TestCreateStaff(t *testing.T) {
	ctx := context.Background()
	_, store := newStaffStore(t)
	ada, err := store.CreateStaff(ctx, " Ada@Example.com ", "Ada", true)
	if err != nil {
		t.Fatal(err)
	}
	if ada.Email != "ada@example.com" || !ada.PlatformAdmin || ada.PasswordSet {
		t.Fatalf("created %+v", ada)
	}
	_, err = store.CreateStaff(ctx, "ADA@example.com", "Ada again", false)
	if marquee.ErrorCode(err) != marquee.ECONFLICT || marquee.ErrorMessage(err) != "staff.email_taken" {
		t.Fatalf("second account with the same email: %v", err)
	}
	_, _, err = store.Login(ctx, "ada@example.com", "", "192.0.2.1", "", t0)
	wantMessage(t, err, "staff.login_failed") // no password yet: nothing signs in
}

func TestStaffTablesAreHiddenFromTheAppRole(t *testing.T) {
	ctx := context.Background()
	database, store := newStaffStore(t)
	event, other := newTenant(t, database, "devcon"), newTenant(t, database, "gophercamp")
	ada := newStaffWithPassword(t, store, "ada@example.com")
	login(t, store, "ada@example.com", "192.0.2.1", t0)
	if _, err := store.Invite(ctx, uuid.NullUUID{}, "mia@example.com", event.ID, staff.RoleMarketing, t0); err != nil {
		t.Fatal(err)
	}
	if err := store.SetRole(ctx, ada.ID, event.ID, ada.ID, staff.RoleOwner); err != nil {
		t.Fatal(err)
	}

	t.Run("platform tables refuse the app role outright", func(t *testing.T) {
		for _, table := range []string{"staff", "staff_sessions", "staff_tokens", "login_attempts"} {
			for name, run := range map[string]func(func(pgx.Tx) error) error{
				"outside any tenant": func(fn func(pgx.Tx) error) error {
					return pgx.BeginFunc(ctx, database.Pool, func(tx pgx.Tx) error {
						if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+db.AppRole); err != nil {
							return err
						}
						return fn(tx)
					})
				},
				"in a tenant": func(fn func(pgx.Tx) error) error { return database.InTenant(ctx, event.ID, fn) },
			} {
				var n int
				err := run(func(tx pgx.Tx) error { return tx.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n) })
				if pgCode(err) != "42501" {
					t.Errorf("%s %s: %d rows, err %v; want permission denied", table, name, n, err)
				}
			}
		}
	})
	t.Run("event tables show the app role nothing outside its event", func(t *testing.T) {
		for _, table := range []string{"memberships", "audit_log"} {
			var outside, elsewhere, inside int
			if err := dbtest.QueryRowAsApp(ctx, database, "SELECT count(*) FROM "+table, &outside); err != nil {
				t.Fatal(err)
			}
			count := func(id uuid.UUID, n *int) error {
				return database.InTenant(ctx, id, func(tx pgx.Tx) error {
					return tx.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(n)
				})
			}
			if err := count(other.ID, &elsewhere); err != nil {
				t.Fatal(err)
			}
			if err := count(event.ID, &inside); err != nil {
				t.Fatal(err)
			}
			if outside != 0 || elsewhere != 0 || inside == 0 {
				t.Errorf("%s: %d rows outside a tenant, %d in another event, %d in its own; want 0, 0, some", table, outside, elsewhere, inside)
			}
		}
	})
	t.Run("nobody rewrites the audit log", func(t *testing.T) {
		for name, run := range map[string]func(func(pgx.Tx) error) error{
			"app":      func(fn func(pgx.Tx) error) error { return database.InTenant(ctx, event.ID, fn) },
			"platform": func(fn func(pgx.Tx) error) error { return database.InPlatform(ctx, fn) },
		} {
			for _, stmt := range []string{"UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log"} {
				err := run(func(tx pgx.Tx) error { _, err := tx.Exec(ctx, stmt); return err })
				if pgCode(err) != "42501" {
					t.Errorf("%s: %s: %v, want permission denied", name, stmt, err)
				}
			}
		}
	})
}

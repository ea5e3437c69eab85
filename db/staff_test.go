package db_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
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

func TestLoginStartsAFreshSession(t *testing.T) {
	_, store := newStaffStore(t)
	ada := newStaffWithPassword(t, store, "ada@example.com")
	planted, _ := staff.NewToken() // e.g. set by an attacker on the victim's browser

	t.Run("a token from before the login is no session", func(t *testing.T) {
		wantSession(t, store, planted, t0, false)
	})
	token := login(t, store, "Ada@Example.com", "192.0.2.1", t0)
	t.Run("the session token after login is a new one", func(t *testing.T) {
		if token == planted || token == "" {
			t.Fatalf("login returned %q", token)
		}
		who, sess, err := store.Session(context.Background(), token, t0)
		if err != nil || who.ID != ada.ID || sess.StaffID != ada.ID {
			t.Fatalf("session of the new token: %+v %+v %v", who, sess, err)
		}
	})
	t.Run("the token from before stays invalid", func(t *testing.T) {
		wantSession(t, store, planted, t0, false)
	})
	t.Run("each login gets its own token", func(t *testing.T) {
		again := login(t, store, "ada@example.com", "192.0.2.1", t0.Add(time.Minute))
		if again == token {
			t.Fatal("second login returned the first token")
		}
		wantSession(t, store, token, t0.Add(time.Minute), true)
		wantSession(t, store, again, t0.Add(time.Minute), true)
	})
}

func TestLogoutRevokesOnTheServer(t *testing.T) {
	ctx := context.Background()
	_, store := newStaffStore(t)
	newStaffWithPassword(t, store, "ada@example.com")
	token := login(t, store, "ada@example.com", "192.0.2.1", t0)
	other := login(t, store, "ada@example.com", "192.0.2.1", t0)
	if err := store.Logout(ctx, token); err != nil {
		t.Fatal(err)
	}
	t.Run("the token no longer resolves, though the browser still has it", func(t *testing.T) {
		wantSession(t, store, token, t0, false)
	})
	t.Run("other sessions stay", func(t *testing.T) {
		wantSession(t, store, other, t0, true)
	})
	t.Run("logging out again does nothing", func(t *testing.T) {
		if err := store.Logout(ctx, token); err != nil {
			t.Fatal(err)
		}
		if err := store.Logout(ctx, "not a token"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSessionTimeouts(t *testing.T) {
	_, store := newStaffStore(t)
	newStaffWithPassword(t, store, "ada@example.com")
	p := store.Policy()

	t.Run("an idle session ends after the idle timeout", func(t *testing.T) {
		token := login(t, store, "ada@example.com", "192.0.2.1", t0)
		wantSession(t, store, token, t0.Add(p.IdleTimeout), true)
		used := t0.Add(p.IdleTimeout)
		wantSession(t, store, token, used.Add(p.IdleTimeout), true)
		wantSession(t, store, token, used.Add(2*p.IdleTimeout+time.Second), false)
	})
	t.Run("a timed-out session stays ended, even for a replica whose clock is behind", func(t *testing.T) {
		token := login(t, store, "ada@example.com", "192.0.2.1", t0)
		wantSession(t, store, token, t0.Add(p.IdleTimeout+time.Second), false)
		wantSession(t, store, token, t0.Add(time.Minute), false)
	})
	t.Run("a busy session ends at the absolute timeout", func(t *testing.T) {
		token := login(t, store, "ada@example.com", "192.0.2.1", t0)
		now := t0
		for now.Before(t0.Add(p.AbsoluteTimeout)) {
			wantSession(t, store, token, now, true)
			now = now.Add(p.IdleTimeout - time.Minute)
		}
		wantSession(t, store, token, t0.Add(p.AbsoluteTimeout), false)
	})
	t.Run("activity is written at most once a minute", func(t *testing.T) {
		token := login(t, store, "ada@example.com", "192.0.2.1", t0)
		if s := wantSession(t, store, token, t0.Add(30*time.Second), true); !s.LastSeenAt.Equal(t0) {
			t.Fatalf("last seen %s after 30 s, want the login time", s.LastSeenAt)
		}
		if s := wantSession(t, store, token, t0.Add(61*time.Second), true); !s.LastSeenAt.Equal(t0.Add(61 * time.Second)) {
			t.Fatalf("last seen %s after 61 s, want then", s.LastSeenAt)
		}
	})
}

// TestLoginIsThrottled checks the threat model of docs/decisions.md
// ("Login throttling"): failures count per (account, client address) and
// per client address, never per account alone.
func TestLoginIsThrottled(t *testing.T) {
	ctx := context.Background()
	_, store := newStaffStore(t)
	p := store.Policy()
	for _, who := range []string{"ada", "bob", "cleo", "dan", "eve", "fay"} {
		newStaffWithPassword(t, store, who+"@example.com")
	}
	fail := func(t *testing.T, email, ip string, now time.Time) {
		t.Helper()
		_, _, err := store.Login(ctx, email, "wrong password!", ip, "", now)
		wantMessage(t, err, "staff.login_failed")
	}
	refused := func(t *testing.T, email, ip string, now time.Time) {
		t.Helper()
		_, _, err := store.Login(ctx, email, goodPassword, ip, "", now)
		wantMessage(t, err, "staff.login_rate_limited")
		if !errors.Is(err, staff.ErrLoginThrottled) || marquee.ErrorCode(err) != marquee.EFORBIDDEN {
			t.Fatalf("throttled login: %v, want EFORBIDDEN wrapping staff.ErrLoginThrottled", err)
		}
	}

	t.Run("a stranger cannot lock out an account by its email", func(t *testing.T) {
		stranger, owner := "198.51.100.66", "203.0.113.10"
		for i := range 3 * p.MaxFailures {
			_, _, err := store.Login(ctx, "ada@example.com", "wrong password!", stranger, "", t0.Add(time.Duration(i)*time.Second))
			if err == nil {
				t.Fatal("a wrong password signed in")
			}
		}
		login(t, store, "ada@example.com", owner, t0.Add(time.Minute))
		t.Run("while the stranger's own address is refused for that account, right password or not", func(t *testing.T) {
			refused(t, "ada@example.com", stranger, t0.Add(2*time.Minute))
		})
		t.Run("and accepted there again once the failures are older than the window", func(t *testing.T) {
			login(t, store, "ada@example.com", stranger, t0.Add(p.FailureWindow+time.Minute))
		})
	})

	t.Run("failures for made-up emails lock out no other address", func(t *testing.T) {
		guesser, office, later := "203.0.113.7", "203.0.113.8", t0.Add(time.Hour)
		for i := range p.MaxAddressFailures {
			fail(t, fmt.Sprintf("nobody%d@example.com", i), guesser, later)
		}
		login(t, store, "bob@example.com", office, later)
		t.Run("while the failing address is refused for every account", func(t *testing.T) {
			refused(t, "bob@example.com", guesser, later)
		})
	})

	t.Run("a correct password from an address that has not been failing is accepted", func(t *testing.T) {
		// The same account failed from many other addresses (a botnet):
		// none of them is this one.
		later := t0.Add(2 * time.Hour)
		for i := range 4 * p.MaxFailures {
			fail(t, "cleo@example.com", fmt.Sprintf("192.0.2.%d", i+1), later)
		}
		login(t, store, "cleo@example.com", "198.51.100.200", later)
	})

	t.Run("an address with fewer failures than its limit still signs in with the right password", func(t *testing.T) {
		colleague, later := "203.0.113.30", t0.Add(3*time.Hour)
		for i := range p.MaxAddressFailures - 1 {
			fail(t, fmt.Sprintf("typo%d@example.com", i), colleague, later)
		}
		login(t, store, "dan@example.com", colleague, later)
	})

	t.Run("a success clears its account's count from that address but not the address's", func(t *testing.T) {
		shared, now := "203.0.113.50", t0.Add(4*time.Hour)
		tick := func() time.Time { now = now.Add(time.Second); return now }
		for range p.MaxFailures - 1 {
			fail(t, "eve@example.com", shared, tick())
		}
		login(t, store, "eve@example.com", shared, tick())
		// The pair starts over: without the success, the second of these
		// would be its sixth failure and refused.
		for range p.MaxFailures - 1 {
			fail(t, "eve@example.com", shared, tick())
		}
		// The address does not: its failures so far count towards its limit.
		for i := range p.MaxAddressFailures - 2*(p.MaxFailures-1) {
			fail(t, fmt.Sprintf("someone%d@example.com", i), shared, tick())
		}
		refused(t, "fay@example.com", shared, tick())
	})

	t.Run("the addresses of one IPv6 /64 count as one address", func(t *testing.T) {
		later := t0.Add(5 * time.Hour)
		for i := range p.MaxFailures {
			fail(t, "fay@example.com", fmt.Sprintf("2001:db8:1:2::%x", i+1), later)
		}
		refused(t, "fay@example.com", "2001:db8:1:2:ffff::9", later)
		login(t, store, "fay@example.com", "2001:db8:1:3::1", later)
	})

	t.Run("an unknown email fails exactly like a wrong password", func(t *testing.T) {
		later := t0.Add(6 * time.Hour)
		_, _, unknown := store.Login(ctx, "nobody@example.com", goodPassword, "192.0.2.200", "", later)
		_, _, wrong := store.Login(ctx, "bob@example.com", "wrong password!", "192.0.2.201", "", later)
		if unknown.Error() != wrong.Error() {
			t.Fatalf("unknown email: %v; wrong password: %v; want the same error", unknown, wrong)
		}
	})

	t.Run("concurrent guesses from one address cannot all pass the count", func(t *testing.T) {
		later := t0.Add(7 * time.Hour)
		guess := func(email func(i int) string, ip string, n int) map[string]int {
			outcomes := map[string]int{}
			var mu sync.Mutex
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					_, _, err := store.Login(ctx, email(i), "wrong password!", ip, "", later)
					mu.Lock()
					outcomes[marquee.ErrorMessage(err)]++
					mu.Unlock()
				})
			}
			wg.Wait()
			return outcomes
		}
		one := guess(func(int) string { return "bob@example.com" }, "192.0.2.150", 3*p.MaxFailures)
		if one["staff.login_failed"] != p.MaxFailures || one["staff.login_rate_limited"] != 2*p.MaxFailures {
			t.Fatalf("one account: outcomes %v, want %d failed and the rest rate limited", one, p.MaxFailures)
		}
		many := guess(func(i int) string { return fmt.Sprintf("x%d@example.com", i) }, "192.0.2.151", 2*p.MaxAddressFailures)
		if many["staff.login_failed"] != p.MaxAddressFailures || many["staff.login_rate_limited"] != p.MaxAddressFailures {
			t.Fatalf("many accounts: outcomes %v, want %d failed and the rest rate limited", many, p.MaxAddressFailures)
		}
	})
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

func TestPasswordReset(t *testing.T) {
	ctx := context.Background()
	_, store := newStaffStore(t)
	newStaffWithPassword(t, store, "ada@example.com")

	t.Run("an unknown email gets no link and no error", func(t *testing.T) {
		token, err := store.RequestReset(ctx, "nobody@example.com", t0)
		if token != "" || err != nil {
			t.Fatalf("got %q, %v", token, err)
		}
	})
	t.Run("a link sets the password once and signs out everywhere", func(t *testing.T) {
		session := login(t, store, "ada@example.com", "192.0.2.1", t0)
		token, err := store.RequestReset(ctx, "ADA@example.com", t0)
		if err != nil || token == "" {
			t.Fatalf("got %q, %v", token, err)
		}
		wantMessage(t, store.ResetPassword(ctx, token, "too short", t0), "staff.password_too_short")
		if err := store.ResetPassword(ctx, token, "a reset passphrase", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		wantSession(t, store, session, t0.Add(time.Minute), false)
		wantMessage(t, store.ResetPassword(ctx, token, "yet another passphrase", t0.Add(time.Minute)), "staff.link_invalid")
		if _, _, err := store.Login(ctx, "ada@example.com", "a reset passphrase", "192.0.2.1", "", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a newer link spends the older one", func(t *testing.T) {
		first, _ := store.RequestReset(ctx, "ada@example.com", t0)
		second, _ := store.RequestReset(ctx, "ada@example.com", t0)
		wantMessage(t, store.ResetPassword(ctx, first, goodPassword, t0), "staff.link_invalid")
		wantMessage(t, store.ResetPassword(ctx, second, goodPassword, t0), "")
	})
	t.Run("an expired link is refused", func(t *testing.T) {
		token, _ := store.RequestReset(ctx, "ada@example.com", t0)
		wantMessage(t, store.ResetPassword(ctx, token, goodPassword, t0.Add(store.Policy().ResetTTL)), "staff.link_invalid")
	})
}

func TestLoginLink(t *testing.T) {
	ctx := context.Background()
	_, store := newStaffStore(t)
	ada, err := store.CreateStaff(ctx, "ada@example.com", "Ada", true)
	if err != nil {
		t.Fatal(err)
	}
	link, err := store.LoginLink(ctx, ada.ID, t0, 0)
	if err != nil {
		t.Fatal(err)
	}
	session, who, err := store.UseLoginLink(ctx, link, "127.0.0.1", "dev", t0)
	if err != nil || who.ID != ada.ID || session == link {
		t.Fatalf("login link: %q %+v %v", session, who, err)
	}
	wantSession(t, store, session, t0, true)
	_, _, err = store.UseLoginLink(ctx, link, "127.0.0.1", "dev", t0)
	wantMessage(t, err, "staff.link_invalid")
}

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

func TestPasswordCostIsRaisedAtLogin(t *testing.T) {
	ctx := context.Background()
	database, store := newStaffStore(t)
	ada := newStaffWithPassword(t, store, "ada@example.com")
	raised := cheapHashing
	raised.Iterations++
	stronger := db.NewStaffStore(database, staff.Policy{Password: raised})
	login(t, stronger, "ada@example.com", "192.0.2.1", t0)

	var hash string
	err := database.InPlatform(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT password_hash FROM staff WHERE id = $1", ada.ID).Scan(&hash)
	})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := staff.HashParams(hash); err != nil || p != raised {
		t.Fatalf("hash after login has cost %+v (%v), want %+v", p, err, raised)
	}
	login(t, stronger, "ada@example.com", "192.0.2.1", t0)
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
				"outside any tenant": func(fn func(pgx.Tx) error) error { return pgx.BeginFunc(ctx, database.Pool, fn) },
				"in a tenant":        func(fn func(pgx.Tx) error) error { return database.InTenant(ctx, event.ID, fn) },
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
			if err := database.Pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&outside); err != nil {
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

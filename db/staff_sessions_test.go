package db_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"marquee"
	"marquee/db"
	"marquee/tenant/staff"
)

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

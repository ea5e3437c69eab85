package staff_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"marquee"
	"marquee/tenant/staff"
)

func TestLoginEmail(t *testing.T) {
	for _, tc := range []struct{ typed, want string }{
		{"  Ops@Example.COM \t", "ops@example.com"},
		{"not an email", "not an email"}, // judged by nobody: it counts against its own failures
		{strings.Repeat("A", 300), strings.Repeat("a", 254)},
	} {
		if got := staff.LoginEmail(tc.typed); got != tc.want {
			t.Errorf("LoginEmail(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}

// TestLoginThrottling: the production policy refuses an address block for
// an account after 5 failures, and for every account after 20, counted
// over the last 15 minutes; a policy's own limits replace them.
func TestLoginThrottling(t *testing.T) {
	p := staff.Policy{}.WithDefaults()
	now := time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC)
	if got := p.FailuresSince(now); !got.Equal(now.Add(-15 * time.Minute)) {
		t.Errorf("FailuresSince = %v, want 15 minutes before", got)
	}
	for _, tc := range []struct {
		n              int64
		account, block bool
	}{{0, false, false}, {4, false, false}, {5, true, false}, {19, true, false}, {20, true, true}} {
		if got := p.AccountThrottled(tc.n); got != tc.account {
			t.Errorf("AccountThrottled(%d) = %v, want %v", tc.n, got, tc.account)
		}
		if got := p.BlockThrottled(tc.n); got != tc.block {
			t.Errorf("BlockThrottled(%d) = %v, want %v", tc.n, got, tc.block)
		}
	}
	own := staff.Policy{MaxFailures: 2, MaxAddressFailures: 3, FailureWindow: time.Minute}.WithDefaults()
	if !own.AccountThrottled(2) || own.AccountThrottled(1) || !own.BlockThrottled(3) || own.BlockThrottled(2) || !own.FailuresSince(now).Equal(now.Add(-time.Minute)) {
		t.Errorf("a policy's own limits are not the ones applied: %+v", own)
	}
	t.Run("a throttled login says so, with the cause the web layer answers 429 for", func(t *testing.T) {
		err := staff.LoginThrottled()
		if !errors.Is(err, staff.ErrLoginThrottled) || marquee.ErrorCode(err) != marquee.EFORBIDDEN || marquee.ErrorMessage(err) != "staff.login_rate_limited" {
			t.Errorf("LoginThrottled = %v", err)
		}
		if err := staff.LoginFailed(); errors.Is(err, staff.ErrLoginThrottled) || marquee.ErrorMessage(err) != "staff.login_failed" {
			t.Errorf("LoginFailed = %v", err)
		}
		if err := staff.SessionEnded(nil); marquee.ErrorCode(err) != marquee.ENOTFOUND || marquee.ErrorMessage(err) != "staff.session_expired" {
			t.Errorf("SessionEnded = %v", err)
		}
	})
}

// TestLoginChecker: a password is checked against the account's hash; an
// email with no account, or an account with no password yet, always
// fails, also with the decoy's own password.
func TestLoginChecker(t *testing.T) {
	c := staff.NewLoginChecker(cheap)
	hash, err := cheap.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rule     string
		hash     *string
		password string
		ok       bool
	}{
		{"the account's password", &hash, "correct horse battery", true},
		{"a wrong password", &hash, "correct horse batter", false},
		{"no account", nil, "correct horse battery", false},
		{"no account, the decoy's own password", nil, "decoy password for unknown accounts", false},
		{"no account, the empty password", nil, "", false},
	} {
		if got := c.Check(tc.hash, tc.password); got != tc.ok {
			t.Errorf("%s: Check = %v, want %v", tc.rule, got, tc.ok)
		}
	}
}

// TestSessionRules: a session ends 7 days after login however busy, and
// keeps at most 512 bytes of the User-Agent, in whole characters.
func TestSessionRules(t *testing.T) {
	login := time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC)
	if got := (staff.Policy{}).WithDefaults().SessionEnds(login); !got.Equal(login.Add(7 * 24 * time.Hour)) {
		t.Errorf("SessionEnds = %v, want 7 days after login", got)
	}
	if got := (staff.Policy{AbsoluteTimeout: time.Hour}).WithDefaults().SessionEnds(login); !got.Equal(login.Add(time.Hour)) {
		t.Errorf("SessionEnds with a 1h policy = %v", got)
	}
	short := "Mozilla/5.0 (X11; Linux x86_64)"
	if got := staff.SessionUserAgent(short); got != short {
		t.Errorf("a short User-Agent changed: %q", got)
	}
	long := strings.Repeat("a", 511) + "ü" + strings.Repeat("b", 100) // ü straddles byte 512
	got := staff.SessionUserAgent(long)
	if got != strings.Repeat("a", 511) || !utf8.ValidString(got) {
		t.Errorf("SessionUserAgent kept %d bytes (%q…), want the 511 before the cut character", len(got), got[len(got)-3:])
	}
	if got := staff.SessionUserAgent(strings.Repeat("c", 600)); len(got) != 512 {
		t.Errorf("SessionUserAgent kept %d bytes of 600, want 512", len(got))
	}
}

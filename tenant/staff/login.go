package staff

import (
	"strings"
	"sync"
	"time"

	"marquee"
)

// The rules of signing in. The store (db.StaffStore) reads and writes the
// rows (accounts, login attempts, sessions) inside one transaction and
// asks these what the rows mean.

// LoginFailed is the answer to a wrong password and to an unknown email
// alike.
func LoginFailed() error { return marquee.New(marquee.EFORBIDDEN, "staff.login_failed") }

// LoginThrottled is the answer while the client's address block has used
// up its failures (Policy.AccountThrottled, Policy.BlockThrottled); its
// cause is ErrLoginThrottled.
func LoginThrottled() error {
	return marquee.Wrap(marquee.EFORBIDDEN, "staff.login_rate_limited", ErrLoginThrottled)
}

// SessionEnded is the answer to a token of no live session: unknown,
// revoked, idle or expired (Policy.SessionLive); err is the cause, if any.
func SessionEnded(err error) error {
	return marquee.Wrap(marquee.ENOTFOUND, "staff.session_expired", err)
}

// LoginEmail is what was typed as the email at sign-in, normalised
// (trimmed, lower case, at most 254 bytes) without judging it: an address
// that is no account still counts against its own failures.
func LoginEmail(email string) string {
	e := strings.ToLower(strings.TrimSpace(email))
	if len(e) > 254 {
		e = e[:254]
	}
	return e
}

// FailuresSince is the start, at now, of the window failed logins count
// in (FailureWindow).
func (p Policy) FailuresSince(now time.Time) time.Time { return now.Add(-p.FailureWindow) }

// AccountThrottled reports whether n failed logins of one account from one
// address block, within the window, refuse that block for the account.
func (p Policy) AccountThrottled(n int64) bool { return n >= int64(p.MaxFailures) }

// BlockThrottled reports whether n failed logins from one address block,
// whatever the accounts, within the window, refuse the block. A successful
// login clears its account's count from the block, never the block's own:
// one valid account must not let an address guess at the others.
func (p Policy) BlockThrottled(n int64) bool { return n >= int64(p.MaxAddressFailures) }

// SessionEnds is when a session started at login ends however busy it is
// (AbsoluteTimeout).
func (p Policy) SessionEnds(login time.Time) time.Time { return login.Add(p.AbsoluteTimeout) }

// maxUserAgent bounds what a session keeps of the browser's User-Agent.
const maxUserAgent = 512

// SessionUserAgent is what a session keeps of the browser's User-Agent:
// its first 512 bytes, a character cut in two dropped.
func SessionUserAgent(ua string) string {
	if len(ua) > maxUserAgent {
		ua = strings.ToValidUTF8(ua[:maxUserAgent], "")
	}
	return ua
}

// decoyPassword is what the decoy hash is a hash of.
const decoyPassword = "decoy password for unknown accounts"

// LoginChecker checks passwords at sign-in so that every failure costs
// the same time: an email with no account, or an account with no password
// yet, is checked against a decoy hash at the policy's cost (made once, on
// first use) and fails. Make one per store and share it.
type LoginChecker struct {
	decoy func() string
}

// NewLoginChecker returns a checker whose decoy hash has cost p.
func NewLoginChecker(p Params) *LoginChecker {
	return &LoginChecker{decoy: sync.OnceValue(func() string {
		h, _ := p.Hash(decoyPassword)
		return h
	})}
}

// Check reports whether password is the one hash (nil: no account, or no
// password yet) was made from.
func (c *LoginChecker) Check(hash *string, password string) bool {
	if hash == nil {
		CheckPassword(c.decoy(), password)
		return false
	}
	return CheckPassword(*hash, password)
}

package staff

import (
	"net/netip"
	"time"
)

// Policy holds the timeouts and limits of staff sign-in. Zero fields take
// the defaults of DefaultPolicy, so Policy{} is the production policy.
type Policy struct {
	IdleTimeout     time.Duration // a session unused this long ends (default 2h)
	AbsoluteTimeout time.Duration // a session ends this long after login, however busy (default 7 days)
	// Failed logins are counted per client address (an IPv6 address by
	// its /64, see ClientBlock) and never per account alone: knowing an
	// email must not let anyone lock its owner out.
	MaxFailures        int           // failed logins of one account from one address before that address is refused for it (default 5)
	MaxAddressFailures int           // failed logins from one address, whatever the accounts, before it is refused (default 20)
	FailureWindow      time.Duration // how far back failures count (default 15m)
	InviteTTL          time.Duration // how long an invitation link works (default 7 days)
	ResetTTL           time.Duration // how long a password-reset link works (default 1h)
	Password           Params        // argon2id cost of new hashes (default DefaultParams)
}

// TouchInterval is how stale a session's last-seen time may get before a
// request writes it again: at most one write a minute per session.
const TouchInterval = time.Minute

// DefaultPolicy returns the production policy.
func DefaultPolicy() Policy {
	return Policy{
		IdleTimeout:        2 * time.Hour,
		AbsoluteTimeout:    7 * 24 * time.Hour,
		MaxFailures:        5,
		MaxAddressFailures: 20,
		FailureWindow:      15 * time.Minute,
		InviteTTL:          7 * 24 * time.Hour,
		ResetTTL:           time.Hour,
		Password:           DefaultParams(),
	}
}

// WithDefaults returns p with every zero field set to its default.
func (p Policy) WithDefaults() Policy {
	d := DefaultPolicy()
	orDefault(&p.IdleTimeout, d.IdleTimeout)
	orDefault(&p.AbsoluteTimeout, d.AbsoluteTimeout)
	orDefault(&p.MaxFailures, d.MaxFailures)
	orDefault(&p.MaxAddressFailures, d.MaxAddressFailures)
	orDefault(&p.FailureWindow, d.FailureWindow)
	orDefault(&p.InviteTTL, d.InviteTTL)
	orDefault(&p.ResetTTL, d.ResetTTL)
	if p.Password == (Params{}) {
		p.Password = d.Password
	}
	return p
}

// orDefault sets *v to def unless it is positive.
func orDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// SessionLive reports whether s may still be used at now: before its
// absolute end and not idle for longer than IdleTimeout.
func (p Policy) SessionLive(s Session, now time.Time) bool {
	return now.Before(s.ExpiresAt) && now.Sub(s.LastSeenAt) <= p.IdleTimeout
}

// NeedsTouch reports whether a request at now should record activity on s.
func (p Policy) NeedsTouch(s Session, now time.Time) bool {
	return now.Sub(s.LastSeenAt) >= TouchInterval
}

// ClientBlock is what login throttling counts a client address as: an IPv4
// address alone, an IPv6 address with the rest of its /64, the block one
// subscriber is usually given (counting single IPv6 addresses would let
// anyone with a /64 try 2^64 addresses, five guesses each).
func ClientBlock(addr netip.Addr) netip.Prefix {
	addr = addr.Unmap()
	if addr.Is4() {
		return netip.PrefixFrom(addr, 32)
	}
	p, _ := addr.WithZone("").Prefix(64)
	return p
}

package db

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/tenant/staff"
)

// Login checks an email and password and starts a new session, by the
// rules of tenant/staff's login.go. ip is the
// client's address (behind a load balancer: the one its trusted
// X-Forwarded-For names). Failures count per client address, never per
// account alone, so that knowing an email locks out nobody but the one
// guessing: Login refuses, without looking at the password, while this
// account has MaxFailures failed logins from this address, or the address
// MaxAddressFailures whatever the accounts, within FailureWindow (counted
// in Postgres, so every replica agrees); a correct password from an
// address that has not been failing is always accepted. An unknown email
// and a wrong password fail alike, after the same work. The token returned
// is always fresh: a session is never carried over from before the login.
func (s *StaffStore) Login(ctx context.Context, email, password, ip, userAgent string, now time.Time) (string, staff.Staff, error) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return "", staff.Staff{}, marquee.Internal(fmt.Errorf("login from %q: %w", ip, err))
	}
	addr = addr.Unmap()
	email = staff.LoginEmail(email)
	var token string
	var who staff.Staff
	var refused error
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		// Set on every try: the transaction may run again after a
		// serialization failure.
		token, who, refused = "", staff.Staff{}, nil
		block := staff.ClientBlock(addr)
		if err := q.LoginLock(ctx, "login from "+block.String()); err != nil {
			return err
		}
		if throttled, err := s.throttled(ctx, q, email, block, now); err != nil || throttled {
			refused = staff.LoginThrottled()
			return err
		}
		row, ok, err := s.checkPassword(ctx, q, email, password)
		if err != nil {
			return err
		}
		if err := q.LoginAttemptInsert(ctx, dbq.LoginAttemptInsertParams{Email: email, Ip: addr, Succeeded: ok, Now: now}); err != nil {
			return err
		}
		if !ok {
			refused = staff.LoginFailed()
			return nil // commit the failure: it must count
		}
		if err := s.rehashIfStale(ctx, q, row, password); err != nil {
			return err
		}
		who = staffFromRow(row)
		token, err = s.startSession(ctx, q, who.ID, &addr, userAgent, now, "password")
		return err
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return "", staff.Staff{}, err
	}
	return token, who, nil
}

// throttled counts the client's address block's failed logins, for this
// account and overall, and asks the policy whether it is refused.
func (s *StaffStore) throttled(ctx context.Context, q *dbq.Queries, email string, block netip.Prefix, now time.Time) (bool, error) {
	since := s.policy.FailuresSince(now)
	n, err := q.LoginFailuresByPair(ctx, dbq.LoginFailuresByPairParams{Email: email, Block: block, Since: since})
	if err != nil || s.policy.AccountThrottled(n) {
		return err == nil, err
	}
	n, err = q.LoginFailuresByBlock(ctx, dbq.LoginFailuresByBlockParams{Block: block, Since: since})
	return err == nil && s.policy.BlockThrottled(n), err
}

// checkPassword reads the account of email and checks password against
// its hash (staff.LoginChecker: the decoy's when there is no such account
// or it has no password yet).
func (s *StaffStore) checkPassword(ctx context.Context, q *dbq.Queries, email, password string) (dbq.Staff, bool, error) {
	row, err := q.StaffGetByEmail(ctx, email)
	if err != nil && !isNoRow(err) {
		return row, false, err
	}
	var hash *string
	if err == nil {
		hash = row.PasswordHash
	}
	return row, s.checker.Check(hash, password), nil
}

// rehashIfStale stores a hash at the policy's cost when the account's was
// made at another, which is how raising the cost reaches existing accounts.
func (s *StaffStore) rehashIfStale(ctx context.Context, q *dbq.Queries, row dbq.Staff, password string) error {
	if row.PasswordHash == nil || !staff.NeedsRehash(*row.PasswordHash, s.policy.Password) {
		return nil
	}
	hash, err := s.policy.Password.Hash(password)
	if err != nil {
		return err
	}
	_, err = q.StaffSetPassword(ctx, dbq.StaffSetPasswordParams{ID: row.ID, PasswordHash: hash})
	return err
}

// startSession stores a new session under a fresh token and audits the
// login; method says how the person proved who they are.
func (s *StaffStore) startSession(ctx context.Context, q *dbq.Queries, staffID uuid.UUID, ip *netip.Addr, userAgent string, now time.Time, method string) (string, error) {
	plain, hash := staff.NewToken()
	sess, err := q.StaffSessionInsert(ctx, dbq.StaffSessionInsertParams{
		TokenHash: hash, StaffID: staffID, Now: now, ExpiresAt: s.policy.SessionEnds(now),
		UserAgent: staff.SessionUserAgent(userAgent), Ip: ip,
	})
	if err != nil {
		return "", err
	}
	return plain, audit(ctx, q, auditEvent{action: staff.ActionLogin, actor: known(staffID), subject: staffID, ip: ip, now: now,
		detail: map[string]any{"method": method, "session": sess.ID.String()}})
}

// Session resolves a browser's token to its staff member and session at
// now. Unknown, revoked, idle (unused for longer than IdleTimeout) and
// expired (older than AbsoluteTimeout) sessions are ENOTFOUND; a session
// found timed out is revoked then, so that no replica with a slower clock
// can revive it. A live one records the activity, at most once per
// staff.TouchInterval.
func (s *StaffStore) Session(ctx context.Context, plainToken string, now time.Time) (staff.Staff, staff.Session, error) {
	hash := staff.HashToken(plainToken)
	if hash == nil {
		return staff.Staff{}, staff.Session{}, staff.SessionEnded(nil)
	}
	var who staff.Staff
	var sess staff.Session
	var ended bool
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.StaffSessionGetByTokenHash(ctx, hash)
		if err != nil {
			return err
		}
		who, sess = staffFromRow(row.Staff), sessionFromRow(row.StaffSession)
		if ended = !s.policy.SessionLive(sess, now); ended {
			_, err := q.StaffSessionRevoke(ctx, dbq.StaffSessionRevokeParams{TokenHash: hash, Now: now})
			return err
		}
		if !s.policy.NeedsTouch(sess, now) {
			return nil
		}
		sess.LastSeenAt = now
		return q.StaffSessionTouch(ctx, dbq.StaffSessionTouchParams{ID: sess.ID, Now: now})
	})
	if isNoRow(err) || (err == nil && ended) {
		return staff.Staff{}, staff.Session{}, staff.SessionEnded(err)
	}
	if err != nil {
		return staff.Staff{}, staff.Session{}, err
	}
	return who, sess, nil
}

// Logout revokes a session on the server, so the token is worthless even
// if the browser keeps it. Logging out of an unknown or ended session does
// nothing.
func (s *StaffStore) Logout(ctx context.Context, plainToken string) error {
	hash := staff.HashToken(plainToken)
	if hash == nil {
		return nil
	}
	return s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		now := s.db.now()
		sess, err := q.StaffSessionRevoke(ctx, dbq.StaffSessionRevokeParams{TokenHash: hash, Now: now})
		if isNoRow(err) {
			return nil
		}
		if err != nil {
			return err
		}
		return audit(ctx, q, auditEvent{action: staff.ActionLogout, actor: known(sess.StaffID), subject: sess.StaffID, now: now,
			detail: map[string]any{"session": sess.ID.String()}})
	})
}

func sessionFromRow(r dbq.StaffSession) staff.Session {
	return staff.Session{ID: r.ID, StaffID: r.StaffID, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, ExpiresAt: r.ExpiresAt}
}

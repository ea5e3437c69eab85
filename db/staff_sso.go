package db

import (
	"context"
	"strings"
	"time"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/tenant/staff"
)

// How long a sign-in with the platform's provider may take from the
// button to the callback, and how long a spent or expired one is kept.
const (
	ssoAttemptTTL  = 10 * time.Minute
	ssoAttemptKeep = 24 * time.Hour
)

// errSSOExpired refuses a callback whose state is unknown, spent or
// expired: a replay, or a sign-in left too long.
var errSSOExpired = marquee.New(marquee.EFORBIDDEN, "staff.sso_expired")

// BeginSSO keeps a sign-in with the platform's OpenID provider until its
// callback: the state's hash, the nonce and the PKCE verifier, for
// ten minutes. Sign-ins that ended a day ago are forgotten on the way.
func (s *StaffStore) BeginSSO(ctx context.Context, state, nonce, verifier string, now time.Time) error {
	hash := staff.HashToken(state)
	if hash == nil {
		return marquee.Internal(errSSOExpired)
	}
	return s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		if err := q.SSOAttemptPrune(ctx, now.Add(-ssoAttemptKeep)); err != nil {
			return err
		}
		return q.SSOAttemptInsert(ctx, dbq.SSOAttemptInsertParams{StateHash: hash, Nonce: nonce, Verifier: verifier,
			Now: now, ExpiresAt: now.Add(ssoAttemptTTL)})
	})
}

// UseSSO spends the state of a sign-in and returns its nonce and PKCE
// verifier. A state that is unknown, spent or expired is refused
// (staff.sso_expired): a state is good once.
func (s *StaffStore) UseSSO(ctx context.Context, state string, now time.Time) (nonce, verifier string, err error) {
	hash := staff.HashToken(state)
	if hash == nil {
		return "", "", errSSOExpired
	}
	var row dbq.SSOAttemptUseRow
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err = q.SSOAttemptUse(ctx, dbq.SSOAttemptUseParams{StateHash: hash, Now: now})
		return err
	})
	if isNoRow(err) {
		return "", "", errSSOExpired
	}
	return row.Nonce, row.Verifier, err
}

// SignInSSO starts a session for the person the platform's provider
// vouched for: the account of their email (verified by the provider, of a
// domain the platform allows: the caller checked both), created on first
// sign-in with no password and no role in any event — an owner invites it
// to theirs. The login is audited with method "oidc", a new account as
// staff_created; subject is the provider's id of the person.
func (s *StaffStore) SignInSSO(ctx context.Context, email, name, subject, ip, userAgent string, now time.Time) (string, staff.Staff, bool, error) {
	email, err := staff.NormaliseEmail(email)
	if err != nil {
		return "", staff.Staff{}, false, err
	}
	if staff.ValidateName(name) != nil {
		name = ""
	}
	addr, err := parseIP(ip)
	if err != nil {
		return "", staff.Staff{}, false, marquee.Internal(err)
	}
	var token string
	var who staff.Staff
	var created bool
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		token, created = "", false
		row, err := q.StaffGetByEmail(ctx, email)
		if isNoRow(err) {
			created = true
			row, err = q.StaffInsert(ctx, dbq.StaffInsertParams{Email: email, Name: strings.TrimSpace(name)})
			if err == nil {
				err = audit(ctx, q, auditEvent{action: staff.ActionStaffCreated, subject: row.ID, ip: addr, now: now,
					detail: map[string]any{"method": "oidc", "oidc_subject": subject}})
			}
		}
		if err != nil {
			return err
		}
		who = staffFromRow(row)
		token, err = s.startSession(ctx, q, who.ID, addr, userAgent, now, "oidc")
		return err
	})
	if err != nil {
		return "", staff.Staff{}, false, storeError(err, uniqueViolationIs("staff_email_key", "email", "staff.email_taken"))
	}
	return token, who, created, nil
}

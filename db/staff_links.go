package db

import (
	"context"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/tenant/staff"
)

func errLinkInvalid(err error) error {
	return marquee.Wrap(marquee.ENOTFOUND, "staff.link_invalid", err)
}

// RequestReset creates a one-time password-reset link (valid for
// ResetTTL) for the account of email, spending any older one. An unknown
// email returns "" and no error, so the form cannot tell who has an
// account; the caller mails the link only when there is one.
func (s *StaffStore) RequestReset(ctx context.Context, email string, now time.Time) (string, error) {
	plain, hash := staff.NewToken()
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.StaffGetByEmail(ctx, staff.LoginEmail(email))
		if isNoRow(err) {
			plain = ""
			return nil
		}
		if err != nil {
			return err
		}
		if err := q.StaffTokenSpendAll(ctx, dbq.StaffTokenSpendAllParams{StaffID: row.ID, Purpose: "reset", Now: now}); err != nil {
			return err
		}
		return q.StaffTokenInsert(ctx, dbq.StaffTokenInsertParams{
			TokenHash: hash, Purpose: "reset", StaffID: row.ID, ExpiresAt: now.Add(s.policy.ResetTTL), Now: now,
		})
	})
	if err != nil {
		return "", err
	}
	return plain, nil
}

// ResetPassword spends a reset link and sets the new password, signing the
// account out everywhere as SetPassword does. A password the rules refuse
// leaves the link unspent.
func (s *StaffStore) ResetPassword(ctx context.Context, plainToken, password string, now time.Time) error {
	hash, err := s.newHash(password)
	if err != nil {
		return err
	}
	return s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		tok, err := useToken(ctx, q, plainToken, "reset", now)
		if err != nil {
			return err
		}
		return s.replacePassword(ctx, q, tok.StaffID, hash, staff.ActionPasswordReset, nil, now)
	})
}

// LoginLink creates a one-time link that signs a staff member in without a
// password, valid for ttl (zero: ResetTTL). `marquee dev` prints one; it is
// audited like any way in.
func (s *StaffStore) LoginLink(ctx context.Context, staffID uuid.UUID, now time.Time, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		ttl = s.policy.ResetTTL
	}
	plain, hash := staff.NewToken()
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		err := q.StaffTokenInsert(ctx, dbq.StaffTokenInsertParams{
			TokenHash: hash, Purpose: "login", StaffID: staffID, ExpiresAt: now.Add(ttl), Now: now,
		})
		if err != nil {
			return err
		}
		return audit(ctx, q, auditEvent{action: staff.ActionLoginLinkCreated, subject: staffID, now: now,
			detail: map[string]any{"expires_at": now.Add(ttl).UTC().Format(time.RFC3339)}})
	})
	if err != nil {
		return "", foreignKeyNotFound(err)
	}
	return plain, nil
}

// UseLoginLink spends a login link and starts a new session, as Login does
// after a good password.
func (s *StaffStore) UseLoginLink(ctx context.Context, plainToken, ip, userAgent string, now time.Time) (string, staff.Staff, error) {
	addr, err := parseIP(ip)
	if err != nil {
		return "", staff.Staff{}, marquee.Internal(err)
	}
	var token string
	var who staff.Staff
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		tok, err := useToken(ctx, q, plainToken, "login", now)
		if err != nil {
			return err
		}
		row, err := q.StaffGetByID(ctx, tok.StaffID)
		if err != nil {
			return err
		}
		who = staffFromRow(row)
		token, err = s.startSession(ctx, q, who.ID, addr, userAgent, now, "link")
		return err
	})
	if err != nil {
		return "", staff.Staff{}, err
	}
	return token, who, nil
}

// useToken spends a one-time link of purpose; anything else (unknown,
// spent, expired, another purpose) is staff.link_invalid.
func useToken(ctx context.Context, q *dbq.Queries, plainToken, purpose string, now time.Time) (dbq.StaffToken, error) {
	hash := staff.HashToken(plainToken)
	if hash == nil {
		return dbq.StaffToken{}, errLinkInvalid(nil)
	}
	tok, err := q.StaffTokenUse(ctx, dbq.StaffTokenUseParams{TokenHash: hash, Purpose: purpose, Now: now})
	return tok, storeError(err, noRowIs(marquee.New(marquee.ENOTFOUND, "staff.link_invalid")))
}

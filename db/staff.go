package db

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgerrcode"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/tenant/staff"
)

// StaffStore keeps staff identity in Postgres: accounts, memberships,
// sessions, one-time links, login attempts and the audit log. Identity is
// resolved before any event is known, so all of it runs in platform
// transactions. Make one at startup (NewStaffStore) and share it: it holds
// the policy, and the checker whose decoy hash unknown emails are checked
// against.
type StaffStore struct {
	db      *DB
	policy  staff.Policy
	checker *staff.LoginChecker
}

// NewStaffStore returns the staff store on db with policy p (zero fields:
// the defaults of staff.DefaultPolicy).
func NewStaffStore(db *DB, p staff.Policy) *StaffStore {
	p = p.WithDefaults()
	return &StaffStore{db: db, policy: p, checker: staff.NewLoginChecker(p.Password)}
}

// Policy returns the policy in force, defaults filled in.
func (s *StaffStore) Policy() staff.Policy { return s.policy }

// CreateStaff adds an account without a password (it gets one by a reset
// link or by accepting an invitation). A taken email is a conflict.
func (s *StaffStore) CreateStaff(ctx context.Context, email, name string, platformAdmin bool) (staff.Staff, error) {
	email, err := staff.NormaliseEmail(email)
	if err != nil {
		return staff.Staff{}, err
	}
	if err := staff.ValidateName(name); err != nil {
		return staff.Staff{}, err
	}
	var out staff.Staff
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.StaffInsert(ctx, dbq.StaffInsertParams{Email: email, Name: strings.TrimSpace(name), PlatformAdmin: platformAdmin})
		if err != nil {
			return err
		}
		out = staffFromRow(row)
		return audit(ctx, q, auditEvent{action: staff.ActionStaffCreated, subject: out.ID, now: s.db.now(),
			detail: map[string]any{"platform_admin": platformAdmin}})
	})
	if err != nil {
		return staff.Staff{}, storeError(err, uniqueViolationIs("staff_email_key", "email", "staff.email_taken"))
	}
	return out, nil
}

// StaffByID returns one account.
func (s *StaffStore) StaffByID(ctx context.Context, id uuid.UUID) (staff.Staff, error) {
	var out staff.Staff
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.StaffGetByID(ctx, id)
		out = staffFromRow(row)
		return err
	})
	return out, notFound(err, msgNotFound)
}

// StaffByEmail returns the account of an email address.
func (s *StaffStore) StaffByEmail(ctx context.Context, email string) (staff.Staff, error) {
	var out staff.Staff
	normalised, err := staff.NormaliseEmail(email)
	if err != nil {
		return out, err
	}
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.StaffGetByEmail(ctx, normalised)
		out = staffFromRow(row)
		return err
	})
	return out, notFound(err, msgNotFound)
}

// SetPassword gives an account a new password and signs it out everywhere:
// every session, this browser's included, is revoked.
func (s *StaffStore) SetPassword(ctx context.Context, staffID uuid.UUID, password, actorIP string) error {
	hash, err := s.newHash(password)
	if err != nil {
		return err
	}
	ip, err := parseIP(actorIP)
	if err != nil {
		return marquee.Internal(err)
	}
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		return s.replacePassword(ctx, q, staffID, hash, staff.ActionPasswordChanged, ip, s.db.now())
	})
	return notFound(err, msgNotFound)
}

func (s *StaffStore) newHash(password string) (string, error) {
	if err := staff.ValidatePassword(password); err != nil {
		return "", err
	}
	hash, err := s.policy.Password.Hash(password)
	if err != nil {
		return "", marquee.Internal(err)
	}
	return hash, nil
}

// replacePassword stores hash, revokes every session and every unspent
// reset link of the account, and writes action to the audit log.
func (s *StaffStore) replacePassword(ctx context.Context, q *dbq.Queries, staffID uuid.UUID, hash, action string, ip *netip.Addr, now time.Time) error {
	if _, err := q.StaffSetPassword(ctx, dbq.StaffSetPasswordParams{ID: staffID, PasswordHash: hash}); err != nil {
		return err
	}
	n, err := q.StaffSessionRevokeAll(ctx, dbq.StaffSessionRevokeAllParams{StaffID: staffID, Now: now})
	if err != nil {
		return err
	}
	if err := q.StaffTokenSpendAll(ctx, dbq.StaffTokenSpendAllParams{StaffID: staffID, Purpose: "reset", Now: now}); err != nil {
		return err
	}
	return audit(ctx, q, auditEvent{action: action, subject: staffID, ip: ip, now: now,
		detail: map[string]any{"sessions_revoked": n}})
}

func staffFromRow(r dbq.Staff) staff.Staff {
	return staff.Staff{
		ID: r.ID, Email: r.Email, Name: r.Name, PlatformAdmin: r.PlatformAdmin,
		PasswordSet: r.PasswordHash != nil, CreatedAt: r.CreatedAt,
	}
}

// parseIP reads an optional IP address: "" is none.
func parseIP(s string) (*netip.Addr, error) {
	if s == "" {
		return nil, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return nil, fmt.Errorf("ip address %q: %w", s, err)
	}
	return &a, nil
}

// foreignKeyNotFound turns a reference to a missing event or account into
// ENOTFOUND.
func foreignKeyNotFound(err error) error {
	return storeError(err, violationIs(pgerrcode.ForeignKeyViolation, "", marquee.New(marquee.ENOTFOUND, msgNotFound)))
}

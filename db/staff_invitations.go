package db

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/tenant/staff"
)

// Invite creates a one-time link (valid for InviteTTL) that gives email the
// role in an event, creating the account if there is none. actorID is who
// invites (invalid: the platform itself, e.g. the CLI).
func (s *StaffStore) Invite(ctx context.Context, actorID uuid.NullUUID, email string, tenantID uuid.UUID, role staff.Role, now time.Time) (string, error) {
	email, err := staff.NormaliseEmail(email)
	if err != nil {
		return "", err
	}
	if !role.Valid() {
		return "", marquee.Invalid("role", "staff.role_unknown")
	}
	plain, hash := staff.NewToken()
	err = s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		row, err := q.StaffEnsure(ctx, email)
		if err != nil {
			return err
		}
		r := string(role)
		err = q.StaffTokenInsert(ctx, dbq.StaffTokenInsertParams{
			TokenHash: hash, Purpose: "invite", StaffID: row.ID, TenantID: uuid.NullUUID{UUID: tenantID, Valid: true},
			Role: &r, ExpiresAt: now.Add(s.policy.InviteTTL), Now: now,
		})
		if err != nil {
			return err
		}
		return audit(ctx, q, auditEvent{tenantID: tenantID, action: staff.ActionInvited, actor: actorID, subject: row.ID, now: now,
			detail: map[string]any{"email": email, "role": r}})
	})
	if err != nil {
		return "", foreignKeyNotFound(err)
	}
	return plain, nil
}

// AcceptInvite spends an invitation and grants its role. A new account
// takes name and password here; an account that already has a password
// keeps its name and password (name and password are then ignored), since
// the link only adds an event to it. A spent or expired link is refused.
func (s *StaffStore) AcceptInvite(ctx context.Context, plainToken, name, password string, now time.Time) (staff.Staff, error) {
	var out staff.Staff
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		tok, err := useToken(ctx, q, plainToken, "invite", now)
		if err != nil {
			return err
		}
		row, err := q.StaffGetByID(ctx, tok.StaffID)
		if err != nil {
			return err
		}
		if row.PasswordHash == nil {
			// An error here rolls back, so the link is not spent.
			if row, err = s.completeAccount(ctx, q, row.ID, name, password); err != nil {
				return err
			}
		}
		out = staffFromRow(row)
		if err := setRole(ctx, q, row.ID, tok.TenantID.UUID, row.ID, staff.Role(*tok.Role), now); err != nil {
			return err
		}
		return audit(ctx, q, auditEvent{tenantID: tok.TenantID.UUID, action: staff.ActionInviteAccepted, actor: known(row.ID), subject: row.ID, now: now,
			detail: map[string]any{"role": *tok.Role}})
	})
	return out, err
}

// completeAccount gives an invited account its name and first password;
// with password "" its name only: a platform with password sign-in off
// (the console decides), whose staff sign in with the provider.
func (s *StaffStore) completeAccount(ctx context.Context, q *dbq.Queries, id uuid.UUID, name, password string) (dbq.Staff, error) {
	if err := staff.ValidateName(name); err != nil {
		return dbq.Staff{}, err
	}
	if password == "" {
		return q.StaffSetName(ctx, dbq.StaffSetNameParams{ID: id, Name: strings.TrimSpace(name)})
	}
	hash, err := s.newHash(password)
	if err != nil {
		return dbq.Staff{}, err
	}
	if _, err := q.StaffSetName(ctx, dbq.StaffSetNameParams{ID: id, Name: strings.TrimSpace(name)}); err != nil {
		return dbq.Staff{}, err
	}
	return q.StaffSetPassword(ctx, dbq.StaffSetPasswordParams{ID: id, PasswordHash: hash})
}

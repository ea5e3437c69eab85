package db

import (
	"context"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/db/internal/dbq"
	"marquee/tenant/staff"
)

// Memberships lists a staff member's roles, one per event.
func (s *StaffStore) Memberships(ctx context.Context, staffID uuid.UUID) ([]staff.Membership, error) {
	var out []staff.Membership
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		rows, err := q.MembershipList(ctx, staffID)
		for _, r := range rows {
			out = append(out, staff.Membership{TenantID: r.TenantID, Role: staff.Role(r.Role)})
		}
		return err
	})
	return out, err
}

// SetRole gives a staff member a role in an event (a membership if they
// had none) and audits the change with the old and new role. Whether the
// actor may do so is the caller's to decide.
func (s *StaffStore) SetRole(ctx context.Context, actorID, tenantID, staffID uuid.UUID, role staff.Role) error {
	if !role.Valid() {
		return marquee.Invalid("role", "staff.role_unknown")
	}
	err := s.db.inPlatformQ(ctx, func(q *dbq.Queries) error {
		return setRole(ctx, q, actorID, tenantID, staffID, role, s.db.now())
	})
	return foreignKeyNotFound(err)
}

func setRole(ctx context.Context, q *dbq.Queries, actorID, tenantID, staffID uuid.UUID, role staff.Role, now time.Time) error {
	old, err := q.MembershipGetForUpdate(ctx, dbq.MembershipGetForUpdateParams{TenantID: tenantID, StaffID: staffID})
	if err != nil && !isNoRow(err) {
		return err
	}
	if old.Role == string(role) {
		return nil
	}
	if err := q.MembershipUpsert(ctx, dbq.MembershipUpsertParams{TenantID: tenantID, StaffID: staffID, Role: string(role)}); err != nil {
		return err
	}
	return audit(ctx, q, auditEvent{tenantID: tenantID, action: staff.ActionRoleChanged, actor: known(actorID), subject: staffID, now: now,
		detail: map[string]any{"old": old.Role, "new": string(role)}})
}

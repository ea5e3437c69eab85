package staff

import (
	"time"

	"github.com/google/uuid"
)

// Actions written to the audit log.
const (
	ActionStaffCreated     = "staff_created"
	ActionLogin            = "login"
	ActionLogout           = "logout"
	ActionLoginLinkCreated = "login_link_created"
	ActionPasswordChanged  = "password_changed"
	ActionPasswordReset    = "password_reset"
	ActionInvited          = "invited"
	ActionInviteAccepted   = "invite_accepted"
	ActionRoleChanged      = "role_changed"
	// ActionPersonErased: staff erased one attendee's personal data on
	// request; ActionRetentionErased: the retention job erased an event's
	// (no actor). Their subject is "orders", the detail the orders' count
	// and numbers, never the person.
	ActionPersonErased    = "person_erased"
	ActionRetentionErased = "retention_erased"
)

// AuditEntry is one line of the audit log: who did what to whom, where.
type AuditEntry struct {
	ID       int64
	TenantID uuid.NullUUID // the event it happened in; invalid for platform actions (login, logout)
	ActorID  uuid.NullUUID // the staff member who did it; invalid for the system or an anonymous caller
	Action   string        // one of the Action constants
	Subject  string        // what it was done to, "staff:<id>"
	Detail   map[string]any
	IP       string // "" when not known
	At       time.Time
}

// Subject names a staff member as the subject of an audit entry.
func Subject(staffID uuid.UUID) string { return "staff:" + staffID.String() }

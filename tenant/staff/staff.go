// Package staff is who may use the console: staff accounts, their roles in
// each event, their sessions, and the rules around them (password hashing,
// tokens, timeouts, login throttling). It imports no web framework and no
// database driver: the Postgres store is db.StaffStore.
package staff

import (
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"marquee"
)

// Staff is one person who may sign in to the console.
type Staff struct {
	ID            uuid.UUID
	Email         string // normalised: trimmed, lowercase
	Name          string
	PlatformAdmin bool // may act on every event, whatever the memberships say
	PasswordSet   bool // false until an invitation is accepted or a reset completes
	CreatedAt     time.Time
}

// Role is what a member may do in one event.
type Role string

// The roles a member of an event may have.
const (
	RoleOwner      Role = "owner"      // everything, including who else is a member
	RoleMarketing  Role = "marketing"  // branding, copy, images, catalogue, order form
	RoleFulfilment Role = "fulfilment" // orders and exports
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	return r == RoleOwner || r == RoleMarketing || r == RoleFulfilment
}

// Membership is a staff member's role in one event.
type Membership struct {
	TenantID uuid.UUID
	Role     Role
}

// Session is a signed-in browser. ID names it in lists and logs; the token
// that proves it is known only to the browser.
type Session struct {
	ID         uuid.UUID
	StaffID    uuid.UUID
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute end, whatever the activity
}

// ErrLoginThrottled is the cause of the error a refused login returns while
// the account or the address has too many recent failures; the web layer
// may answer 429 with Retry-After: Policy.FailureWindow.
var ErrLoginThrottled = errors.New("staff: too many failed logins")

// Name bounds, the same as an event's name.
const maxNameLen = 200

// NormaliseEmail trims and lowercases an address and checks that it is one
// plain address (no display name).
func NormaliseEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		return "", marquee.Invalid("email", "staff.email_required")
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || len(e) > 254 {
		return "", marquee.Invalid("email", "staff.email_invalid")
	}
	return e, nil
}

// ValidateName checks a staff member's display name.
func ValidateName(name string) error {
	n := strings.TrimSpace(name)
	if n == "" {
		return marquee.Invalid("name", "staff.name_required")
	}
	if utf8.RuneCountInString(n) > maxNameLen {
		return marquee.Invalid("name", "staff.name_too_long")
	}
	return nil
}

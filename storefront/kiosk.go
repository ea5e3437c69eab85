package storefront

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"marquee"
)

// KioskDevice is a tablet's link to an event's sign-up form (kiosk mode):
// the console issues it once, the link's secret is the device's only
// credential, and revoking it ends the link for good.
type KioskDevice struct {
	ID         uuid.UUID
	Name       string // what staff call it ("Stand A, left tablet")
	CreatedBy  string // the staff member who issued it (their email)
	CreatedAt  time.Time
	LastSeenAt *time.Time // when it last opened its page or sent a sign-up
	RevokedAt  *time.Time
}

// KioskNameMax is the longest name a device may have, in characters.
const KioskNameMax = 80

// Revoked says whether the device's link has ended.
func (d KioskDevice) Revoked() bool { return d.RevokedAt != nil }

// Source is what a sign-up the device sent records as its source.
func (d KioskDevice) Source() string { return "kiosk:" + d.ID.String() }

// KioskName is a device's name as staff typed it, trimmed; empty or
// longer than KioskNameMax is refused on field "name".
func KioskName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", marquee.Invalid("name", "console.kiosks.name_required")
	}
	if utf8.RuneCountInString(s) > KioskNameMax {
		return "", marquee.Invalid("name", "form.too_long")
	}
	return s, nil
}

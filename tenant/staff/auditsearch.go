package staff

import (
	"time"

	"github.com/google/uuid"
)

// Actions of the console's platform pages written to the audit log: the
// log downloaded, a backup asked for, downloaded or deleted.
const (
	ActionAuditExported    = "audit_exported"
	ActionBackupRequested  = "backup_requested"
	ActionBackupDownloaded = "backup_downloaded"
	ActionBackupDeleted    = "backup_deleted"
)

// AuditFilter picks the audit entries a console page shows, newest first.
// Every zero field is no filter.
type AuditFilter struct {
	TenantID   uuid.NullUUID // one event's entries; invalid: every entry, the platform's too
	ActorEmail string        // entries by the account of this (normalised) email
	Action     string
	From       time.Time // entries at or after
	Until      time.Time // entries before
	BeforeID   int64     // entries older than this one: the next page
	Limit      int       // default 50, at most 1000
}

// AuditLine is an audit entry as people read it: with the email of its
// actor, the email of the staff member it is about (when its subject is
// one) and the short name of its event, each "" when not known (an account
// or event deleted since, or none).
type AuditLine struct {
	AuditEntry
	ActorEmail, SubjectEmail, EventSlug string
}

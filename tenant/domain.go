package tenant

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"marquee"
)

// DomainState is where a custom domain is on its way to serving an event.
type DomainState string

// The states a domain row keeps. "active" (a certificate obtained) is not
// kept: it is read from the certificate storage when shown.
const (
	DomainPending  DomainState = "pending"  // added; the DNS records are shown, not yet checked
	DomainVerified DomainState = "verified" // control proven, pointing at the platform: it routes
	DomainFailed   DomainState = "failed"   // the last check failed; LastError says why
)

// Domain is a custom hostname of an event.
type Domain struct {
	ID         uuid.UUID
	TenantID   uuid.UUID
	TenantSlug string // filled by listings across events
	Hostname   string
	Token      string // the TXT value that proves control
	State      DomainState
	LastError  string // a message ID (domain.*) when State is failed
	VerifiedAt *time.Time
	CheckedAt  *time.Time
	CreatedAt  time.Time
}

// Routes reports whether the domain serves its event: it was verified once
// (a later failed re-check flags it but keeps it serving).
func (d Domain) Routes() bool { return d.VerifiedAt != nil }

// ValidateCustomHostname normalises a hostname staff want to attach and
// refuses what cannot be one: malformed names, IP addresses, single
// labels, and the platform's own names (BASE_DOMAIN and anything under
// it), which belong to every event and to the console.
func ValidateCustomHostname(raw, baseDomain string) (string, error) {
	host, err := NormalizeHost(strings.TrimSpace(raw))
	if err != nil || host == "" {
		return "", marquee.Invalid("hostname", "domain.hostname_invalid")
	}
	if isIPLiteral(host) || !strings.Contains(host, ".") {
		return "", marquee.Invalid("hostname", "domain.hostname_invalid")
	}
	if baseDomain != "" && (host == baseDomain || strings.HasSuffix(host, "."+baseDomain)) {
		return "", marquee.Invalid("hostname", "domain.platform_name")
	}
	return host, nil
}

func isIPLiteral(host string) bool {
	if strings.ContainsAny(host, "[:") {
		return true
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

package tenant

import (
	"slices"

	"marquee"
)

// Slug length limits: a slug is one DNS label, so 63 octets at most; under
// three characters it is too easy to squat and too close to the platform's
// own short names (ns, mx).
const (
	slugMinLen = 3
	slugMaxLen = 63
)

// reservedSlugs are labels under BASE_DOMAIN that the platform keeps for
// itself or that the wider internet gives a meaning to (mail autoconfig,
// proxy autodiscovery, MTA-STS, special-use names). Handing one of them to
// an event would let it impersonate the platform or capture traffic meant
// for it. Kept sorted for slices.BinarySearch; a test checks the order.
var reservedSlugs = []string{
	"about",
	"abuse",
	"account",
	"accounts",
	"acme",
	"admin",
	"administrator",
	"analytics",
	"api",
	"app",
	"apps",
	"arpa",
	"assets",
	"auth",
	"autoconfig",
	"autodiscover",
	"backup",
	"beta",
	"billing",
	"blog",
	"cache",
	"cdn",
	"checkout",
	"cloud",
	"config",
	"console",
	"contact",
	"cpanel",
	"dashboard",
	"demo",
	"dev",
	"dns",
	"docs",
	"download",
	"downloads",
	"email",
	"events",
	"example",
	"files",
	"ftp",
	"gateway",
	"git",
	"graphql",
	"health",
	"help",
	"hostmaster",
	"images",
	"imap",
	"img",
	"internal",
	"intranet",
	"invalid",
	"isatap",
	"ldap",
	"legal",
	"local",
	"localhost",
	"login",
	"logout",
	"mail",
	"mailer",
	"marquee",
	"media",
	"metrics",
	"monitoring",
	"mta-sts",
	"mx",
	"no-reply",
	"noreply",
	"ns",
	"ns1",
	"ns2",
	"ns3",
	"ns4",
	"oauth",
	"onion",
	"openpgpkey",
	"ops",
	"password",
	"pay",
	"payments",
	"platform",
	"pop",
	"pop3",
	"portal",
	"postmaster",
	"preview",
	"privacy",
	"prod",
	"production",
	"proxy",
	"register",
	"root",
	"sandbox",
	"search",
	"secure",
	"security",
	"sftp",
	"shop",
	"signin",
	"signup",
	"smtp",
	"ssh",
	"sso",
	"stage",
	"staging",
	"static",
	"status",
	"store",
	"support",
	"system",
	"terms",
	"test",
	"upload",
	"uploads",
	"vpn",
	"webmail",
	"webmaster",
	"wpad",
	"ww",
	"www",
	"www1",
	"www2",
	"www3",
}

// ValidateSlug checks an event slug against the DNS label rules and the reserved list.
func ValidateSlug(slug string) error {
	if id := slugProblem(slug); id != "" {
		return marquee.Invalid("slug", id)
	}
	return nil
}

// slugProblem returns the message ID of the first rule slug breaks, or "".
// The order puts the rules a person fixes first (length, characters) before
// the ones that only make sense on an otherwise well-formed label.
func slugProblem(slug string) string {
	switch {
	case slug == "":
		return "slug.required"
	case len(slug) < slugMinLen:
		return "slug.too_short"
	case len(slug) > slugMaxLen:
		return "slug.too_long"
	case !isSlugChars(slug):
		return "slug.chars"
	case slug[0] == '-' || slug[len(slug)-1] == '-':
		return "slug.hyphen_edge"
	case len(slug) >= 4 && slug[2:4] == "--":
		// Positions 3 and 4 are where IDNA puts "xn--"; DNS registries
		// refuse any other "??--" label, and so do browsers' IDNA checks.
		return "slug.double_hyphen"
	case IsReservedSlug(slug):
		return "slug.reserved"
	}
	return ""
}

// isSlugChars reports whether s holds only lowercase ASCII letters, digits
// and hyphens. Uppercase is refused rather than folded so that what the
// organiser typed is exactly what ends up in the URL.
func isSlugChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// IsReservedSlug reports whether a label is kept for the platform and never names an event.
func IsReservedSlug(label string) bool {
	_, found := slices.BinarySearch(reservedSlugs, label)
	return found
}

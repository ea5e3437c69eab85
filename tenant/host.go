package tenant

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"marquee"
)

// Limits on a host name: RFC 1035 allows 253 octets of text for a name and
// 63 for a label. maxHostInput bounds the work done on hostile input before
// any parsing; no real Host header comes near it.
const (
	maxHostLen   = 253
	maxLabelLen  = 63
	maxHostInput = 1024
)

// hostProfile converts names to ASCII the way a browser looking them up
// would (UTS #46 mapping, IDNA2008 label rules). It is spelled out instead
// of using idna.Lookup, whose configuration "may change over time", and
// because the bare idna.ToASCII uses the Punycode profile, which validates
// nothing. Lengths and empty labels are checked in checkLabels instead of by
// VerifyDNSLength, so that each failure gets its own message.
var hostProfile = idna.New(
	idna.MapForLookup(),         // case folding, width folding, "。" to "."
	idna.Transitional(false),    // "ß" stays "ß", as in current browsers
	idna.StrictDomainName(true), // ASCII only as letters, digits, hyphen
	idna.ValidateLabels(true),   // hyphen placement, joiners, A-label round trip
	idna.BidiRule(),             // RFC 5893; MapForLookup leaves it out
	idna.VerifyDNSLength(false), // checkLabels does it with precise messages
)

// NormalizeHost turns a Host header value into the canonical form used for
// routing: no port, no trailing dot, lowercase ASCII (IDNA A-labels), and IP
// literals in netip's text form without brackets. Bad input is an EINVALID
// error on field "host". The result is a fixed point: normalising it again
// returns it unchanged.
func NormalizeHost(raw string) (string, error) {
	if len(raw) > maxHostInput {
		return "", hostError("host.too_long")
	}
	if !utf8.ValidString(raw) {
		// The idna package passes invalid bytes through mapping unchecked
		// and encodes them as U+FFFD: "\xff.com" would become
		// "xn--zn7c.com", which it then refuses on the next round.
		return "", hostError("host.malformed")
	}
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", hostError("host.empty")
	}
	host, bracketed, err := splitHostPort(s)
	if err != nil {
		return "", err
	}
	if bracketed || strings.Contains(host, ":") {
		return normalizeIPv6(host)
	}
	return normalizeName(host)
}

// IsIPHost reports whether a normalised host is an IP literal (never an event).
func IsIPHost(host string) bool {
	// A normalised IPv4 literal ends in a digit, an IPv6 one has colons;
	// an event's host has neither, and is answered without ParseAddr's
	// error (an allocation on every page view).
	if host == "" || (!('0' <= host[len(host)-1] && host[len(host)-1] <= '9') && strings.IndexByte(host, ':') < 0) {
		return false
	}
	_, err := netip.ParseAddr(host)
	return err == nil
}

func hostError(messageID string) error {
	return marquee.Invalid("host", messageID)
}

// splitHostPort removes an optional port. A bracketed host ("[::1]:8080")
// is reported as such; an unbracketed one with several colons is an IPv6
// literal without port, as some clients send it.
func splitHostPort(s string) (host string, bracketed bool, err error) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", false, hostError("host.malformed")
		}
		host, rest := s[1:end], s[end+1:]
		if rest == "" {
			return host, true, nil
		}
		port, ok := strings.CutPrefix(rest, ":")
		if !ok || !validPort(port) {
			return "", false, hostError("host.malformed")
		}
		return host, true, nil
	}
	if strings.Count(s, ":") != 1 {
		return s, false, nil
	}
	host, port, _ := strings.Cut(s, ":")
	if !validPort(port) {
		return "", false, hostError("host.malformed")
	}
	return host, false, nil
}

// validPort reports whether port is a decimal TCP port, 1 to 65535. An empty
// port ("host:") is refused: RFC 3986 tolerates it, but no client that
// means well sends one.
func validPort(port string) bool {
	n, err := strconv.ParseUint(port, 10, 16)
	return err == nil && n > 0
}

// normalizeIPv6 accepts only a plain IPv6 address: no zone (meaningless
// to anyone but the sender) and no IPv4 address in brackets.
func normalizeIPv6(host string) (string, error) {
	addr, err := netip.ParseAddr(host)
	if err != nil || !addr.Is6() || addr.Zone() != "" {
		return "", hostError("host.malformed")
	}
	return addr.String(), nil
}

// normalizeName converts a domain name or an IPv4 literal. The root dot is
// removed after IDNA mapping, since mapping can turn other full stops
// ("。", "．") into ".".
func normalizeName(host string) (string, error) {
	if host == "" {
		return "", hostError("host.empty")
	}
	name := host
	if !plainLDH(host) {
		var err error
		if name, err = hostProfile.ToASCII(host); err != nil {
			return "", hostError("host.malformed")
		}
	}
	name = strings.TrimSuffix(name, ".")
	if name == "" {
		return "", hostError("host.empty")
	}
	if len(name) > maxHostLen {
		return "", hostError("host.too_long")
	}
	if err := checkLabels(name); err != nil {
		return "", err
	}
	if endsInNumber(name) {
		return normalizeIPv4(name)
	}
	return name, nil
}

// checkLabels enforces what the lookup profile leaves out: no empty label
// (a leading dot, "a..b", a second trailing dot), the label length limit,
// and, as a guard on the library, nothing but lowercase letters, digits,
// hyphens and dots in the result.
func checkLabels(name string) error {
	for label := range strings.SplitSeq(name, ".") {
		if label == "" {
			return hostError("host.malformed")
		}
		if len(label) > maxLabelLen {
			return hostError("host.label_too_long")
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return hostError("host.malformed")
			}
		}
	}
	return nil
}

// endsInNumber reports whether the last label is a number (decimal or
// 0x-hex), which makes browsers read the whole name as an IPv4 address, as
// in "127.1" or "0x7f.0.0.1" (WHATWG URL). No top-level domain looks like
// that, so such a name is either an IPv4 literal or an attempt to confuse.
func endsInNumber(name string) bool {
	last := name[strings.LastIndexByte(name, '.')+1:]
	digits := "0123456789"
	if hex, ok := strings.CutPrefix(last, "0x"); ok {
		last, digits = hex, "0123456789abcdef"
		if last == "" {
			return true
		}
	}
	return strings.Trim(last, digits) == ""
}

// normalizeIPv4 accepts only the dotted-quad form; the shorthand and octal
// or hex forms browsers also accept are refused rather than guessed at.
func normalizeIPv4(name string) (string, error) {
	addr, err := netip.ParseAddr(name)
	if err != nil || !addr.Is4() {
		return "", hostError("host.malformed")
	}
	return addr.String(), nil
}

// plainLDH reports whether host is already what the lookup profile would
// return unchanged: lowercase letters, digits, dots and hyphens, no label
// that starts or ends with a hyphen or has one in its third and fourth
// place ("xn--"). Nearly every Host header is such a name; it skips the
// IDNA work on the hot path. FuzzNormalizeHost checks the claim.
func plainLDH(host string) bool {
	start := 0
	for i := 0; i <= len(host); i++ {
		if i == len(host) || host[i] == '.' {
			if !plainLabel(host[start:i]) {
				return false
			}
			start = i + 1
			continue
		}
		c := host[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func plainLabel(label string) bool {
	n := len(label)
	return n > 0 && label[0] != '-' && label[n-1] != '-' && !(n >= 4 && label[2] == '-' && label[3] == '-')
}

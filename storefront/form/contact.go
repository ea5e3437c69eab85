package form

import (
	"net/mail"
	"strings"
	"unicode"
)

// maxEmailLocalPart is RFC 5321's limit on the part before the "@".
const maxEmailLocalPart = 64

// Phone numbers hold between 5 digits (short internal numbers) and 20
// (E.164's 15 plus room for trunk and extension digits).
const (
	minPhoneDigits = 5
	maxPhoneDigits = 20
)

// parseEmail accepts one bare address that mail servers will take: no
// display name, no comment, a domain with a dot. The domain is lowercased,
// the local part kept as typed, since only the receiving server may
// decide what its case means.
func parseEmail(s string) (any, string) {
	if len(s) > maxEmailLength || strings.IndexFunc(s, invisible) >= 0 {
		return nil, MsgEmailInvalid
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return nil, MsgEmailInvalid
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], strings.ToLower(s[at+1:])
	addr := local + "@" + domain
	// Lowercasing can lengthen a non-ASCII domain, so measure again.
	if len(local) > maxEmailLocalPart || len(addr) > maxEmailLength || !validEmailDomain(domain) {
		return nil, MsgEmailInvalid
	}
	return addr, ""
}

// ParseEmail is the email check of the order form's email field, for
// forms of their own (the waiting list's): the address as stored, or a
// message ID.
func ParseEmail(s string) (string, string) {
	v, msg := parseEmail(s)
	addr, _ := v.(string)
	return addr, msg
}

// invisible reports whether r would not show in an address as typed:
// white space, controls and format characters. net/mail lets any
// non-ASCII rune into an address, C1 controls and no-break spaces included.
func invisible(r rune) bool {
	return !unicode.IsGraphic(r) || unicode.IsSpace(r)
}

// validEmailDomain wants a host name of at least two labels, none empty
// or edged by a hyphen. Address literals ("[192.0.2.1]") are refused: no
// attendee's mailbox lives at one.
func validEmailDomain(domain string) bool {
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || strings.ContainsAny(l, "[]") {
			return false
		}
	}
	return true
}

// parsePhone accepts a number as people write it: digits with spaces,
// hyphens, parentheses, slashes and dots between them and an optional
// leading "+". It is stored as typed, with runs of white space made one.
func parsePhone(s string) (any, string) {
	s = strings.Join(strings.Fields(s), " ")
	digits := 0
	for i, r := range s {
		switch {
		case '0' <= r && r <= '9':
			digits++
		case r == '+' && i == 0:
		case strings.ContainsRune(" -()/.", r):
		default:
			return nil, MsgPhoneInvalid
		}
	}
	switch {
	case digits < minPhoneDigits || digits > maxPhoneDigits:
		return nil, MsgPhoneInvalid
	case len(s) > maxPhoneLength:
		return nil, MsgTooLong
	}
	return s, ""
}

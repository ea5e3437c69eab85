package tenant

import (
	"strings"
	"testing"

	"marquee"
)

// hostCase is one Host header and what NormalizeHost makes of it: the
// normalised host, or the message ID of the error.
type hostCase struct {
	name string
	in   string
	want string
	err  string
}

// labelOf returns a label of n copies of c.
func labelOf(c string, n int) string { return strings.Repeat(c, n) }

// hostCases also seed FuzzNormalizeHost.
var hostCases = []hostCase{
	// Ports.
	{"port is stripped", "devcon.example.com:8080", "devcon.example.com", ""},
	{"highest port is accepted", "devcon.example.com:65535", "devcon.example.com", ""},
	{"only a port is empty", ":8080", "", "host.empty"},
	{"empty port is malformed", "host:", "", "host.malformed"},
	{"port over 65535 is malformed", "host:99999", "", "host.malformed"},
	{"port zero is malformed", "host:0", "", "host.malformed"},
	{"non-numeric port is malformed", "host:abc", "", "host.malformed"},
	{"signed port is malformed", "host:+80", "", "host.malformed"},
	{"two ports are malformed", "host:80:80", "", "host.malformed"},

	// Case and dots.
	{"name is lowercased", "DevCon.Example.COM", "devcon.example.com", ""},
	{"one trailing dot is stripped", "example.com.", "example.com", ""},
	{"trailing dot before port is stripped", "example.com.:8080", "example.com", ""},
	{"two trailing dots are malformed", "example.com..", "", "host.malformed"},
	{"ideographic full stop counts as trailing dot", "example.com\u3002", "example.com", ""},
	{"dot then ideographic full stop is malformed", "example.com.\u3002", "", "host.malformed"},
	{"only a dot is empty", ".", "", "host.empty"},
	{"only a dot and port is empty", ".:443", "", "host.empty"},
	{"leading dot is malformed", ".example.com", "", "host.malformed"},
	{"empty label is malformed", "a..b", "", "host.malformed"},
	{"single label is accepted", "localhost", "localhost", ""},

	// Internationalised names.
	{"unicode becomes punycode", "Bücher.example", "xn--bcher-kva.example", ""},
	{"uppercase unicode is mapped", "BÜCHER.EXAMPLE", "xn--bcher-kva.example", ""},
	{"punycode stays punycode", "xn--bcher-kva.example", "xn--bcher-kva.example", ""},
	{"uppercase punycode is lowercased", "XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example", ""},
	{"unicode with port", "münchen.de:443", "xn--mnchen-3ya.de", ""},
	{"sharp s is kept (nontransitional)", "straße.de", "xn--strae-oqa.de", ""},
	{"fullwidth letters are mapped", "ｅｘａｍｐｌｅ．ｃｏｍ", "example.com", ""},
	{"right-to-left label is accepted", "مثال.example", "xn--mgbh0fb.example", ""},
	{"mixed-direction label breaks the bidi rule", "a\u05d0.example", "", "host.malformed"},
	{"invalid punycode is malformed", "xn--a.example", "", "host.malformed"},
	{"empty punycode label is malformed", "xn--.example", "", "host.malformed"},
	{"punycode of a disallowed rune is malformed", "xn--zn7c.example", "", "host.malformed"},
	{"punycode of a bare joiner is malformed", "xn--ab-m1t.example", "", "host.malformed"},
	{"hyphens at positions 3 and 4 are malformed", "ab--cd.example", "", "host.malformed"},
	{"leading hyphen is malformed", "-devcon.example", "", "host.malformed"},
	{"trailing hyphen is malformed", "devcon-.example", "", "host.malformed"},
	{"leading combining mark is malformed", "\u0301a.example", "", "host.malformed"},

	// IP literals.
	{"ipv4 is kept", "192.0.2.1", "192.0.2.1", ""},
	{"ipv4 port is stripped", "192.0.2.1:8080", "192.0.2.1", ""},
	{"ipv4 trailing dot is stripped", "192.0.2.1.", "192.0.2.1", ""},
	{"fullwidth ipv4 is mapped", "１９２.０.２.１", "192.0.2.1", ""},
	{"ipv4 shorthand is malformed", "127.1", "", "host.malformed"},
	{"ipv4 with leading zero is malformed", "192.0.2.01", "", "host.malformed"},
	{"ipv4 in hex is malformed", "0x7f.0.0.1", "", "host.malformed"},
	{"ipv4 octet over 255 is malformed", "192.0.2.256", "", "host.malformed"},
	{"ipv4 with five parts is malformed", "1.2.3.4.5", "", "host.malformed"},
	{"bracketed ipv6 with port", "[2001:DB8::1]:8080", "2001:db8::1", ""},
	{"bracketed ipv6 without port", "[2001:db8:0:0::1]", "2001:db8::1", ""},
	{"unbracketed ipv6", "2001:0db8::0001", "2001:db8::1", ""},
	{"ipv6 loopback", "[::1]", "::1", ""},
	{"ipv4-mapped ipv6", "[::FFFF:192.0.2.1]", "::ffff:192.0.2.1", ""},
	{"bracketed ipv6 with empty port is malformed", "[::1]:", "", "host.malformed"},
	{"text after bracket is malformed", "[::1]x", "", "host.malformed"},
	{"unclosed bracket is malformed", "[::1", "", "host.malformed"},
	{"empty brackets are malformed", "[]", "", "host.malformed"},
	{"ipv4 in brackets is malformed", "[192.0.2.1]", "", "host.malformed"},
	{"ipv6 zone is malformed", "[fe80::1%25eth0]", "", "host.malformed"},
	{"unbracketed ipv6 zone is malformed", "fe80::1%eth0", "", "host.malformed"},
	{"ipv6 with bad port is malformed", "[::1]:99999", "", "host.malformed"},

	// Empty input and whitespace.
	{"empty is empty", "", "", "host.empty"},
	{"whitespace is empty", " \t ", "", "host.empty"},
	{"surrounding whitespace is trimmed", " example.com \t", "example.com", ""},

	// Lengths.
	{"63-octet label is accepted", labelOf("a", 63) + ".example", labelOf("a", 63) + ".example", ""},
	{"64-octet label is too long", labelOf("a", 64) + ".example", "", "host.label_too_long"},
	{"punycode label over 63 octets is too long", labelOf("ü", 60) + ".example", "", "host.label_too_long"},
	{"253-octet name is accepted", name253, name253, ""},
	{"253-octet name with root dot is accepted", name253 + ".", name253, ""},
	{"254-octet name is too long", name253 + "d", "", "host.too_long"},
	{"input over 1024 bytes is refused up front", labelOf("a.", 600), "", "host.too_long"},

	// Characters that have no place in a host name.
	{"underscore is malformed", "my_event.example.com", "", "host.malformed"},
	{"leading underscore is malformed", "_dmarc.example.com", "", "host.malformed"},
	{"space is malformed", "dev con.example.com", "", "host.malformed"},
	{"slash is malformed", "example.com/path", "", "host.malformed"},
	{"backslash is malformed", "example.com\\path", "", "host.malformed"},
	{"at sign is malformed", "user@example.com", "", "host.malformed"},
	{"percent encoding is malformed", "%65xample.com", "", "host.malformed"},
	{"nul byte is malformed", "exa\x00mple.com", "", "host.malformed"},
	{"invalid utf-8 is malformed", "\xffexample.com", "", "host.malformed"},
	{"replacement character is malformed", "\ufffd.example.com", "", "host.malformed"},
}

// name253 is a name of exactly 253 octets: three 63-octet labels and one of 61.
var name253 = labelOf("a", 63) + "." + labelOf("b", 63) + "." + labelOf("c", 63) + "." + labelOf("d", 61)

func TestNormalizeHost(t *testing.T) {
	for _, tc := range hostCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeHost(tc.in)
			if tc.err != "" {
				if err == nil {
					t.Fatalf("NormalizeHost(%q) = %q, want error %s", tc.in, got, tc.err)
				}
				if id := marquee.ErrorMessage(err); id != tc.err {
					t.Errorf("NormalizeHost(%q) error %s, want %s", tc.in, id, tc.err)
				}
				if f := marquee.ErrorField(err); f != "host" {
					t.Errorf("NormalizeHost(%q) error field %q, want host", tc.in, f)
				}
				if c := marquee.ErrorCode(err); c != marquee.EINVALID {
					t.Errorf("NormalizeHost(%q) error code %s, want %s", tc.in, c, marquee.EINVALID)
				}
				return
			}
			if err != nil {
				t.Fatalf("NormalizeHost(%q) error %v, want %q", tc.in, err, tc.want)
			}
			if got != tc.want {
				t.Errorf("NormalizeHost(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestIsIPHost(t *testing.T) {
	tests := []struct {
		name string
		host string
		want bool
	}{
		{"ipv4 is an ip", "192.0.2.1", true},
		{"ipv6 is an ip", "2001:db8::1", true},
		{"ipv4-mapped ipv6 is an ip", "::ffff:192.0.2.1", true},
		{"name is not an ip", "devcon.example.com", false},
		{"name starting with digits is not an ip", "2024.example.com", false},
		{"empty is not an ip", "", false},
		{"ipv6 ending in a letter is an ip", "2001:db8::a", true},
		{"name ending in a digit is not an ip", "ev0001.example.c0m9", false},
		{"bracketed form is not normalised", "[::1]", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsIPHost(tc.host); got != tc.want {
				t.Errorf("IsIPHost(%q) = %v, want %v", tc.host, got, tc.want)
			}
		})
	}
}

func TestNormalizeHostKeepsEveryValidSlugHost(t *testing.T) {
	for _, slug := range []string{"abc", "devcon-2025", "2025", labelOf("a", 63), "a-b-c"} {
		host := slug + ".marquee.example"
		if got, err := NormalizeHost(host); err != nil || got != host {
			t.Errorf("NormalizeHost(%q) = %q, %v; a valid slug must survive unchanged", host, got, err)
		}
	}
}

// hostMessages are the only message IDs NormalizeHost may return.
var hostMessages = map[string]bool{
	"host.empty":          true,
	"host.malformed":      true,
	"host.too_long":       true,
	"host.label_too_long": true,
}

func FuzzNormalizeHost(f *testing.F) {
	for _, tc := range hostCases {
		f.Add(tc.in)
	}
	for _, s := range []string{"devcon.example.com", "a-b.c", "ab--cd.example", "xn--bcher-kva.example", "-a.b", "a-.b", "0.a", "a..b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if plainLDH(raw) {
			// The fast path skips IDNA only where IDNA changes nothing.
			if a, err := hostProfile.ToASCII(raw); err != nil || a != raw {
				t.Fatalf("plainLDH(%q) is true but the lookup profile gives %q, %v", raw, a, err)
			}
		}
		got, err := NormalizeHost(raw)
		if err != nil {
			if !hostMessages[marquee.ErrorMessage(err)] || marquee.ErrorField(err) != "host" {
				t.Fatalf("NormalizeHost(%q): unexpected error %v", raw, err)
			}
			return
		}
		checkNormalHost(t, raw, got)
		again, err := NormalizeHost(got)
		if err != nil || again != got {
			t.Fatalf("NormalizeHost(%q) = %q, but NormalizeHost(%q) = %q, %v", raw, got, got, again, err)
		}
	})
}

// checkNormalHost asserts the shape of an accepted host: non-empty
// lowercase ASCII within DNS limits, no trailing dot, and no port (a colon
// only inside an IPv6 address).
func checkNormalHost(t *testing.T, raw, host string) {
	t.Helper()
	if host == "" || len(host) > maxHostLen || strings.HasSuffix(host, ".") {
		t.Fatalf("NormalizeHost(%q) = %q: empty, over %d octets or ends in a dot", raw, host, maxHostLen)
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == ':') {
			t.Fatalf("NormalizeHost(%q) = %q: byte %q is not lowercase ASCII", raw, host, c)
		}
	}
	if strings.Contains(host, ":") && !IsIPHost(host) {
		t.Fatalf("NormalizeHost(%q) = %q: has a port", raw, host)
	}
}

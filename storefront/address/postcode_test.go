package address

import (
	"regexp"
	"testing"

	bojanz "github.com/bojanz/address"
)

func TestPostalCodeMatches(t *testing.T) {
	gb := bojanz.GetFormat("GB").PostalCodePattern
	tests := []struct {
		name    string
		pattern string
		code    string
		want    bool
	}{
		{"first alternative must match to the end", gb, "GIR 0AAX", false},
		{"last alternative must match from the start", gb, "XBFPO 12", false},
		{"middle alternative matches whole", gb, "EC1A 1BB", true},
		{"lowercase is not matched; Normalize uppercases first", gb, "ec1a 1bb", false},
		{"no pattern accepts anything", "", "anything", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := postalCodeMatches(tc.pattern, tc.code); got != tc.want {
				t.Errorf("postalCodeMatches(%q) = %v, want %v", tc.code, got, tc.want)
			}
		})
	}
}

func TestBrowserPattern(t *testing.T) {
	t.Run("every country's pattern is rewritten and compiles", func(t *testing.T) {
		for code, f := range bojanz.GetFormats() {
			if f.PostalCodePattern == "" {
				continue
			}
			p := browserPattern(f.PostalCodePattern)
			if p == "" {
				t.Errorf("%s: no browser pattern for %q", code, f.PostalCodePattern)
				continue
			}
			if _, err := regexp.Compile(`^(?:` + p + `)$`); err != nil {
				t.Errorf("%s: %v", code, err)
			}
		}
	})
	t.Run("browser and server agree on what visitors type", func(t *testing.T) {
		typed := []string{
			"SW1A 1AA", "sw1a1aa", " SW1A 1AA ", "GIR 0AA", "gir0aa", "BFPO 1234", "M1 1AE", "QQ1 1AA",
			"12345", "12345-6789", "12345 6789", "12345-", "1234", "100-0001", "1000001",
			"K1A 0B1", "k1a0b1", "Q1A 0B1", "D02 X285", "d02x285", "317", "ABC", "",
		}
		for _, code := range []string{"GB", "US", "JP", "CA", "IE", "BH", "DE", "NL", "BR", "AR"} {
			pattern := bojanz.GetFormat(code).PostalCodePattern
			browser := regexp.MustCompile(`^(?:` + browserPattern(pattern) + `)$`)
			for _, s := range typed {
				server := postalCodeMatches(pattern, cleanPostalCode(s))
				if got := browser.MatchString(s); got != server {
					t.Errorf("%s %q: browser %v, server %v", code, s, got, server)
				}
			}
		}
	})
	t.Run("classes hold only letters, digits, ranges and \\x escapes", func(t *testing.T) {
		// JavaScript's v mode refuses "-", "(" and the like unescaped in a
		// class, and "\ " anywhere; Go refuses \u{…}.
		bare := regexp.MustCompile(`\[[^\]]*[^\\A-Za-z0-9\[\]\-^][^\]]*\]`)
		for code, f := range bojanz.GetFormats() {
			if p := browserPattern(f.PostalCodePattern); bare.MatchString(p) {
				t.Errorf("%s: unescaped punctuation in a class: %s", code, p)
			}
		}
	})
	t.Run("a pattern is not needed where there is none", func(t *testing.T) {
		if p := browserPattern(""); p != "" {
			t.Errorf("browserPattern(\"\") = %q", p)
		}
	})
}

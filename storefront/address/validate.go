package address

import (
	"unicode"
	"unicode/utf8"
)

// Length limits in runes: generous for names and street lines, which carry
// "c/o" notes and company names, and well past any real city, region or
// postcode for the rest.
const (
	maxLineLen  = 200
	maxFieldLen = 100
)

// Validate checks an address against its country's rules and returns
// input name → message ID, empty when valid. It normalizes first, so a
// postcode for a country that has none is dropped rather than reported.
// An unknown country is reported on InputCountry and the rest is checked
// against the generic format, which Form shows for it.
func Validate(a Address) map[string]string {
	a = Normalize(a)
	c, known := lookupCountry(a.CountryCode)
	problems := map[string]string{}
	if !known {
		problems[InputCountry] = msgCountryInvalid
	}
	for _, name := range inputNames {
		if id := c.problem(name, *a.field(name)); id != "" {
			problems[name] = id
		}
	}
	return problems
}

// problem returns the message ID of the first rule a normalized input
// value breaks, or "". Missing, unreadable and overlong values come first:
// a pattern or list check on them would only confuse.
func (c countryFormat) problem(input, value string) string {
	switch {
	case value == "" && c.required(input):
		return msgRequired
	case value == "":
		return ""
	case hasInvalidChars(value):
		return msgInvalidChars
	case utf8.RuneCountInString(value) > maxLen(input):
		return msgTooLong
	case input == InputPostalCode && c.uses(input) && !postalCodeMatches(c.PostalCodePattern, value):
		return msgPostalCodeInvalid
	case input == InputRegion && c.hasRegionList() && !c.Regions.HasKey(value):
		return msgRegionInvalid
	}
	return ""
}

// maxLen returns the length limit of an input in runes.
func maxLen(input string) int {
	switch input {
	case InputName, InputLine1, InputLine2, InputLine3:
		return maxLineLen
	}
	return maxFieldLen
}

// hasInvalidChars reports whether s is not valid UTF-8 or holds a control
// character. Bidi embeddings, overrides and isolates count as control
// characters too: they reorder the text around them on a parcel label or
// in an email without being visible. Whitespace controls (tab, newline)
// never get here; Normalize turns them into spaces.
func hasInvalidChars(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if unicode.IsControl(r) || isBidiFormatting(r) {
			return true
		}
	}
	return false
}

// isBidiFormatting reports whether r is one of the bidi embedding,
// override or isolate controls. The invisible marks (LRM, RLM, ALM) stay
// allowed: they only nudge neighbouring punctuation, and right-to-left
// text pasted from elsewhere often carries them.
func isBidiFormatting(r rune) bool {
	return '\u202a' <= r && r <= '\u202e' || '\u2066' <= r && r <= '\u2069'
}

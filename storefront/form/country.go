package form

import (
	"strings"

	"github.com/bojanz/address"
)

// parseCountry accepts a country code known to the address library,
// whatever its case, and stores it uppercase.
func parseCountry(s string) (any, string) {
	// Only ASCII letters are uppercased: strings.ToUpper would turn the
	// dotless "ı" into "I" and accept "ıt" as Italy.
	if len(s) != 2 || !isASCIILetter(s[0]) || !isASCIILetter(s[1]) {
		return nil, MsgCountryInvalid
	}
	code := strings.ToUpper(s)
	if !address.CheckCountryCode(code) {
		return nil, MsgCountryInvalid
	}
	return code, ""
}

// isASCIILetter reports whether c is a letter of the Latin alphabet.
func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

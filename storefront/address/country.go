package address

import (
	"strings"

	bojanz "github.com/bojanz/address"
)

// countryFormat is a country's address format read the way this package
// needs it: which inputs the layout has, on which line.
type countryFormat struct {
	bojanz.Format
	lines [][]token
}

// token is one field of a layout line and the literal text written before it.
type token struct {
	prefix string
	field  bojanz.Field
}

// inputByField names the input that fills each bojanz layout field.
var inputByField = map[bojanz.Field]string{
	bojanz.FieldLine1:       InputLine1,
	bojanz.FieldLine2:       InputLine2,
	bojanz.FieldLine3:       InputLine3,
	bojanz.FieldSublocality: InputSublocality,
	bojanz.FieldLocality:    InputLocality,
	bojanz.FieldRegion:      InputRegion,
	bojanz.FieldPostalCode:  InputPostalCode,
}

// lookupCountry returns the format of a country code and whether the code
// names a country bojanz knows. Unknown codes, and the countries bojanz
// has no format for, get the generic "ZZ" format.
func lookupCountry(code string) (countryFormat, bool) {
	f := bojanz.GetFormat(code)
	known := code != "" && bojanz.CheckCountryCode(code)
	return countryFormat{Format: f, lines: parseLayout(f.Layout)}, known
}

// parseLayout splits a bojanz layout ("%1\n%2\n%3\n%P %L") into lines of
// tokens. Text after a line's last field is dropped, as bojanz's own
// formatter does; no layout has any.
func parseLayout(layout string) [][]token {
	var lines [][]token
	for _, text := range strings.Split(layout, "\n") {
		var line []token
		for {
			i := strings.IndexByte(text, '%')
			if i < 0 || i+1 >= len(text) {
				break
			}
			line = append(line, token{prefix: text[:i], field: bojanz.Field(text[i+1 : i+2])})
			text = text[i+2:]
		}
		if len(line) > 0 {
			lines = append(lines, line)
		}
	}
	return lines
}

// uses reports whether the country's layout has the input. The recipient's
// name is not part of any layout and is always used.
func (c countryFormat) uses(input string) bool {
	if input == InputName {
		return true
	}
	for _, line := range c.lines {
		for _, t := range line {
			if inputByField[t.field] == input {
				return true
			}
		}
	}
	return false
}

// required reports whether the country needs the input filled in.
func (c countryFormat) required(input string) bool {
	if input == InputName {
		return true
	}
	for field, name := range inputByField {
		if name == input {
			return c.IsRequired(field) && c.uses(input)
		}
	}
	return false
}

// hasRegionList reports whether the region is picked from a fixed list.
func (c countryFormat) hasRegionList() bool {
	return c.uses(InputRegion) && c.Regions.Len() > 0
}

// canonicalRegion returns the region code as the country's list spells
// it, so "ca" becomes "CA"; values not on the list are returned unchanged
// for Validate to report.
func (c countryFormat) canonicalRegion(region string) string {
	if !c.hasRegionList() || c.Regions.HasKey(region) {
		return region
	}
	for _, code := range c.Regions.Keys() {
		if strings.EqualFold(code, region) {
			return code
		}
	}
	return region
}

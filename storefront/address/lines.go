package address

import (
	"strings"

	bojanz "github.com/bojanz/address"
	"golang.org/x/text/language"
)

// Lines formats the address for display (confirmation page, emails) in
// the country's layout, one plain-text string per line: the recipient
// first, the country's name in locale last. Empty fields leave no trace,
// not even the separator before them ("Mountain View, CA 94043" loses
// ", CA" without a region, never becomes ", CA 94043" without a city).
//
// bojanz's Formatter is not used: it writes HTML, and it keeps the
// separator of a field whose predecessor is empty.
func Lines(a Address, locale string) []string {
	a = Normalize(a)
	lang := pickLanguage(locale)
	c, _ := lookupCountry(a.CountryCode)
	values := c.displayValues(a, lang)
	var lines []string
	if a.Name != "" {
		lines = append(lines, a.Name)
	}
	for _, line := range c.lines {
		if s := fillLine(line, values); s != "" {
			lines = append(lines, s)
		}
	}
	if name := countryName(a.CountryCode, lang); name != "" {
		lines = append(lines, name)
	}
	return lines
}

// displayValues returns the address's values keyed by layout field, with
// the region code replaced by its name unless the country writes codes
// ("CA" in the US, but "Tokyo" in Japan).
func (c countryFormat) displayValues(a Address, lang language.Tag) map[bojanz.Field]string {
	values := map[bojanz.Field]string{}
	for field, input := range inputByField {
		values[field] = *a.field(input)
	}
	if !c.ShowRegionID {
		if name, ok := c.SelectRegions(bojanzLocale(lang)).Get(a.Region); ok {
			values[bojanz.FieldRegion] = name
		}
	}
	return values
}

// fillLine writes one layout line. A field's prefix is written only when
// the field has a value and something precedes it on the line, or it opens
// the line (the postal mark in "〒%P").
func fillLine(line []token, values map[bojanz.Field]string) string {
	var b strings.Builder
	for i, t := range line {
		v := values[t.field]
		if v == "" {
			continue
		}
		if i == 0 || b.Len() > 0 {
			b.WriteString(t.prefix)
		}
		b.WriteString(v)
	}
	return strings.TrimSpace(b.String())
}

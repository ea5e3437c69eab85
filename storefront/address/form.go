package address

import (
	"strings"

	"golang.org/x/text/language"
)

// Input is one field of the address form for a country.
type Input struct {
	Name     string   // form input name, one of the Input… constants
	LabelID  string   // go-i18n message ID of its label, in the country's naming
	Required bool     // the country needs it filled in
	Row      int      // inputs sharing a Row sit on one line, as the country writes addresses
	Options  []Region // non-empty when the region is picked from the country's list
	Pattern  string   // postal_code only: the country's pattern for the browser's pattern attribute
}

// Region is one entry of a country's region list.
type Region struct{ Code, Name string }

// Form returns the inputs of the address form for a country, in the
// country's layout order. The recipient's name comes first, on row 0; the
// layout's lines follow from row 1. Countries without postcodes have no
// postal_code input; an unknown country gets the generic layout. locale
// only picks the script of region names (French for Canada's provinces in
// fr); labels are message IDs the page translates.
func Form(countryCode, locale string) []Input {
	c, _ := lookupCountry(strings.ToUpper(strings.TrimSpace(countryCode)))
	lang := pickLanguage(locale)
	inputs := []Input{c.input(InputName, 0, lang)}
	for i, line := range c.lines {
		for _, t := range line {
			inputs = append(inputs, c.input(inputByField[t.field], i+1, lang))
		}
	}
	return inputs
}

// input describes one input of the country's form.
func (c countryFormat) input(name string, row int, lang language.Tag) Input {
	in := Input{
		Name:     name,
		LabelID:  c.labelID(name),
		Required: c.required(name),
		Row:      row,
	}
	switch name {
	case InputRegion:
		in.Options = c.regionOptions(lang)
	case InputPostalCode:
		in.Pattern = browserPattern(c.PostalCodePattern)
	}
	return in
}

// regionOptions lists the country's regions in bojanz's order, named in
// the country's own script only when lang is the country's language.
func (c countryFormat) regionOptions(lang language.Tag) []Region {
	regions := c.SelectRegions(bojanzLocale(lang))
	var options []Region
	for _, code := range regions.Keys() {
		name, _ := regions.Get(code)
		options = append(options, Region{Code: code, Name: name})
	}
	return options
}

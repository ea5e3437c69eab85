// Package address holds the shipping address of an order: the form a
// country asks for, the rules a country's post office applies, and the way
// an address is written on a confirmation page or a parcel. Address data
// (layouts, required fields, postcode patterns, region lists) comes from
// github.com/bojanz/address, which follows Google's libaddressinput.
package address

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Address is a postal address as the order stores it.
type Address struct {
	Name        string `json:"name"` // recipient; always asked, required
	Line1       string `json:"line1"`
	Line2       string `json:"line2,omitempty"`
	Line3       string `json:"line3,omitempty"`
	Sublocality string `json:"sublocality,omitempty"`
	Locality    string `json:"locality,omitempty"`
	Region      string `json:"region,omitempty"`
	PostalCode  string `json:"postal_code,omitempty"`
	CountryCode string `json:"country_code"`
}

// Input names: the names of the form's inputs and the keys of the problems
// Validate reports.
const (
	InputName        = "name"
	InputLine1       = "line1"
	InputLine2       = "line2"
	InputLine3       = "line3"
	InputSublocality = "sublocality"
	InputLocality    = "locality"
	InputRegion      = "region"
	InputPostalCode  = "postal_code"
	InputCountry     = "country_code" // the country picker; not one of Form's inputs
)

// inputNames lists every input an address can have besides the country,
// in the order Validate checks them.
var inputNames = []string{
	InputName, InputLine1, InputLine2, InputLine3,
	InputSublocality, InputLocality, InputRegion, InputPostalCode,
}

// field returns the field of a that the input name fills, nil for a name
// that is not an address input.
func (a *Address) field(name string) *string {
	switch name {
	case InputName:
		return &a.Name
	case InputLine1:
		return &a.Line1
	case InputLine2:
		return &a.Line2
	case InputLine3:
		return &a.Line3
	case InputSublocality:
		return &a.Sublocality
	case InputLocality:
		return &a.Locality
	case InputRegion:
		return &a.Region
	case InputPostalCode:
		return &a.PostalCode
	}
	return nil
}

// Normalize trims every field, uppercases the country code and postcode,
// collapses inner whitespace, drops fields the country does not use.
// Validate calls it first; callers store the normalized address.
//
// An unknown or missing country drops nothing: which fields it uses is
// not known, and the visitor would lose what they typed while fixing the
// country.
func Normalize(a Address) Address {
	a.CountryCode = strings.ToUpper(clean(a.CountryCode))
	for _, name := range inputNames {
		p := a.field(name)
		*p = clean(*p)
	}
	a.PostalCode = cleanPostalCode(a.PostalCode)
	c, known := lookupCountry(a.CountryCode)
	if !known {
		return a
	}
	for _, name := range inputNames {
		if !c.uses(name) {
			*a.field(name) = ""
		}
	}
	a.Region = c.canonicalRegion(a.Region)
	return a
}

// cleanPostalCode uppercases a cleaned postcode after folding full-width
// characters (a Japanese keyboard types "１００－０００１") and dropping the
// postal mark 〒, which labels a Japanese postcode but is not part of it.
func cleanPostalCode(s string) string {
	s = strings.TrimPrefix(norm.NFKC.String(s), "〒")
	return strings.ToUpper(clean(s))
}

// clean trims s, collapses every run of whitespace (tabs, newlines,
// ideographic spaces) into one space and composes it to NFC, so that
// lengths, comparisons and postcode patterns see what a person sees.
func clean(s string) string {
	return norm.NFC.String(strings.Join(strings.Fields(s), " "))
}

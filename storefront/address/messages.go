package address

import (
	"slices"

	bojanz "github.com/bojanz/address"
)

// Message IDs of the problems Validate reports.
const (
	msgCountryInvalid    = "address.country_invalid"
	msgRequired          = "address.required"
	msgPostalCodeInvalid = "address.postal_code_invalid"
	msgRegionInvalid     = "address.region_invalid"
	msgTooLong           = "address.too_long"
	msgInvalidChars      = "address.invalid_chars"
)

// CountryLabelID is the message ID of the country picker's label.
const CountryLabelID = "address.country"

// fixedLabels are the labels of the inputs whose name does not depend on
// the country.
var fixedLabels = map[string]string{
	InputName:  "address.name",
	InputLine1: "address.line1",
	InputLine2: "address.line2",
	InputLine3: "address.line3",
}

// The label tables cover every type constant bojanz defines, keyed by the
// constant itself: bojanz's String methods are off by one for some types
// (RegionType has no name for County, LocalityType none for TownCity), so
// the type names cannot serve as keys.
var (
	sublocalityLabels = map[bojanz.SublocalityType]string{
		bojanz.SublocalityTypeSuburb:          "address.sublocality.suburb",
		bojanz.SublocalityTypeDistrict:        "address.sublocality.district",
		bojanz.SublocalityTypeNeighborhood:    "address.sublocality.neighborhood",
		bojanz.SublocalityTypeVillageTownship: "address.sublocality.village_township",
		bojanz.SublocalityTypeTownland:        "address.sublocality.townland",
	}
	localityLabels = map[bojanz.LocalityType]string{
		bojanz.LocalityTypeCity:     "address.locality.city",
		bojanz.LocalityTypeDistrict: "address.locality.district",
		bojanz.LocalityTypePostTown: "address.locality.post_town",
		bojanz.LocalityTypeSuburb:   "address.locality.suburb",
		bojanz.LocalityTypeTownCity: "address.locality.town_city",
	}
	regionLabels = map[bojanz.RegionType]string{
		bojanz.RegionTypeProvince:   "address.region.province",
		bojanz.RegionTypeArea:       "address.region.area",
		bojanz.RegionTypeCanton:     "address.region.canton",
		bojanz.RegionTypeCounty:     "address.region.county",
		bojanz.RegionTypeDepartment: "address.region.department",
		bojanz.RegionTypeDistrict:   "address.region.district",
		bojanz.RegionTypeDoSi:       "address.region.do_si",
		bojanz.RegionTypeEmirate:    "address.region.emirate",
		bojanz.RegionTypeIsland:     "address.region.island",
		bojanz.RegionTypeParish:     "address.region.parish",
		bojanz.RegionTypePrefecture: "address.region.prefecture",
		bojanz.RegionTypeRegion:     "address.region.region",
		bojanz.RegionTypeState:      "address.region.state",
	}
	postalCodeLabels = map[bojanz.PostalCodeType]string{
		bojanz.PostalCodeTypePostal: "address.postal_code.postal",
		bojanz.PostalCodeTypeEir:    "address.postal_code.eircode",
		bojanz.PostalCodeTypePin:    "address.postal_code.pin",
		bojanz.PostalCodeTypeZip:    "address.postal_code.zip",
	}
)

// labelID returns the message ID of an input's label in the country's
// naming: a "county" in Ireland, a "prefecture" in Japan.
func (c countryFormat) labelID(input string) string {
	switch input {
	case InputSublocality:
		return sublocalityLabels[c.SublocalityType]
	case InputLocality:
		return localityLabels[c.LocalityType]
	case InputRegion:
		return regionLabels[c.RegionType]
	case InputPostalCode:
		return postalCodeLabels[c.PostalCodeType]
	}
	return fixedLabels[input]
}

// MessageIDs returns every message ID this package can return or use as a
// label, sorted, so the translation files can be checked for gaps.
func MessageIDs() []string {
	ids := []string{
		msgCountryInvalid, msgRequired, msgPostalCodeInvalid,
		msgRegionInvalid, msgTooLong, msgInvalidChars, CountryLabelID,
	}
	ids = appendValues(ids, fixedLabels)
	ids = appendValues(ids, sublocalityLabels)
	ids = appendValues(ids, localityLabels)
	ids = appendValues(ids, regionLabels)
	ids = appendValues(ids, postalCodeLabels)
	slices.Sort(ids)
	return ids
}

// appendValues appends the values of m to ids.
func appendValues[K comparable](ids []string, m map[K]string) []string {
	for _, id := range m {
		ids = append(ids, id)
	}
	return ids
}

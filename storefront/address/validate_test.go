package address

import (
	"maps"
	"strings"
	"testing"
)

// edit changes one thing about a valid fixture address.
type edit func(*Address)

// build returns a with the edits applied.
func build(a Address, edits []edit) Address {
	for _, e := range edits {
		e(&a)
	}
	return a
}

func usAddress(edits ...edit) Address {
	return build(Address{Name: "Ann Smith", Line1: "1600 Amphitheatre Pkwy", Locality: "Mountain View", Region: "CA", PostalCode: "94043", CountryCode: "US"}, edits)
}

func gbAddress(edits ...edit) Address {
	return build(Address{Name: "Sam Jones", Line1: "10 Downing Street", Locality: "London", PostalCode: "SW1A 2AA", CountryCode: "GB"}, edits)
}

func deAddress(edits ...edit) Address {
	return build(Address{Name: "Max Mustermann", Line1: "Unter den Linden 1", Locality: "Berlin", PostalCode: "10117", CountryCode: "DE"}, edits)
}

func jpAddress(edits ...edit) Address {
	return build(Address{Name: "Ken Sato", Line1: "1-1 Chiyoda", Locality: "Chiyoda-ku", Region: "13", PostalCode: "100-0001", CountryCode: "JP"}, edits)
}

func ieAddress(edits ...edit) Address {
	return build(Address{Name: "Aoife Byrne", Line1: "1 Grafton Street", Locality: "Dublin", CountryCode: "IE"}, edits)
}

func hkAddress(edits ...edit) Address {
	return build(Address{Name: "Li Wei", Line1: "1 Queen's Road Central", Locality: "Central", Region: "Hong Kong Island", CountryCode: "HK"}, edits)
}

func postalCode(s string) edit  { return func(a *Address) { a.PostalCode = s } }
func region(s string) edit      { return func(a *Address) { a.Region = s } }
func locality(s string) edit    { return func(a *Address) { a.Locality = s } }
func sublocality(s string) edit { return func(a *Address) { a.Sublocality = s } }
func name(s string) edit        { return func(a *Address) { a.Name = s } }
func line1(s string) edit       { return func(a *Address) { a.Line1 = s } }
func country(s string) edit     { return func(a *Address) { a.CountryCode = s } }

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		addr Address
		want map[string]string // input → message ID; empty when valid
	}{
		// United States: ZIP and ZIP+4, state list, everything but lines 2 and 3 required.
		{"US address is valid", usAddress(), nil},
		{"US ZIP+4 with hyphen is valid", usAddress(postalCode("94043-1351")), nil},
		{"US ZIP+4 with space is valid", usAddress(postalCode("94043 1351")), nil},
		{"US four-digit ZIP is invalid", usAddress(postalCode("9404")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"US ZIP with short extension is invalid", usAddress(postalCode("94043-13")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"US ZIP of letters is invalid", usAddress(postalCode("ABCDE")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"US ZIP is required", usAddress(postalCode("")), map[string]string{"postal_code": "address.required"}},
		{"US state is required", usAddress(region("")), map[string]string{"region": "address.required"}},
		{"US state off the list is invalid", usAddress(region("XX")), map[string]string{"region": "address.region_invalid"}},
		{"US state name instead of code is invalid", usAddress(region("California")), map[string]string{"region": "address.region_invalid"}},
		{"US state code in lowercase is valid", usAddress(region("ca")), nil},
		{"US city is required", usAddress(locality(" ")), map[string]string{"locality": "address.required"}},

		// United Kingdom: postcodes with odd spacing and case, no region.
		{"GB address is valid", gbAddress(), nil},
		{"GB postcode in lowercase is valid", gbAddress(postalCode("sw1a 2aa")), nil},
		{"GB postcode without space is valid", gbAddress(postalCode("SW1A2AA")), nil},
		{"GB postcode with extra spaces is valid", gbAddress(postalCode("  sw1a   2aa ")), nil},
		{"GB single-letter area postcode is valid", gbAddress(postalCode("M1 1AE")), nil},
		{"GB Girobank postcode is valid", gbAddress(postalCode("GIR 0AA")), nil},
		{"GB postcode with trailing junk is invalid", gbAddress(postalCode("GIR 0AAX")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"GB postcode with leading junk is invalid", gbAddress(postalCode("XBFPO 12")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"GB postcode with unknown area is invalid", gbAddress(postalCode("QQ1 1AA")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"GB incomplete postcode is invalid", gbAddress(postalCode("SW1A 2A")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"GB postcode is required", gbAddress(postalCode("")), map[string]string{"postal_code": "address.required"}},
		{"GB post town is required", gbAddress(locality("")), map[string]string{"locality": "address.required"}},
		{"GB region is dropped, not checked", gbAddress(region("Greater London")), nil},

		// Germany: five digits, no region.
		{"DE address is valid", deAddress(), nil},
		{"DE four-digit postcode is invalid", deAddress(postalCode("1011")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"DE six-digit postcode is invalid", deAddress(postalCode("101170")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"DE postcode with country prefix is invalid", deAddress(postalCode("D-10117")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"DE postcode with inner space is invalid", deAddress(postalCode("10 117")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"DE postcode is required", deAddress(postalCode("")), map[string]string{"postal_code": "address.required"}},
		{"DE city is required", deAddress(locality("")), map[string]string{"locality": "address.required"}},
		{"DE lowercase country code is valid", deAddress(country("de")), nil},

		// Japan: NNN-NNNN, prefecture list, city optional.
		{"JP address is valid", jpAddress(), nil},
		{"JP postcode without hyphen is valid", jpAddress(postalCode("1000001")), nil},
		{"JP postcode with postal mark is valid", jpAddress(postalCode("〒100-0001")), nil},
		{"JP full-width postcode is valid", jpAddress(postalCode("１００－０００１")), nil},
		{"JP postcode with eight digits is invalid", jpAddress(postalCode("100-00011")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"JP postcode split wrongly is invalid", jpAddress(postalCode("1000-001")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"JP postcode is required", jpAddress(postalCode("")), map[string]string{"postal_code": "address.required"}},
		{"JP prefecture is required", jpAddress(region("")), map[string]string{"region": "address.required"}},
		{"JP prefecture off the list is invalid", jpAddress(region("48")), map[string]string{"region": "address.region_invalid"}},
		{"JP prefecture name instead of code is invalid", jpAddress(region("Tokyo")), map[string]string{"region": "address.region_invalid"}},
		{"JP city is optional", jpAddress(locality("")), nil},

		// Ireland: Eircode and county optional, townland allowed.
		{"IE address without Eircode is valid", ieAddress(), nil},
		{"IE Eircode is valid", ieAddress(postalCode("D02 X285")), nil},
		{"IE Eircode in lowercase without space is valid", ieAddress(postalCode("d02x285")), nil},
		{"IE Eircode with hyphen is invalid", ieAddress(postalCode("D02-X285")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"IE short Eircode is invalid", ieAddress(postalCode("D02 X28")), map[string]string{"postal_code": "address.postal_code_invalid"}},
		{"IE county from the list is valid", ieAddress(region("CO")), nil},
		{"IE county off the list is invalid", ieAddress(region("Cork")), map[string]string{"region": "address.region_invalid"}},
		{"IE townland is allowed", ieAddress(sublocality("Ballymore")), nil},
		{"IE town is required", ieAddress(locality("")), map[string]string{"locality": "address.required"}},

		// Hong Kong: no postcode at all, area list required.
		{"HK address is valid", hkAddress(), nil},
		{"HK postcode is dropped, not an error", hkAddress(postalCode("999077")), nil},
		{"HK nonsense postcode is dropped, not an error", hkAddress(postalCode("not a postcode")), nil},
		{"HK area is required", hkAddress(region("")), map[string]string{"region": "address.required"}},
		{"HK area off the list is invalid", hkAddress(region("Macau")), map[string]string{"region": "address.region_invalid"}},
		{"HK area in another case is valid", hkAddress(region("kowloon")), nil},
		{"HK district is optional", hkAddress(locality("")), nil},

		// Country.
		{"missing country is invalid", deAddress(country("")), map[string]string{"country_code": "address.country_invalid"}},
		{"unknown country is invalid", deAddress(country("XX")), map[string]string{"country_code": "address.country_invalid"}},
		{"country name instead of code is invalid", deAddress(country("Germany")), map[string]string{"country_code": "address.country_invalid"}},
		{"country without its own format uses the generic rules", Address{Name: "Noor", Line1: "1 Corniche St", Locality: "Doha", PostalCode: "1234", CountryCode: "QA"}, nil},
		{"generic rules require a city", Address{Name: "Noor", Line1: "1 Corniche St", CountryCode: "QA"}, map[string]string{"locality": "address.required"}},

		// Rules every country shares.
		{"name is required", deAddress(name("")), map[string]string{"name": "address.required"}},
		{"name of spaces is required", deAddress(name(" \t ")), map[string]string{"name": "address.required"}},
		{"line 1 is required", deAddress(line1("")), map[string]string{"line1": "address.required"}},
		{"several problems are all reported", deAddress(name(""), postalCode("1"), locality("")), map[string]string{"name": "address.required", "postal_code": "address.postal_code_invalid", "locality": "address.required"}},
		{"name of 200 characters is allowed", deAddress(name(strings.Repeat("ä", 200))), nil},
		{"name of 201 characters is too long", deAddress(name(strings.Repeat("ä", 201))), map[string]string{"name": "address.too_long"}},
		{"line 1 of 201 characters is too long", deAddress(line1(strings.Repeat("a", 201))), map[string]string{"line1": "address.too_long"}},
		{"city of 100 characters is allowed", deAddress(locality(strings.Repeat("ß", 100))), nil},
		{"city of 101 characters is too long", deAddress(locality(strings.Repeat("ß", 101))), map[string]string{"locality": "address.too_long"}},
		{"overlong postcode is too long before it is invalid", deAddress(postalCode(strings.Repeat("1", 101))), map[string]string{"postal_code": "address.too_long"}},
		{"tab and newline become spaces", deAddress(line1("Unter den Linden 1\n\tHinterhaus")), nil},
		{"NUL character is invalid", deAddress(line1("Unter den\x00Linden 1")), map[string]string{"line1": "address.invalid_chars"}},
		{"escape character is invalid", deAddress(name("Max\x1b[31m")), map[string]string{"name": "address.invalid_chars"}},
		{"C1 control character is invalid", deAddress(locality("Ber\u0090lin")), map[string]string{"locality": "address.invalid_chars"}},
		{"bidi override is invalid", deAddress(name("Max \u202euaM")), map[string]string{"name": "address.invalid_chars"}},
		{"right-to-left mark is allowed", deAddress(name("\u05de\u05e7\u05e1\u200f")), nil},
		{"invalid UTF-8 is invalid", deAddress(line1("Stra\xdfe 1")), map[string]string{"line1": "address.invalid_chars"}},
		{"control character in a postcode is invalid", deAddress(postalCode("10117\x00")), map[string]string{"postal_code": "address.invalid_chars"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Validate(tc.addr)
			if got == nil {
				t.Fatal("Validate returned nil, want an empty map")
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("Validate(%+v)\n got %v\nwant %v", tc.addr, got, tc.want)
			}
		})
	}
}

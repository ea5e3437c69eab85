package address

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   Address
		want Address
	}{
		{
			"fields are trimmed and inner whitespace collapsed",
			Address{Name: "  Max\t Mustermann ", Line1: "Unter   den\nLinden 1", Locality: " Berlin ", PostalCode: " 10117 ", CountryCode: " DE "},
			Address{Name: "Max Mustermann", Line1: "Unter den Linden 1", Locality: "Berlin", PostalCode: "10117", CountryCode: "DE"},
		},
		{
			"country code and postcode are uppercased",
			Address{Name: "Ann", Line1: "1 Downing St", Locality: "London", PostalCode: "sw1a   2aa", CountryCode: "gb"},
			Address{Name: "Ann", Line1: "1 Downing St", Locality: "London", PostalCode: "SW1A 2AA", CountryCode: "GB"},
		},
		{
			"decomposed accents are composed",
			Address{Name: "Jo", Line1: "Marienplatz 1", Locality: "Mu\u0308nchen", PostalCode: "80331", CountryCode: "DE"},
			Address{Name: "Jo", Line1: "Marienplatz 1", Locality: "München", PostalCode: "80331", CountryCode: "DE"},
		},
		{
			"full-width postcode and postal mark are folded",
			Address{Name: "Ken", Line1: "1-1", Region: "13", PostalCode: "〒 １００－０００１", CountryCode: "JP"},
			Address{Name: "Ken", Line1: "1-1", Region: "13", PostalCode: "100-0001", CountryCode: "JP"},
		},
		{
			"postcode is dropped where the country has none",
			Address{Name: "Li", Line1: "1 Queen's Rd", Region: "Hong Kong Island", PostalCode: "999077", CountryCode: "HK"},
			Address{Name: "Li", Line1: "1 Queen's Rd", Region: "Hong Kong Island", CountryCode: "HK"},
		},
		{
			"region and sublocality are dropped where the layout has none",
			Address{Name: "Jo", Line1: "Hauptstr. 1", Sublocality: "Mitte", Locality: "Berlin", Region: "BE", PostalCode: "10117", CountryCode: "DE"},
			Address{Name: "Jo", Line1: "Hauptstr. 1", Locality: "Berlin", PostalCode: "10117", CountryCode: "DE"},
		},
		{
			"region code takes the list's spelling",
			Address{Name: "Ann", Line1: "1 Main St", Locality: "Austin", Region: "tx", PostalCode: "78701", CountryCode: "US"},
			Address{Name: "Ann", Line1: "1 Main St", Locality: "Austin", Region: "TX", PostalCode: "78701", CountryCode: "US"},
		},
		{
			"region off the list is kept for Validate to report",
			Address{Name: "Ann", Line1: "1 Main St", Locality: "Austin", Region: "Texas", PostalCode: "78701", CountryCode: "US"},
			Address{Name: "Ann", Line1: "1 Main St", Locality: "Austin", Region: "Texas", PostalCode: "78701", CountryCode: "US"},
		},
		{
			"unknown country drops nothing",
			Address{Name: "X", Line1: "1 Road", Sublocality: "S", Locality: "L", Region: "R", PostalCode: "p1", CountryCode: "xx"},
			Address{Name: "X", Line1: "1 Road", Sublocality: "S", Locality: "L", Region: "R", PostalCode: "P1", CountryCode: "XX"},
		},
		{
			"missing country drops nothing",
			Address{Name: "X", Line1: "1 Road", Region: "R", PostalCode: "12345"},
			Address{Name: "X", Line1: "1 Road", Region: "R", PostalCode: "12345"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Normalize(tc.in)
			if got != tc.want {
				t.Errorf("Normalize(%+v)\n got %+v\nwant %+v", tc.in, got, tc.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("Normalize is not idempotent: %+v → %+v", got, again)
			}
		})
	}
}

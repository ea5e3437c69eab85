package address

import (
	"slices"
	"testing"
)

func TestLines(t *testing.T) {
	tests := []struct {
		name   string
		addr   Address
		locale string
		want   []string
	}{
		{"DE puts the postcode before the city", deAddress(), "de",
			[]string{"Max Mustermann", "Unter den Linden 1", "10117 Berlin", "Deutschland"}},
		{"DE country name follows the locale", deAddress(), "en",
			[]string{"Max Mustermann", "Unter den Linden 1", "10117 Berlin", "Germany"}},
		{"US writes city, state code and ZIP on one line", usAddress(func(a *Address) { a.Line2 = "Suite 100" }), "en",
			[]string{"Ann Smith", "1600 Amphitheatre Pkwy", "Suite 100", "Mountain View, CA 94043", "United States"}},
		{"US without a city drops the comma too", usAddress(locality("")), "en",
			[]string{"Ann Smith", "1600 Amphitheatre Pkwy", "CA 94043", "United States"}},
		{"JP writes the prefecture's name", jpAddress(), "en",
			[]string{"Ken Sato", "1-1 Chiyoda", "Chiyoda-ku, Tokyo", "100-0001", "Japan"}},
		{"GB writes the town above the postcode", gbAddress(postalCode("sw1a  2aa")), "fr",
			[]string{"Sam Jones", "10 Downing Street", "London", "SW1A 2AA", "Royaume-Uni"}},
		{"HK leaves out a postcode it does not use", hkAddress(postalCode("999077")), "es",
			[]string{"Li Wei", "1 Queen's Road Central", "Central", "Hong Kong Island", "Hong Kong"}},
		{"fields are normalized first", deAddress(country(" de "), line1("  Unter  den Linden 1 ")), "de",
			[]string{"Max Mustermann", "Unter den Linden 1", "10117 Berlin", "Deutschland"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Lines(tc.addr, tc.locale)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Lines(%+v, %s)\n got %q\nwant %q", tc.addr, tc.locale, got, tc.want)
			}
		})
	}
}

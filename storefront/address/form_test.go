package address

import (
	"regexp"
	"slices"
	"testing"

	bojanz "github.com/bojanz/address"
)

// formRow is what a test checks of one Input.
type formRow struct {
	name     string
	label    string
	required bool
	row      int
}

func rowsOf(inputs []Input) []formRow {
	rows := make([]formRow, len(inputs))
	for i, in := range inputs {
		rows[i] = formRow{in.Name, in.LabelID, in.Required, in.Row}
	}
	return rows
}

// lines123 are the three street lines every layout opens with.
var lines123 = []formRow{
	{"name", "address.name", true, 0},
	{"line1", "address.line1", true, 1},
	{"line2", "address.line2", false, 2},
	{"line3", "address.line3", false, 3},
}

func TestForm(t *testing.T) {
	tests := []struct {
		name    string
		country string
		want    []formRow
	}{
		{"US writes city, state and ZIP on one line", "US", append(slices.Clone(lines123),
			formRow{"locality", "address.locality.city", true, 4},
			formRow{"region", "address.region.state", true, 4},
			formRow{"postal_code", "address.postal_code.zip", true, 4},
		)},
		{"GB writes the town, then the postcode below", "GB", append(slices.Clone(lines123),
			formRow{"locality", "address.locality.town_city", true, 4},
			formRow{"postal_code", "address.postal_code.postal", true, 5},
		)},
		{"DE writes the postcode before the city", "DE", append(slices.Clone(lines123),
			formRow{"postal_code", "address.postal_code.postal", true, 4},
			formRow{"locality", "address.locality.city", true, 4},
		)},
		{"JP asks for a prefecture and an optional city", "JP", append(slices.Clone(lines123),
			formRow{"locality", "address.locality.city", false, 4},
			formRow{"region", "address.region.prefecture", true, 4},
			formRow{"postal_code", "address.postal_code.postal", true, 5},
		)},
		{"HK has a district and an area, and no postcode", "HK", append(slices.Clone(lines123),
			formRow{"locality", "address.locality.district", false, 4},
			formRow{"region", "address.region.area", true, 5},
		)},
		{"IE has a townland, a county and an optional Eircode", "IE", append(slices.Clone(lines123),
			formRow{"sublocality", "address.sublocality.townland", false, 4},
			formRow{"locality", "address.locality.city", true, 5},
			formRow{"region", "address.region.county", false, 6},
			formRow{"postal_code", "address.postal_code.eircode", false, 7},
		)},
		{"unknown country gets the generic form", "XX", append(slices.Clone(lines123),
			formRow{"locality", "address.locality.city", true, 4},
		)},
		{"lowercase country code is understood", "de", append(slices.Clone(lines123),
			formRow{"postal_code", "address.postal_code.postal", true, 4},
			formRow{"locality", "address.locality.city", true, 4},
		)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rowsOf(Form(tc.country, "en"))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Form(%q)\n got %v\nwant %v", tc.country, got, tc.want)
			}
		})
	}
}

func TestFormOptions(t *testing.T) {
	tests := []struct {
		name     string
		country  string
		locale   string
		count    int
		contains Region
	}{
		{"US states are listed by code", "US", "en", 62, Region{"CA", "California"}},
		{"JP prefectures are in Latin script for English", "JP", "en", 47, Region{"13", "Tokyo"}},
		{"JP prefectures stay Latin for a language the shop does not offer", "JP", "ja", 47, Region{"13", "Tokyo"}},
		{"CA provinces are in French for French", "CA", "fr", 13, Region{"BC", "Colombie-Britannique"}},
		{"CA provinces are in French for regional French", "CA", "fr-CA", 13, Region{"QC", "Québec"}},
		{"CA provinces are in English for German", "CA", "de", 13, Region{"BC", "British Columbia"}},
		{"HK areas are in Latin script", "HK", "en", 3, Region{"Kowloon", "Kowloon"}},
		{"IE counties are listed", "IE", "en", 51, Region{"CO", "Co Cork"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := inputNamed(t, Form(tc.country, tc.locale), "region")
			if len(in.Options) != tc.count {
				t.Errorf("%s has %d regions, want %d", tc.country, len(in.Options), tc.count)
			}
			if !slices.Contains(in.Options, tc.contains) {
				t.Errorf("%s regions lack %v: %v", tc.country, tc.contains, in.Options)
			}
		})
	}
	t.Run("countries without a region list have a text input", func(t *testing.T) {
		for _, in := range Form("DE", "de") {
			if len(in.Options) > 0 {
				t.Errorf("DE input %s has options", in.Name)
			}
		}
	})
}

func TestFormPattern(t *testing.T) {
	tests := []struct {
		name    string
		country string
		accepts []string
		refuses []string
	}{
		{"US pattern takes ZIP and ZIP+4", "US", []string{"94043", "94043-1351", "94043 1351"}, []string{"9404", "94043-13"}},
		{"GB pattern takes any case and spacing the server takes", "GB", []string{"SW1A 1AA", "sw1a 1aa", "Sw1a1aa", " SW1A 1AA "}, []string{"SW1A 1A", "GIR 0AAX", "QQ1 1AA"}},
		{"DE pattern takes five digits", "DE", []string{"10117"}, []string{"1011", "101170", "D-10117"}},
		{"JP pattern takes the hyphen or not", "JP", []string{"100-0001", "1000001"}, []string{"100-00011"}},
		{"IE pattern takes an Eircode", "IE", []string{"D02 X285", "d02x285"}, []string{"D02-X285"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pattern := inputNamed(t, Form(tc.country, "en"), "postal_code").Pattern
			if pattern == "" {
				t.Fatalf("%s postal_code has no pattern", tc.country)
			}
			// The browser anchors the attribute this way.
			re := regexp.MustCompile(`^(?:` + pattern + `)$`)
			for _, s := range tc.accepts {
				if !re.MatchString(s) {
					t.Errorf("pattern %s refuses %q", pattern, s)
				}
			}
			for _, s := range tc.refuses {
				if re.MatchString(s) {
					t.Errorf("pattern %s accepts %q", pattern, s)
				}
			}
		})
	}
	t.Run("only the postcode has a pattern", func(t *testing.T) {
		for _, in := range Form("US", "en") {
			if in.Name != "postal_code" && in.Pattern != "" {
				t.Errorf("%s has pattern %q", in.Name, in.Pattern)
			}
		}
	})
}

func TestFormEveryCountry(t *testing.T) {
	t.Run("every country asks for the name first", func(t *testing.T) {
		for _, c := range Countries("en", nil) {
			if got := rowsOf(Form(c.Code, "en"))[0]; got != lines123[0] {
				t.Errorf("%s: first input %v", c.Code, got)
			}
		}
	})
	t.Run("every country has each input once, labelled, rows in order", func(t *testing.T) {
		for _, c := range Countries("en", nil) {
			inputs := Form(c.Code, "en")
			seen := map[string]bool{}
			for i, in := range inputs {
				if seen[in.Name] || in.LabelID == "" || i > 0 && in.Row < inputs[i-1].Row {
					t.Errorf("%s input %d: %+v", c.Code, i, in)
				}
				seen[in.Name] = true
			}
		}
	})
	t.Run("every required field has an input", func(t *testing.T) {
		for code, f := range bojanz.GetFormats() {
			c, _ := lookupCountry(code)
			for _, field := range f.Required {
				if !c.uses(inputByField[field]) {
					t.Errorf("%s requires %s, which its layout lacks", code, field)
				}
			}
		}
	})
}

func inputNamed(t *testing.T, inputs []Input, name string) Input {
	t.Helper()
	for _, in := range inputs {
		if in.Name == name {
			return in
		}
	}
	t.Fatalf("no input %q in %v", name, inputs)
	return Input{}
}

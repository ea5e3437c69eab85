package address

import (
	"slices"
	"testing"

	bojanz "github.com/bojanz/address"
)

func TestCountriesFirst(t *testing.T) {
	tests := []struct {
		name  string
		first []string
		want  []string
	}{
		{"first codes lead in the event's order", []string{"JP", "DE", "US"}, []string{"JP", "DE", "US"}},
		{"unknown codes are skipped", []string{"XX", "DE", "", "EU"}, []string{"DE"}},
		{"repeated codes appear once", []string{"DE", "AT", "DE", "at"}, []string{"DE", "AT"}},
		{"codes are read in any case and spacing", []string{" gb ", "ie"}, []string{"GB", "IE"}},
		{"no first codes means alphabetical from the top", nil, []string{"AF", "AX", "AL"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := codes(Countries("en", tc.first))
			if !slices.Equal(got[:len(tc.want)], tc.want) {
				t.Errorf("Countries(en, %q) starts %v, want %v", tc.first, got[:len(tc.want)], tc.want)
			}
		})
	}
}

func TestCountriesList(t *testing.T) {
	known := bojanz.GetCountryCodes()
	for _, locale := range []string{"en", "de", "fr", "es"} {
		list := Countries(locale, []string{"DE", "AT", "CH"})
		t.Run(locale+": every known country appears exactly once", func(t *testing.T) {
			got := slices.Sorted(slices.Values(codes(list)))
			if !slices.Equal(got, known) {
				t.Errorf("codes differ from bojanz's %d codes: got %d", len(known), len(got))
			}
		})
		t.Run(locale+": every country has a name", func(t *testing.T) {
			for _, c := range list {
				if c.Name == "" {
					t.Errorf("%s has no name", c.Code)
				}
			}
		})
		t.Run(locale+": first codes are not repeated below", func(t *testing.T) {
			if i := slices.Index(codes(list)[3:], "DE"); i >= 0 {
				t.Errorf("DE appears again at %d", i+3)
			}
		})
	}
}

func TestCountriesOrder(t *testing.T) {
	tests := []struct {
		name   string
		locale string
		run    []string // names that must follow each other
	}{
		{"German sorts Ö with O", "de", []string{"Oman", "Österreich", "Pakistan"}},
		{"German sorts Ä with A", "de", []string{"Afghanistan", "Ägypten", "Ålandinseln"}},
		{"German sorts ü with u", "de", []string{"Tunesien", "Türkei", "Turkmenistan"}},
		{"French sorts É with E", "fr", []string{"Dominique", "Égypte", "Émirats arabes unis"}},
		{"French sorts É among its E words", "fr", []string{"États-Unis", "Éthiopie", "Fidji"}},
		{"French sorts Î with I", "fr", []string{"Honduras", "Hong Kong", "Hongrie", "Île Bouvet"}},
		{"Spanish sorts í with i", "es", []string{"Letonia", "Líbano", "Liberia"}},
		{"Spanish sorts Á with A", "es", []string{"Antigua y Barbuda", "Arabia Saudí"}},
		{"English sorts Å with A", "en", []string{"Afghanistan", "Åland Islands", "Albania"}},
		{"unsupported language sorts in English", "ja", []string{"Afghanistan", "Åland Islands", "Albania"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			names := namesOf(Countries(tc.locale, nil))
			i := slices.Index(names, tc.run[0])
			if i < 0 || i+len(tc.run) > len(names) || !slices.Equal(names[i:i+len(tc.run)], tc.run) {
				lo, hi := max(i-2, 0), min(i+len(tc.run)+2, len(names))
				t.Errorf("want %q in a row, got %q", tc.run, names[lo:hi])
			}
		})
	}
}

func TestCountryNames(t *testing.T) {
	tests := []struct {
		name   string
		locale string
		code   string
		want   string
	}{
		{"Germany in German", "de", "DE", "Deutschland"},
		{"Germany in Austrian German", "de-AT", "DE", "Deutschland"},
		{"Germany in French", "fr", "DE", "Allemagne"},
		{"Germany in Spanish", "es", "DE", "Alemania"},
		{"Germany in English", "en", "DE", "Germany"},
		{"Germany in an unsupported language is English", "ja", "DE", "Germany"},
		{"English names are CLDR 48's", "en", "TR", "Türkiye"},
		{"renamed country has its new German name", "de", "MK", "Nordmazedonien"},
		{"renamed country has its new Spanish name", "es", "SZ", "Esuatini"},
		{"Hong Kong has its short German name", "de", "HK", "Hongkong"},
		{"country display lacks falls back to English", "de", "CQ", "Sark"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range Countries(tc.locale, nil) {
				if c.Code == tc.code {
					if c.Name != tc.want {
						t.Errorf("%s in %s = %q, want %q", tc.code, tc.locale, c.Name, tc.want)
					}
					return
				}
			}
			t.Errorf("%s missing", tc.code)
		})
	}
}

func codes(list []Country) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Code
	}
	return out
}

func namesOf(list []Country) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Name
	}
	return out
}

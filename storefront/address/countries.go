package address

import (
	"slices"
	"strings"

	bojanz "github.com/bojanz/address"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Country is one entry of the country picker.
type Country struct{ Code, Name string }

// Countries lists every country bojanz knows, named in locale's language:
// first the codes in first (the event's most common countries, in the
// event's order; unknown codes and repeats skipped), then all the others
// in the alphabetical order of that language ("Österreich" sorts with the
// O's in German, "Égypte" with the E's in French). locale is one of en,
// de, fr, es in any regional variant; others get English.
func Countries(locale string, first []string) []Country {
	lang := pickLanguage(locale)
	top := topCountries(first)
	all := bojanz.GetCountryCodes()
	list := make([]Country, 0, len(all))
	for _, code := range top {
		list = append(list, Country{Code: code, Name: countryName(code, lang)})
	}
	var rest []Country
	for _, code := range all {
		if !slices.Contains(top, code) {
			rest = append(rest, Country{Code: code, Name: countryName(code, lang)})
		}
	}
	sortByName(rest, lang)
	return append(list, rest...)
}

// topCountries returns the known codes of first, uppercased, in order,
// each once.
func topCountries(first []string) []string {
	var top []string
	for _, code := range first {
		code = strings.ToUpper(strings.TrimSpace(code))
		if code != "" && bojanz.CheckCountryCode(code) && !slices.Contains(top, code) {
			top = append(top, code)
		}
	}
	return top
}

// sortByName sorts countries by name with the collation of lang; codes
// break ties so the order never depends on the input's.
func sortByName(countries []Country, lang language.Tag) {
	col := collate.New(lang)
	slices.SortFunc(countries, func(a, b Country) int {
		if c := col.CompareString(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
}

// countryName returns the name of a country in lang, "" for an unknown
// code. English names come from bojanz (CLDR 48); other languages from
// x/text's display tables (CLDR 32), with the few names that changed or
// read badly there overridden, and bojanz's English name when display has
// none (Sark).
// CountryName is the name of the country with an ISO code in locale's
// language (en, de, fr, es; others get English), or "" for an unknown code.
func CountryName(code, locale string) string {
	return countryName(strings.ToUpper(code), pickLanguage(locale))
}

func countryName(code string, lang language.Tag) string {
	english := bojanz.GetCountryNames()[code]
	if english == "" || lang == language.English {
		return english
	}
	if name := nameOverrides[code][lang.String()]; name != "" {
		return name
	}
	region, err := language.ParseRegion(code)
	if err != nil {
		return english
	}
	if name := display.Regions(lang).Name(region); name != "" {
		return name
	}
	return english
}

// nameOverrides replaces display's names where CLDR 32 is out of date
// (North Macedonia and Eswatini were renamed in 2018 and 2019) and for
// Hong Kong and Macao, whose long CLDR names ("Sonderverwaltungsregion
// Hongkong", "R.A.S. chinoise de Hong Kong") sort where no visitor looks;
// these are CLDR 48's names and short forms.
var nameOverrides = map[string]map[string]string{
	"MK": {"de": "Nordmazedonien", "fr": "Macédoine du Nord", "es": "Macedonia del Norte"},
	"SZ": {"de": "Eswatini", "fr": "Eswatini", "es": "Esuatini"},
	"HK": {"de": "Hongkong", "fr": "Hong Kong", "es": "Hong Kong"},
	"MO": {"de": "Macau", "fr": "Macao", "es": "Macao"},
}

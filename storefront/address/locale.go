package address

import (
	bojanz "github.com/bojanz/address"
	"golang.org/x/text/language"
)

// pickLanguage returns the storefront language closest to locale: German,
// French or Spanish when locale is one of them in any regional variant
// ("de-AT", "fr_CA"), English otherwise.
func pickLanguage(locale string) language.Tag {
	tag, err := language.Parse(locale)
	if err != nil {
		return language.English
	}
	base, _ := tag.Base()
	switch base.String() {
	case "de":
		return language.German
	case "fr":
		return language.French
	case "es":
		return language.Spanish
	}
	return language.English
}

// bojanzLocale converts a storefront language for bojanz, which uses it to
// pick local-script region names (French names for Canada's provinces).
func bojanzLocale(lang language.Tag) bojanz.Locale {
	return bojanz.NewLocale(lang.String())
}

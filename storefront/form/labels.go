package form

import (
	"cmp"
	"slices"
	"strings"
)

// LabelFor returns the field's label in locale, falling back to fallback,
// then to any label, then to the key.
func (f Field) LabelFor(locale, fallback string) string {
	return cmp.Or(localized(f.Label, locale, fallback), f.Key)
}

// HelpFor returns the field's help text in locale, falling back to
// fallback, then to any help text; "" when the field has none.
func (f Field) HelpFor(locale, fallback string) string {
	return localized(f.Help, locale, fallback)
}

// LabelFor returns the option's label in locale, falling back to fallback,
// then to any label, then to the option's value.
func (o Option) LabelFor(locale, fallback string) string {
	return cmp.Or(localized(o.Label, locale, fallback), o.Value)
}

// localized picks the text for locale from texts. A regional locale
// ("de-AT") falls back to its language ("de") before fallback; the last
// resort is the text of the alphabetically first locale, so the choice
// does not change from one render to the next.
func localized(texts map[string]string, locale, fallback string) string {
	for _, l := range []string{locale, baseLanguage(locale), fallback, baseLanguage(fallback)} {
		if s := strings.TrimSpace(texts[l]); s != "" {
			return texts[l]
		}
	}
	locales := make([]string, 0, len(texts))
	for l, s := range texts {
		if strings.TrimSpace(s) != "" {
			locales = append(locales, l)
		}
	}
	if len(locales) == 0 {
		return ""
	}
	return texts[slices.Min(locales)]
}

// baseLanguage returns the language subtag of a locale: "de" for "de-AT".
func baseLanguage(locale string) string {
	lang, _, _ := strings.Cut(strings.ReplaceAll(locale, "_", "-"), "-")
	return lang
}

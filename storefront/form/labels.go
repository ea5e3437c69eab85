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

// KeepLocales returns the texts of the locales an event offers, for a copy
// from an event that may offer others: texts in other languages would
// show where the event does not speak them. When none is in def (the
// event's default), the text in fromDef (the source event's default)
// becomes the def text, for the staff to translate; a text only in other
// languages is dropped. Nil stays nil.
func KeepLocales(texts map[string]string, locales []string, def, fromDef string) map[string]string {
	if texts == nil {
		return nil
	}
	out := make(map[string]string, len(locales))
	for _, l := range locales {
		if s := texts[l]; strings.TrimSpace(s) != "" {
			out[l] = s
		}
	}
	if _, ok := out[def]; !ok {
		if s := texts[fromDef]; strings.TrimSpace(s) != "" {
			out[def] = s
		}
	}
	return out
}

// ForLocales returns f with its label, help and option labels kept to
// the locales an event offers (see KeepLocales).
func (f Field) ForLocales(locales []string, def, fromDef string) Field {
	f.Label = KeepLocales(f.Label, locales, def, fromDef)
	f.Help = KeepLocales(f.Help, locales, def, fromDef)
	options := make([]Option, len(f.Options))
	for i, o := range f.Options {
		o.Label = KeepLocales(o.Label, locales, def, fromDef)
		options[i] = o
	}
	if f.Options == nil {
		options = nil
	}
	f.Options = options
	return f
}

package themes

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// DefaultLocale is the language of platform pages when nothing else matches.
const DefaultLocale = "en"

// Translations is the message catalogue: one TOML file per language in
// locales/, loaded with go-i18n. Localizers are made once per language.
type Translations struct {
	bundle     *i18n.Bundle
	locales    []string
	localizers map[string]*i18n.Localizer
}

func loadTranslations() (*Translations, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	paths, err := fs.Glob(files, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	tr := &Translations{bundle: b, localizers: map[string]*i18n.Localizer{}}
	for _, p := range paths {
		if _, err := b.LoadMessageFileFS(files, p); err != nil {
			return nil, fmt.Errorf("load %s: %w", p, err)
		}
		lang := strings.TrimSuffix(strings.TrimPrefix(p, "locales/"), ".toml")
		tr.locales = append(tr.locales, lang)
		tr.localizers[lang] = i18n.NewLocalizer(b, lang, DefaultLocale)
	}
	slices.Sort(tr.locales)
	return tr, nil
}

// Locales lists the languages with a translation file.
func (tr *Translations) Locales() []string { return tr.locales }

// T translates message id into lang, with optional template data given as
// key, value pairs. A missing message shows its id, which a test forbids.
func (tr *Translations) T(lang, id string, kv ...any) string {
	l, ok := tr.localizers[lang]
	if !ok {
		l = tr.localizers[DefaultLocale]
	}
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(kv) > 0 {
		data := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			data[fmt.Sprint(kv[i])] = kv[i+1]
		}
		cfg.TemplateData = data
	}
	s, err := l.Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// Negotiate picks the language of a response: an explicit choice (?lang=)
// when the event offers it, else the best match of Accept-Language among
// the offered languages, else fallback.
func Negotiate(choice, acceptLanguage string, offered []string, fallback string) string {
	if choice != "" && slices.Contains(offered, choice) {
		return choice
	}
	if acceptLanguage == "" || len(offered) == 0 {
		return fallback
	}
	tags := make([]language.Tag, 0, len(offered)+1)
	tags = append(tags, language.Make(fallback)) // the matcher's default
	for _, o := range offered {
		tags = append(tags, language.Make(o))
	}
	desired, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(desired) == 0 {
		return fallback
	}
	_, idx, conf := language.NewMatcher(tags).Match(desired...)
	if conf == language.No || idx == 0 {
		return fallback
	}
	return offered[idx-1]
}

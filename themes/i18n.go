package themes

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

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
	plain      map[string]*sync.Map // by language: message id → its translation without data, once asked
}

func loadTranslations() (*Translations, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	paths, err := fs.Glob(files, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	tr := &Translations{bundle: b, localizers: map[string]*i18n.Localizer{}, plain: map[string]*sync.Map{}}
	for _, p := range paths {
		if _, err := b.LoadMessageFileFS(files, p); err != nil {
			return nil, fmt.Errorf("load %s: %w", p, err)
		}
		lang := strings.TrimSuffix(strings.TrimPrefix(p, "locales/"), ".toml")
		tr.locales = append(tr.locales, lang)
		tr.localizers[lang] = i18n.NewLocalizer(b, lang, DefaultLocale)
		tr.plain[lang] = &sync.Map{}
	}
	slices.Sort(tr.locales)
	return tr, nil
}

// Locales lists the languages with a translation file.
func (tr *Translations) Locales() []string { return tr.locales }

// T translates message id into lang, with optional template data given as
// key, value pairs. A missing message shows its id, which a test forbids.
// A message asked for without data is translated once and kept: rendered
// pages ask for dozens each.
func (tr *Translations) T(lang, id string, kv ...any) string {
	l, ok := tr.localizers[lang]
	if !ok {
		lang, l = DefaultLocale, tr.localizers[DefaultLocale]
	}
	plain := tr.plain[lang]
	if len(kv) == 0 && plain != nil {
		if s, ok := plain.Load(id); ok {
			return s.(string)
		}
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
	if len(kv) == 0 && plain != nil {
		plain.Store(id, s) // only ids of the catalogue: bounded by it
	}
	return s
}

// Negotiate picks the language of a response: an explicit choice (?lang=)
// when the event offers it, else the best match of Accept-Language among
// the offered languages, else fallback.
func Negotiate(choice, acceptLanguage string, offered []string, fallback string) string {
	if i := slices.Index(offered, choice); choice != "" && i >= 0 {
		return offered[i] // not choice: a query's value may be the request's buffer, reused after it
	}
	if acceptLanguage == "" || len(offered) == 0 {
		return fallback
	}
	desired, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(desired) == 0 {
		return fallback
	}
	_, idx, conf := matcherFor(offered, fallback).Match(desired...)
	if conf == language.No || idx == 0 {
		return fallback
	}
	return offered[idx-1]
}

// matchers are the language matchers Negotiate made, by fallback and
// offered languages in order: an event's languages are a few of the
// platform's, so there are few, and making one allocates and sorts a good
// deal (it was most of a rendered page's language negotiation).
var matchers sync.Map

// maxMatchers bounds matchers, whatever callers offer: past it they are
// made afresh.
const maxMatchers = 1024

var matcherCount atomic.Int32

func matcherFor(offered []string, fallback string) language.Matcher {
	key := fallback + "\x00" + strings.Join(offered, "\x00")
	if m, ok := matchers.Load(key); ok {
		return m.(language.Matcher)
	}
	tags := make([]language.Tag, 0, len(offered)+1)
	tags = append(tags, language.Make(fallback)) // the matcher's default
	for _, o := range offered {
		tags = append(tags, language.Make(o))
	}
	m := language.NewMatcher(tags)
	if matcherCount.Load() < maxMatchers {
		if _, loaded := matchers.LoadOrStore(key, m); !loaded {
			matcherCount.Add(1)
		}
	}
	return m
}

package themes

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
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
	// filled are the messages of each language whose text only puts data
	// in ({{.Name}}, no plural forms), split where the data goes: T fills
	// them in without go-i18n's template (a text/template run and a map
	// per call; a confirmation email asks for a dozen). A message of the
	// language that is not that simple is there as nil.
	filled map[string]map[string]*fillIn
}

// fillIn is a message text as literal parts with the data's keys
// between them: lits[0] keys[0] lits[1] … keys[n-1] lits[n].
type fillIn struct {
	lits, keys []string
}

// simpleField is one {{.Key}} of a message's text.
var simpleField = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// newFillIn splits a message's text at its {{.Key}} fields, or returns
// nil when it has any other template action (or delimiters of its own).
func newFillIn(m *i18n.Message) *fillIn {
	if m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != "" ||
		(m.LeftDelim != "" && m.LeftDelim != "{{") || (m.RightDelim != "" && m.RightDelim != "}}") {
		return nil
	}
	text := m.Other
	f := &fillIn{}
	last := 0
	for _, at := range simpleField.FindAllStringSubmatchIndex(text, -1) {
		f.lits = append(f.lits, text[last:at[0]])
		f.keys = append(f.keys, text[at[2]:at[3]])
		last = at[1]
	}
	f.lits = append(f.lits, text[last:])
	for _, l := range f.lits {
		if strings.Contains(l, "{{") || strings.Contains(l, "}}") {
			return nil
		}
	}
	return f
}

// fill writes f with the values of kv (key, value pairs), as go-i18n's
// template would print them; false when kv lacks one of f's keys (the
// template would print "<no value>": go-i18n says so itself).
func (f *fillIn) fill(kv []any) (string, bool) {
	var b strings.Builder
	for i, key := range f.keys {
		b.WriteString(f.lits[i])
		found := false
		for j := 0; j+1 < len(kv); j += 2 {
			if k, ok := kv[j].(string); ok && k == key {
				switch v := kv[j+1].(type) {
				case string:
					b.WriteString(v)
				case int:
					b.WriteString(strconv.Itoa(v))
				default:
					fmt.Fprint(&b, v)
				}
				found = true
				break
			}
		}
		if !found {
			return "", false
		}
	}
	b.WriteString(f.lits[len(f.lits)-1])
	return b.String(), true
}

func loadTranslations() (*Translations, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	paths, err := fs.Glob(files, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	tr := &Translations{bundle: b, localizers: map[string]*i18n.Localizer{}, plain: map[string]*sync.Map{}, filled: map[string]map[string]*fillIn{}}
	for _, p := range paths {
		mf, err := b.LoadMessageFileFS(files, p)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", p, err)
		}
		lang := strings.TrimSuffix(strings.TrimPrefix(p, "locales/"), ".toml")
		tr.locales = append(tr.locales, lang)
		tr.localizers[lang] = i18n.NewLocalizer(b, lang, DefaultLocale)
		tr.plain[lang] = &sync.Map{}
		tr.filled[lang] = make(map[string]*fillIn, len(mf.Messages))
		for _, m := range mf.Messages {
			tr.filled[lang][m.ID] = newFillIn(m)
		}
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
	if len(kv) > 0 {
		f, ok := tr.filled[lang][id]
		if !ok { // not in this language's file: go-i18n would fall back
			f = tr.filled[DefaultLocale][id]
		}
		if f != nil {
			if s, ok := f.fill(kv); ok {
				return s
			}
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

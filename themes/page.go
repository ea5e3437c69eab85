package themes

import (
	"html/template"
	"net/url"
	"strings"
	"time"

	"marquee/branding"
)

// Page is what every page template receives: the language, the event's look
// (nil on platform pages) and the translator. Page structs embed it.
type Page struct {
	Lang      string
	Languages []string // the languages the visitor may switch to
	Brand     *Brand
	// Zone is the event's time zone, which EventTime shows times in; nil
	// (platform pages) is UTC.
	Zone *time.Location
	// Meta is the page's own description for search results and link
	// previews; "" takes the event's (see MetaDescription).
	Meta  string
	Shell *Shell // the console's frame; nil on the storefront and signed-out pages
	// LinkQuery is what the page's language links keep of its address:
	// the signature of an order's link, without which the page is a 404.
	LinkQuery url.Values
	tr        *Translations
}

// LangHref is the address of this page in language l.
func (p Page) LangHref(l string) string {
	q := url.Values{}
	for k, v := range p.LinkQuery {
		q[k] = v
	}
	q.Set("lang", l)
	return "?" + q.Encode()
}

// Brand is the part of an event's branding the layout needs.
type Brand struct {
	Title            string
	Theme            string
	Colours          branding.Colours
	LogoURL, HeroURL string // "" when the event has none
	Font             string // CSS font stack; "" for the default
	SelfHostedFont   bool   // the page must load themes/static/fonts/fonts.css
	// The social preview (Open Graph) and the favicon.
	SocialTitle, Description, SocialImageURL, FaviconURL string
}

// NewPage returns a base page in lang, branded when b is not nil.
func (s *Set) NewPage(lang string, languages []string, b *Brand) Page {
	return Page{Lang: lang, Languages: languages, Brand: b, tr: s.i18n}
}

// T translates a message ID into the page's language.
func (p Page) T(id string, kv ...any) string { return p.tr.T(p.Lang, id, kv...) }

// LanguageName is a language's own name ("Deutsch"), for the switcher.
func (p Page) LanguageName(lang string) string { return p.tr.T(lang, "language.name") }

// ColourVars are the brand colours as CSS custom properties. The colours
// were validated as #rrggbb when stored, so they are safe CSS.
func (p Page) ColourVars() template.CSS {
	if p.Brand == nil {
		return ""
	}
	c := p.Brand.Colours
	css := "--primary:" + c.Primary + ";--accent:" + c.Accent + ";--background:" + c.Background + ";--text:" + c.Text + ";"
	if p.Brand.Font != "" {
		css += "--font:" + p.Brand.Font + ";" // from branding.Fonts, never from input
	}
	return template.CSS(css)
}

// metaLength is how much of a description search results show.
const metaLength = 160

// MetaDescription is the page's <meta name="description">: its own
// (Meta: a product's), else the event's tagline or social description,
// else a sentence naming the event; on platform pages, the platform's.
// Cut at a word near metaLength.
func (p Page) MetaDescription() string {
	d := p.Meta
	switch {
	case d != "":
	case p.Brand != nil && p.Brand.Description != "":
		d = p.Brand.Description
	case p.Brand != nil:
		d = p.T("meta.event", "Event", p.Brand.Title)
	default:
		d = p.T("meta.platform")
	}
	d = strings.Join(strings.Fields(d), " ")
	if r := []rune(d); len(r) > metaLength {
		cut := string(r[:metaLength-1])
		if i := strings.LastIndexByte(cut, ' '); i > metaLength/2 {
			cut = cut[:i]
		}
		d = strings.TrimRight(cut, " ,;:.") + "…"
	}
	return d
}

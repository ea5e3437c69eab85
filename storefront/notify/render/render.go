// Package render turns what happened to an order into emails: the
// attendee's confirmation and status updates, and the supplier's order and
// list. The templates are themes/email, parsed once by New (html/template
// for the HTML part, text/template for the plain-text part, which carries
// the same information); the words are the themes' translations, in the
// order's language for attendees and the event's default language for
// suppliers.
package render

import (
	"cmp"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/mail"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"marquee/branding"
	"marquee/storefront/form"
	"marquee/storefront/notify"
	"marquee/themes"
)

// Event is what an email needs to know about the event it speaks for.
type Event struct {
	Name, Slug, DefaultLocale string
	Locales                   []string
	Currency                  string
	BaseURL                   string // the event's own origin, e.g. https://devcon.example.com
	Branding                  branding.Branding
	LogoURL                   string // absolute, or "" for none
	Fields                    []form.Field
	Ships                     bool
	FromAddress, ReplyTo      string
	Zone                      *time.Location // the event's time zone, which times are shown in; nil is UTC
}

// KindName is a kind with its name in one language, for the console's menu
// of templates.
type KindName struct {
	Kind notify.Kind
	Name string
}

// Renderer renders every kind of email from templates parsed once. It is
// safe for concurrent use.
type Renderer struct {
	tr   *themes.Translations
	md   *branding.Markdown // staff's messages to attendees
	html map[notify.Kind]*htmltemplate.Template
	text map[notify.Kind]*texttemplate.Template
}

// supplierKinds are the emails to suppliers, after notify.AttendeeKinds in
// every list.
var supplierKinds = []notify.Kind{notify.KindSupplierOrder, notify.KindSupplierBatch, notify.KindSupplierCancelled, notify.KindSupplierChanged}

// otherKinds are the emails to neither an order's attendee nor a supplier,
// after the supplier's in every list.
var otherKinds = []notify.Kind{notify.KindWaitlistOffer, notify.KindAttendeeMessage, notify.KindWebhookDisabled}

func allKinds() []notify.Kind {
	return append(append(slices.Clone(notify.AttendeeKinds), supplierKinds...), otherKinds...)
}

func isAttendeeKind(k notify.Kind) bool { return slices.Contains(notify.AttendeeKinds, k) }

// textFuncs are the helpers of the plain-text templates.
var textFuncs = texttemplate.FuncMap{"underline": underline}

// New parses the email templates of themes.Email, one HTML and one text
// template per kind.
func New(set *themes.Set) (*Renderer, error) {
	r := &Renderer{tr: set.Translations(), md: branding.NewMarkdown(), html: map[notify.Kind]*htmltemplate.Template{},
		text: map[notify.Kind]*texttemplate.Template{}}
	fsys := themes.Email()
	for _, k := range allKinds() {
		files := templateFiles(k)
		h, err := htmltemplate.ParseFS(fsys, withExt(files, ".html")...)
		if err != nil {
			return nil, fmt.Errorf("render: parse %s.html: %w", k, err)
		}
		t, err := texttemplate.New("layout.txt").Funcs(textFuncs).ParseFS(fsys, withExt(files, ".txt")...)
		if err != nil {
			return nil, fmt.Errorf("render: parse %s.txt: %w", k, err)
		}
		r.html[k], r.text[k] = h, t
	}
	return r, nil
}

// templateFiles names the files of kind k without their extension: the
// layout, the shared blocks, the attendee body when k is for an attendee,
// and the blocks of k itself.
func templateFiles(k notify.Kind) []string {
	files := []string{"layout", "parts"}
	if isAttendeeKind(k) {
		files = append(files, "attendee")
	}
	return append(files, string(k))
}

func withExt(names []string, ext string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + ext
	}
	return out
}

// Kinds lists every email kind with its name in lang: the attendee's in
// the order an order lives them, then the supplier's.
func (r *Renderer) Kinds(lang string) []KindName {
	kinds := allKinds()
	out := make([]KindName, len(kinds))
	for i, k := range kinds {
		out[i] = KindName{Kind: k, Name: r.tr.T(lang, "email.kind."+string(k))}
	}
	return out
}

// frame is what every email's templates receive: the language, the
// event's look and the translator. The kinds' views embed it.
type frame struct {
	Lang    string
	Subject string // rendered first, for the HTML part's <title>
	Event   string // the event's title in Lang
	LogoURL string
	// Primary is the brand's colour, validated, so safe as CSS; OnPrimary
	// is the text colour that reads on it.
	Primary, OnPrimary htmltemplate.CSS
	tr                 *themes.Translations
}

// T translates a message ID into the email's language.
func (m *frame) T(id string, kv ...any) string { return m.tr.T(m.Lang, id, kv...) }

// Labelled writes "label: value" the way the email's language does
// ("Total: €35.00", "Total : 35,00 €").
func (m *frame) Labelled(label string, value any) string {
	return m.T("email.labelled", "Label", label, "Value", value)
}

func (m *frame) base() *frame { return m }

// view is the data of one email's templates.
type view interface{ base() *frame }

func (r *Renderer) newFrame(ev Event, lang string) frame {
	primary := ev.Branding.Colours.Primary
	if _, err := branding.ContrastRatio(primary, "#ffffff"); err != nil {
		primary = branding.DefaultColours.Primary // never stored (Validate), but never CSS from elsewhere either
	}
	return frame{Lang: lang, Event: oneLine(cmp.Or(ev.Branding.CopyFor(lang, ev.DefaultLocale).Title, ev.Name)),
		LogoURL: ev.LogoURL, Primary: htmltemplate.CSS(primary), OnPrimary: htmltemplate.CSS(textOn(primary)), tr: r.tr}
}

// textOn picks white or near-black text for a background, whichever
// contrasts more: a brand's primary colour may be light or dark, and the
// branding's contrast check is against its own background, not white.
func textOn(bg string) string {
	const dark = "#1b1b1f"
	white, _ := branding.ContrastRatio(bg, "#ffffff")
	black, _ := branding.ContrastRatio(bg, dark)
	if white >= black {
		return "#ffffff"
	}
	return dark
}

// message renders kind with v and addresses it.
func (r *Renderer) message(kind notify.Kind, ev Event, to []string, v view, attachments []notify.Attachment) (notify.Message, error) {
	if err := checkAddresses(ev, to); err != nil {
		return notify.Message{}, err
	}
	if err := r.renderSubject(kind, v); err != nil {
		return notify.Message{}, err
	}
	var html, text strings.Builder
	if err := r.html[kind].ExecuteTemplate(&html, "layout", v); err != nil {
		return notify.Message{}, fmt.Errorf("render: %s.html: %w", kind, err)
	}
	if err := r.text[kind].ExecuteTemplate(&text, "layout", v); err != nil {
		return notify.Message{}, fmt.Errorf("render: %s.txt: %w", kind, err)
	}
	return notify.Message{FromName: oneLine(ev.Name), FromAddress: ev.FromAddress, ReplyTo: ev.ReplyTo,
		To: slices.Clone(to), Subject: v.base().Subject, HTML: html.String(), Text: tidy(text.String()),
		Attachments: attachments, Headers: map[string]string{"X-Marquee-Kind": string(kind)}}, nil
}

func (r *Renderer) renderSubject(kind notify.Kind, v view) error {
	var b strings.Builder
	if err := r.text[kind].ExecuteTemplate(&b, "subject", v); err != nil {
		return fmt.Errorf("render: %s subject: %w", kind, err)
	}
	v.base().Subject = oneLine(b.String())
	return nil
}

// checkAddresses accepts bare addresses only ("ada@example.com", not
// "Ada <ada@example.com>"), so no address can carry a display name or a
// second recipient into a header. From and Reply-To may be empty: the
// sender has the platform's.
func checkAddresses(ev Event, to []string) error {
	if len(to) == 0 {
		return errors.New("render: no recipient")
	}
	for _, a := range to {
		if !bareAddress(a) {
			return fmt.Errorf("render: recipient %q is not an email address", a)
		}
	}
	for _, a := range []string{ev.FromAddress, ev.ReplyTo} {
		if a != "" && !bareAddress(a) {
			return fmt.Errorf("render: sender address %q is not an email address", a)
		}
	}
	return nil
}

func bareAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

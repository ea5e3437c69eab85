package console

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"marquee/storefront/notify"
	"marquee/storefront/notify/render"
	"marquee/tenant"
	"marquee/themes"
)

// EmailPreviews shows every email an event sends, with sample data, to
// those who shape what attendees read; jobs.Deps implements it.
type EmailPreviews interface {
	// Kinds lists the email templates with their names in lang; Preview
	// renders one with sample data in an event's branding.
	Kinds(lang string) []render.KindName
	Preview(ctx context.Context, t *tenant.Tenant, kind notify.Kind, lang string) (notify.Message, error)
}

// previewRoles may preview an event's emails: the people who shape what
// attendees read.
var previewRoles = editorRoles

// staffPage is a console page in the staff member's language, from the
// browser's languages alone: on the preview pages ?lang= names the
// language of the email, not of the console.
func (h *Console) staffPage(c *fiber.Ctx) themes.Page {
	offered := h.Themes.Translations().Locales()
	l := themes.Negotiate("", c.Get(fiber.HeaderAcceptLanguage), offered, themes.DefaultLocale)
	p := h.Themes.NewPage(l, nil, nil)
	p.Shell = h.shell(c, p)
	return p
}

// EmailsPage lists every email of an event, each with a preview link per
// language of the event.
type EmailsPage struct {
	themes.Page
	Event, Slug string
	Kinds       []KindRow
}

// KindRow is one email template.
type KindRow struct {
	Kind, Name string
	Previews   []PreviewLink
}

// PreviewLink opens a preview in one language.
type PreviewLink struct {
	Lang, Language, Link string
	Current              bool
}

func previewLinks(p themes.Page, t *tenant.Tenant, kind notify.Kind, current string) []PreviewLink {
	out := make([]PreviewLink, 0, len(t.Locales))
	for _, l := range t.Locales {
		out = append(out, PreviewLink{Lang: l, Language: p.LanguageName(l), Current: l == current,
			Link: "/events/" + t.Slug + "/emails/" + string(kind) + "?" + url.Values{"lang": {l}}.Encode()})
	}
	return out
}

func (h *Console) emailPreviews(c *fiber.Ctx) error {
	t, err := h.event(c, previewRoles)
	if err != nil {
		return err
	}
	base := h.staffPage(c)
	p := EmailsPage{Page: base, Event: t.Name, Slug: t.Slug}
	for _, k := range h.EmailPreviews.Kinds(base.Lang) {
		p.Kinds = append(p.Kinds, KindRow{Kind: string(k.Kind), Name: k.Name, Previews: previewLinks(base, t, k.Kind, "")})
	}
	return h.render(c, fiber.StatusOK, "console_emails", p, base.Lang)
}

// previewParams are the event, the kind and the language of a preview
// route: a kind the platform does not send, or a language the event does
// not offer, is not found.
func (h *Console) previewParams(c *fiber.Ctx) (*tenant.Tenant, notify.Kind, string, error) {
	t, err := h.event(c, previewRoles)
	if err != nil {
		return nil, "", "", err
	}
	lang := c.Query("lang", t.DefaultLocale)
	if !slices.Contains(t.Locales, lang) {
		return nil, "", "", errPageNotFound
	}
	kind := notify.Kind(c.Params("kind"))
	for _, k := range h.EmailPreviews.Kinds(lang) {
		if k.Kind == kind {
			return t, kind, lang, nil
		}
	}
	return nil, "", "", errPageNotFound
}

// EmailPreviewPage is one email rendered with sample data.
type EmailPreviewPage struct {
	themes.Page
	Event, Slug, KindName, Language  string
	Subject, From, ReplyTo, To, Text string
	HTMLSrc                          string
	Previews                         []PreviewLink // the same email in the event's other languages
	Attachments                      []string
}

// renderedPreview is the email a preview route names, rendered with
// sample data.
func (h *Console) renderedPreview(c *fiber.Ctx) (*tenant.Tenant, notify.Kind, string, notify.Message, error) {
	t, kind, lang, err := h.previewParams(c)
	if err != nil {
		return nil, "", "", notify.Message{}, err
	}
	m, err := h.EmailPreviews.Preview(c.UserContext(), t, kind, lang)
	return t, kind, lang, m, err
}

func (h *Console) emailPreview(c *fiber.Ctx) error {
	t, kind, lang, m, err := h.renderedPreview(c)
	if err != nil {
		return err
	}
	base := h.staffPage(c)
	p := EmailPreviewPage{Page: base, Event: t.Name, Slug: t.Slug, KindName: base.T("email.kind." + string(kind)),
		Language: base.LanguageName(lang), Subject: m.Subject, From: fromHeader(m), ReplyTo: m.ReplyTo, To: strings.Join(m.To, ", "),
		Text: m.Text, Previews: previewLinks(base, t, kind, lang),
		HTMLSrc: "/events/" + t.Slug + "/emails/" + string(kind) + "/html?" + url.Values{"lang": {lang}}.Encode()}
	for _, a := range m.Attachments {
		p.Attachments = append(p.Attachments, a.Name)
	}
	return h.render(c, fiber.StatusOK, "console_email_preview", p, base.Lang)
}

func (h *Console) emailPreviewHTML(c *fiber.Ctx) error {
	_, _, _, m, err := h.renderedPreview(c)
	if err != nil {
		return err
	}
	return sendEmailHTML(c, withInlineImages(m))
}

package console

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/themes"
)

// MessageFormPage writes a new message or changes a draft: a subject and
// a body per language of the event, and whom it is for.
type MessageFormPage struct {
	themes.Page
	CSRF, Event, Slug, Action, Cancel, Heading, Button string
	Problem, ProblemField                              string
	Texts                                              []MessageLanguage
	Audiences                                          []OptionRow
}

// MessageLanguage is the message's inputs in one language.
type MessageLanguage struct {
	Lang, Language, SubjectField, BodyField, Subject, Body string
}

func (h *Console) newMessage(c *fiber.Ctx) error {
	t, err := h.event(c, messageRoles)
	if err != nil {
		return err
	}
	return h.renderMessageForm(c, t, fiber.StatusOK, nil, nil, url.Values{"audience": {"all"}})
}

func (h *Console) editMessage(c *fiber.Ctx) error {
	t, err := h.event(c, messageRoles)
	if err != nil {
		return err
	}
	m, err := h.messageParam(c, t)
	if err != nil {
		return err
	}
	if m.State != storefront.MessageDraft {
		return marquee.New(marquee.ECONFLICT, "message.not_draft")
	}
	form := url.Values{"audience": {audienceValue(m.Audience)}}
	for lang, text := range m.Texts {
		form.Set(storefront.MessageSubjectField(lang), text.Subject)
		form.Set(storefront.MessageBodyField(lang), text.Body)
	}
	return h.renderMessageForm(c, t, fiber.StatusOK, m, nil, form)
}

// renderMessageForm shows the form with form's values (and refused's
// message on its field): a new message's when m is nil, else m's.
func (h *Console) renderMessageForm(c *fiber.Ctx, t *tenant.Tenant, status int, m *storefront.Message, refused error, form url.Values) error {
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	base := h.page(c)
	link := "/events/" + t.Slug + "/messages"
	p := MessageFormPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Action: link, Cancel: link,
		Heading: base.T("console.messages.new"), Button: base.T("console.messages.save_preview")}
	if m != nil {
		p.Action, p.Cancel = link+"/"+m.ID.String(), link+"/"+m.ID.String()
		p.Heading = base.T("console.messages.edit")
	}
	p.Problem, p.ProblemField = formRefusal(base, refused)
	for _, lang := range t.Locales {
		p.Texts = append(p.Texts, MessageLanguage{Lang: lang, Language: base.LanguageName(lang),
			SubjectField: storefront.MessageSubjectField(lang), BodyField: storefront.MessageBodyField(lang),
			Subject: form.Get(storefront.MessageSubjectField(lang)), Body: form.Get(storefront.MessageBodyField(lang))})
	}
	chosen := form.Get("audience")
	for _, o := range audienceOptions(base, t, cat) {
		o.Selected = o.Value == chosen
		p.Audiences = append(p.Audiences, o)
	}
	return h.render(c, status, "console_message_form", p, base.Lang)
}

// messageFromForm reads a message from its form: the texts in every
// language of the event and an audience of the event's catalogue.
func messageFromForm(t *tenant.Tenant, cat storefront.Catalogue, form url.Values) (storefront.Message, error) {
	m := storefront.Message{Texts: map[string]storefront.MessageText{}}
	for _, lang := range t.Locales {
		m.Texts[lang] = storefront.MessageText{Subject: strings.TrimSpace(form.Get(storefront.MessageSubjectField(lang))),
			Body: strings.ReplaceAll(form.Get(storefront.MessageBodyField(lang)), "\r\n", "\n")}
	}
	a, ok := parseAudience(cat, form.Get("audience"))
	if !ok {
		return m, marquee.Invalid("audience", "message.audience_invalid")
	}
	m.Audience = a
	return m, m.Validate(t.Locales)
}

// parseAudience reads the select's value; a product or option must be
// the event's (another event's id is refused like a made-up one).
func parseAudience(cat storefront.Catalogue, v string) (storefront.Audience, bool) {
	kind, rest, _ := strings.Cut(v, ":")
	switch storefront.AudienceKind(kind) {
	case storefront.AudienceAll:
		return storefront.Audience{Kind: storefront.AudienceAll}, rest == ""
	case storefront.AudienceStatus:
		return storefront.Audience{Kind: storefront.AudienceStatus, Status: storefront.Status(rest)}, true
	case storefront.AudienceProduct, storefront.AudienceVariant:
		id, err := uuid.Parse(rest)
		if err != nil {
			return storefront.Audience{}, false
		}
		for _, p := range cat.Products {
			if kind == string(storefront.AudienceProduct) && p.ID == id {
				return storefront.Audience{Kind: storefront.AudienceProduct, ProductID: id}, true
			}
			for _, o := range p.Variants {
				if kind == string(storefront.AudienceVariant) && o.ID == id {
					return storefront.Audience{Kind: storefront.AudienceVariant, VariantID: id}, true
				}
			}
		}
	}
	return storefront.Audience{}, false
}

// createMessage saves a new draft and shows its preview; a refused form
// comes back with what was typed.
func (h *Console) createMessage(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return "", err
	}
	m, err := messageFromForm(t, cat, form)
	if status := refusalStatus(err); status != 0 {
		return "", h.renderMessageForm(c, t, status, nil, err, form)
	} else if err != nil {
		return "", err
	}
	m.CreatedBy = current(c).staff.Email
	id, err := h.Messages.CreateMessage(c.UserContext(), t.ID, m)
	if err != nil {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/messages/"+id.String(), "message_saved"), nil
}

// updateMessage changes the route's draft.
func (h *Console) updateMessage(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	old, err := h.messageParam(c, t)
	if err != nil {
		return "", err
	}
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return "", err
	}
	m, err := messageFromForm(t, cat, form)
	if err == nil {
		m.ID = old.ID
		err = h.Messages.UpdateMessage(c.UserContext(), t.ID, m)
	}
	if status := refusalStatus(err); status != 0 {
		return "", h.renderMessageForm(c, t, status, old, err, form)
	} else if err != nil {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/messages/"+old.ID.String(), "message_saved"), nil
}

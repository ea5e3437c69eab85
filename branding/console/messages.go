package console

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// Messages are an event's messages to its attendees (issue 18); db.DB
// implements it.
type Messages interface {
	Messages(ctx context.Context, tenantID uuid.UUID, limit, offset int) ([]storefront.Message, int, error)
	Message(ctx context.Context, tenantID, id uuid.UUID) (*storefront.Message, error)
	CreateMessage(ctx context.Context, tenantID uuid.UUID, m storefront.Message) (uuid.UUID, error)
	UpdateMessage(ctx context.Context, tenantID uuid.UUID, m storefront.Message) error
	AudienceCount(ctx context.Context, tenantID uuid.UUID, a storefront.Audience) (int, error)
	SendMessage(ctx context.Context, tenantID, id, staffID uuid.UUID, staffEmail string) (int, error)
}

// MessagePreviews renders a message as an attendee in lang receives it,
// in the event's branding; jobs.Deps implements it.
type MessagePreviews interface {
	MessagePreview(ctx context.Context, t *tenant.Tenant, m *storefront.Message, lang string) (notify.Message, error)
}

// messageRoles may write to an event's attendees: the owner, marketing
// (what the event tells people) and fulfilment (where and when to collect).
var messageRoles = []staff.Role{staff.RoleOwner, staff.RoleMarketing, staff.RoleFulfilment}

const messagesPerPage = 20

// MessagesPage lists an event's messages, newest first, with each one's
// progress.
type MessagesPage struct {
	themes.Page
	Event, Slug string
	Messages    []MessageRow
	Total       int
	Prev, Next  string
}

// MessageRow is one message in the list.
type MessageRow struct {
	ID, Subject, Audience, State, StateClass, At, Link string
	Total, Sent, Remaining, Failed                     int
}

func (h *Console) messages(c *fiber.Ctx) error {
	t, err := h.event(c, messageRoles)
	if err != nil {
		return err
	}
	page, _ := strconv.Atoi(c.Query("page"))
	page = max(page, 1)
	list, total, err := h.Messages.Messages(c.UserContext(), t.ID, messagesPerPage, (page-1)*messagesPerPage)
	if err != nil {
		return err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	p := MessagesPage{Page: base, Event: t.Name, Slug: t.Slug, Total: total}
	link := "/events/" + t.Slug + "/messages"
	for _, m := range list {
		p.Messages = append(p.Messages, MessageRow{ID: m.ID.String(), Subject: m.Text(base.Lang, t.DefaultLocale).Subject,
			Audience: audienceName(base, t, cat, m.Audience), State: base.T("console.messages.state_" + string(m.State)),
			StateClass: string(m.State), At: consoleTime(base, messageTime(&m)), Link: link + "/" + m.ID.String(),
			Total: m.Progress.Total, Sent: m.Progress.Sent, Remaining: m.Progress.Remaining(), Failed: m.Progress.Failed})
	}
	if page > 1 {
		p.Prev = link + "?" + url.Values{"page": {strconv.Itoa(page - 1)}}.Encode()
	}
	if page*messagesPerPage < total {
		p.Next = link + "?" + url.Values{"page": {strconv.Itoa(page + 1)}}.Encode()
	}
	return h.render(c, fiber.StatusOK, "console_messages", p, base.Lang)
}

// messageTime is when a message was sent, or else last changed.
func messageTime(m *storefront.Message) time.Time {
	if m.SentAt != nil {
		return *m.SentAt
	}
	return m.UpdatedAt
}

// audienceName says whom a message is for, in the page's language.
func audienceName(p themes.Page, t *tenant.Tenant, cat storefront.Catalogue, a storefront.Audience) string {
	for _, o := range audienceOptions(p, t, cat) {
		if o.Value == audienceValue(a) {
			return o.Label
		}
	}
	return p.T("console.messages.audience_gone")
}

// audienceValue is an audience as the form's select names it: "all",
// "product:ID", "variant:ID", "status:STATUS".
func audienceValue(a storefront.Audience) string {
	switch a.Kind {
	case storefront.AudienceProduct:
		return "product:" + a.ProductID.String()
	case storefront.AudienceVariant:
		return "variant:" + a.VariantID.String()
	case storefront.AudienceStatus:
		return "status:" + string(a.Status)
	}
	return string(storefront.AudienceAll)
}

// audienceOptions are the choices of the form's audience: everyone, each
// product, each option of a product with several, each status.
func audienceOptions(p themes.Page, t *tenant.Tenant, cat storefront.Catalogue) []OptionRow {
	out := []OptionRow{{Value: "all", Label: p.T("console.messages.audience_all")}}
	for _, prod := range cat.Products {
		name := prod.Name.In(p.Lang, t.DefaultLocale)
		out = append(out, OptionRow{Value: "product:" + prod.ID.String(), Label: p.T("console.messages.audience_product", "Product", name)})
		if len(prod.Variants) < 2 {
			continue
		}
		for _, v := range prod.Variants {
			out = append(out, OptionRow{Value: "variant:" + v.ID.String(),
				Label: p.T("console.messages.audience_product", "Product", name+" · "+v.Label.In(p.Lang, t.DefaultLocale))})
		}
	}
	for _, s := range storefront.MessageStatuses {
		out = append(out, OptionRow{Value: "status:" + string(s), Label: p.T("console.messages.audience_status", "Status", p.T("status."+string(s)))})
	}
	return out
}

// messageParam is the route's message, if it is the event's.
func (h *Console) messageParam(c *fiber.Ctx, t *tenant.Tenant) (*storefront.Message, error) {
	id, err := uuid.Parse(c.Params("message"))
	if err != nil {
		return nil, errPageNotFound
	}
	return h.Messages.Message(c.UserContext(), t.ID, id)
}

// MessagePage shows one message: its progress once sent, what it says in
// each language (rendered as attendees get it), whom it reaches, and for
// a draft the links to change and to send it.
type MessagePage struct {
	themes.Page
	Event, Slug, Link, Audience, State, StateClass string
	Draft                                          bool
	Reach                                          int // a draft: how many it would reach now
	Progress                                       storefront.MessageProgress
	Remaining                                      int
	SentBy, SentAt, FinishedAt                     string
	Previews                                       []MessagePreviewRow
}

// MessagePreviewRow is the message in one language.
type MessagePreviewRow struct {
	Lang, Language, Subject, ReplyTo, Text, HTMLSrc string
}

func (h *Console) message(c *fiber.Ctx) error {
	t, err := h.event(c, messageRoles)
	if err != nil {
		return err
	}
	m, err := h.messageParam(c, t)
	if err != nil {
		return err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	cat, err := h.Products.Catalogue(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	link := "/events/" + t.Slug + "/messages/" + m.ID.String()
	p := MessagePage{Page: base, Event: t.Name, Slug: t.Slug, Link: link, Audience: audienceName(base, t, cat, m.Audience),
		State: base.T("console.messages.state_" + string(m.State)), StateClass: string(m.State), Draft: m.State == storefront.MessageDraft,
		Progress: m.Progress, Remaining: m.Progress.Remaining(), SentBy: m.SentBy}
	if m.SentAt != nil {
		p.SentAt = consoleTime(base, *m.SentAt)
	}
	if m.Finished != nil {
		p.FinishedAt = consoleTime(base, *m.Finished)
	}
	if p.Draft {
		if p.Reach, err = h.Messages.AudienceCount(c.UserContext(), t.ID, m.Audience); err != nil {
			return err
		}
	}
	for _, lang := range t.Locales {
		mail, err := h.MessagePreviews.MessagePreview(c.UserContext(), t, m, lang)
		if err != nil {
			return err
		}
		p.Previews = append(p.Previews, MessagePreviewRow{Lang: lang, Language: base.LanguageName(lang), Subject: mail.Subject,
			ReplyTo: mail.ReplyTo, Text: mail.Text, HTMLSrc: link + "/html?" + url.Values{"lang": {lang}}.Encode()})
	}
	return h.render(c, fiber.StatusOK, "console_message", p, base.Lang)
}

// messageHTML is a message's HTML part in one language of the event, for
// the preview's sandboxed frame.
func (h *Console) messageHTML(c *fiber.Ctx) error {
	t, err := h.event(c, messageRoles)
	if err != nil {
		return err
	}
	m, err := h.messageParam(c, t)
	if err != nil {
		return err
	}
	lang := c.Query("lang", t.DefaultLocale)
	if !slices.Contains(t.Locales, lang) {
		return errPageNotFound
	}
	mail, err := h.MessagePreviews.MessagePreview(c.UserContext(), t, m, lang)
	if err != nil {
		return err
	}
	return sendEmailHTML(c, mail.HTML)
}

// askSendMessage asks before sending: to how many people, and that it
// cannot be taken back.
func (h *Console) askSendMessage(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	m, err := h.messageParam(c, t)
	if err != nil {
		return confirmation{}, err
	}
	link := "/events/" + t.Slug + "/messages/" + m.ID.String()
	if m.State != storefront.MessageDraft {
		return confirmation{heading: p.T("message.not_draft"), button: p.T("console.messages.send"), cancel: link}, nil
	}
	n, err := h.Messages.AudienceCount(c.UserContext(), t.ID, m.Audience)
	if err != nil {
		return confirmation{}, err
	}
	return confirmation{heading: p.T("console.messages.send_heading", "Subject", m.Text(p.Lang, t.DefaultLocale).Subject),
		effects: []string{p.T("console.messages.send_effect", "Count", n), p.T("console.messages.send_once")},
		button:  p.T("console.messages.send_count", "Count", n), cancel: link}, nil
}

// sendMessage sends the route's draft; the page then shows its progress.
func (h *Console) sendMessage(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	m, err := h.messageParam(c, t)
	if err != nil {
		return "", err
	}
	me := current(c).staff
	if _, err := h.Messages.SendMessage(c.UserContext(), t.ID, m.ID, me.ID, me.Email); err != nil {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/messages/"+m.ID.String(), "message_sent"), nil
}

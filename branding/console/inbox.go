package console

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"marquee/storefront/notify"
	"marquee/themes"
)

// Inbox is dev's inbox, where outgoing mail stays when there is no
// SMTP_URL; platform admins read it in the console. db.DB implements it.
type Inbox interface {
	// Inbox lists the inbox, newest first, before beforeID (0: newest).
	Inbox(ctx context.Context, beforeID int64, limit int) ([]notify.InboxMessage, error)
	InboxMessageByID(ctx context.Context, id int64) (notify.InboxMessage, error)
}

const inboxPerPage = 50

// InboxPage lists dev's inbox, newest first.
type InboxPage struct {
	themes.Page
	Enabled  bool
	Messages []InboxRow
	Next     string // the link to older messages; "" on the last page
}

// InboxRow is one message in the inbox.
type InboxRow struct {
	ID                      int64
	Link, From, To, Subject string
	Received                string
}

func (h *Console) inbox(c *fiber.Ctx) error {
	base := h.page(c)
	p := InboxPage{Page: base, Enabled: h.InboxEnabled}
	if !p.Enabled {
		return h.render(c, fiber.StatusOK, "console_inbox", p, base.Lang)
	}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	list, err := h.Inbox.Inbox(c.UserContext(), before, inboxPerPage+1)
	if err != nil {
		return err
	}
	if len(list) > inboxPerPage {
		list = list[:inboxPerPage]
		p.Next = "/platform/inbox?before=" + strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	for _, m := range list {
		p.Messages = append(p.Messages, InboxRow{ID: m.ID, Link: inboxLink(m.ID), From: m.Message.FromName,
			To: strings.Join(m.Message.To, ", "), Subject: m.Message.Subject, Received: consoleTime(base, m.ReceivedAt)})
	}
	return h.render(c, fiber.StatusOK, "console_inbox", p, base.Lang)
}

func inboxLink(id int64) string { return "/platform/inbox/" + strconv.FormatInt(id, 10) }

// InboxMessagePage is one message of the inbox, whole.
type InboxMessagePage struct {
	themes.Page
	From, To, ReplyTo, Subject, Received, MessageID string
	Text, HTMLSrc                                   string
	Headers                                         []AnswerRow
	Attachments                                     []AttachmentRow
}

// AttachmentRow is one attached file with its download link.
type AttachmentRow struct{ Name, ContentType, Size, Link string }

// inboxMessageParam is the message the route names; an id that is not a
// number is as unknown as a number that names nothing.
func (h *Console) inboxMessageParam(c *fiber.Ctx) (notify.InboxMessage, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return notify.InboxMessage{}, errPageNotFound
	}
	return h.Inbox.InboxMessageByID(c.UserContext(), id)
}

func (h *Console) inboxMessage(c *fiber.Ctx) error {
	m, err := h.inboxMessageParam(c)
	if err != nil {
		return err
	}
	base := h.page(c)
	msg := m.Message
	link := inboxLink(m.ID)
	p := InboxMessagePage{Page: base, From: fromHeader(msg), To: strings.Join(msg.To, ", "), ReplyTo: msg.ReplyTo,
		Subject: msg.Subject, Received: consoleTime(base, m.ReceivedAt), MessageID: m.MessageID, Text: msg.Text}
	if msg.HTML != "" {
		p.HTMLSrc = link + "/html"
	}
	for _, k := range headerNames(msg.Headers) {
		p.Headers = append(p.Headers, AnswerRow{Key: k, Value: msg.Headers[k]})
	}
	for i, a := range msg.Attachments {
		p.Attachments = append(p.Attachments, AttachmentRow{Name: a.Name, ContentType: a.ContentType,
			Size: strconv.Itoa(len(a.Data)), Link: link + "/attachments/" + strconv.Itoa(i)})
	}
	return h.render(c, fiber.StatusOK, "console_inbox_message", p, base.Lang)
}

func headerNames(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (h *Console) inboxHTML(c *fiber.Ctx) error {
	m, err := h.inboxMessageParam(c)
	if err != nil {
		return err
	}
	return sendEmailHTML(c, withInlineImages(m.Message))
}

// inboxAttachment downloads the n-th attachment (from 0) of a message.
func (h *Console) inboxAttachment(c *fiber.Ctx) error {
	m, err := h.inboxMessageParam(c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 0 || n >= len(m.Message.Attachments) {
		return errPageNotFound
	}
	return sendDownload(c, m.Message.Attachments[n])
}

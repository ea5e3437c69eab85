package notify

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
)

// InboxStore keeps messages instead of sending them; db.DB implements it.
type InboxStore interface {
	DeliverToInbox(ctx context.Context, messageID string, m Message) (int64, error)
}

// Inbox is the Sender of `marquee dev` without SMTP_URL: every message
// lands in the local inbox the console shows, whole (both parts and the
// attachments), so the emails can be read without a mail server.
type Inbox struct{ Store InboxStore }

// Send keeps m in the inbox.
func (i Inbox) Send(ctx context.Context, m Message) (string, error) {
	if len(m.To) == 0 || m.Subject == "" {
		return "", errors.New("inbox: a message needs a recipient and a subject")
	}
	host := "marquee.localhost"
	if _, domain, ok := strings.Cut(m.FromAddress, "@"); ok && domain != "" {
		host = domain
	}
	id := "<" + rand.Text() + "@" + host + ">"
	_, err := i.Store.DeliverToInbox(ctx, id, m)
	return id, err
}

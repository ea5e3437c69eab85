package storefront

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"marquee"
)

// MessageState is where a message to attendees is: being written, going
// out, or sent to everyone it was for.
type MessageState string

// The states of a message.
const (
	MessageDraft   MessageState = "draft"
	MessageSending MessageState = "sending"
	MessageSent    MessageState = "sent"
)

// AudienceKind is who a message goes to: everyone who ordered, or those
// with an order of a product, of an option, or in a status.
type AudienceKind string

// The audiences of a message.
const (
	AudienceAll     AudienceKind = "all"
	AudienceProduct AudienceKind = "product"
	AudienceVariant AudienceKind = "variant"
	AudienceStatus  AudienceKind = "status"
)

// Audience is whom a message is for. "All" means every address with an
// order that counts (neither cancelled nor waiting for its payment); a
// product or option the same, with a line of it; a status, every order in
// it, cancelled ones included.
type Audience struct {
	Kind      AudienceKind
	ProductID uuid.UUID // AudienceProduct
	VariantID uuid.UUID // AudienceVariant
	Status    Status    // AudienceStatus
}

// MessageText is a message in one language: a subject and a Markdown body.
type MessageText struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Message is what staff write to an event's attendees, in every language
// of the event, and how far its sending got.
type Message struct {
	ID        uuid.UUID
	Texts     map[string]MessageText // by locale
	Audience  Audience
	State     MessageState
	CreatedBy string // the staff member's email
	SentBy    string
	CreatedAt time.Time
	UpdatedAt time.Time
	SentAt    *time.Time // when staff pressed send
	Finished  *time.Time // when the last recipient was sent or failed
	Progress  MessageProgress
}

// MessageProgress counts a message's recipients by how far each got.
type MessageProgress struct {
	Total, Sent, Failed int
}

// Remaining is how many recipients are still to be sent.
func (p MessageProgress) Remaining() int { return max(p.Total-p.Sent-p.Failed, 0) }

// Limits of a message's texts.
const (
	MessageSubjectMax = 200
	MessageBodyMax    = 20000
)

// MessageSubjectField and MessageBodyField name a language's inputs on
// the message's form ("subject_en", "body_de").
func MessageSubjectField(lang string) string { return "subject_" + lang }

// MessageBodyField: see MessageSubjectField.
func MessageBodyField(lang string) string { return "body_" + lang }

// Text is the message in lang, or else in the event's default language.
func (m *Message) Text(lang, def string) MessageText {
	if t, ok := m.Texts[lang]; ok && t.Subject != "" {
		return t
	}
	return m.Texts[def]
}

// Validate checks the message can go to attendees of an event in
// locales: a subject (one line) and a body in every one of them, within
// the limits, and an audience that names what it filters by.
func (m *Message) Validate(locales []string) error {
	for _, lang := range locales {
		t := m.Texts[lang]
		subject := strings.TrimSpace(t.Subject)
		switch {
		case subject == "":
			return marquee.Invalid(MessageSubjectField(lang), "message.subject_required")
		case !cleanText(subject) || strings.ContainsAny(subject, "\r\n") || utf8.RuneCountInString(subject) > MessageSubjectMax:
			return marquee.Invalid(MessageSubjectField(lang), "message.subject_invalid")
		case strings.TrimSpace(t.Body) == "":
			return marquee.Invalid(MessageBodyField(lang), "message.body_required")
		case !cleanText(t.Body) || utf8.RuneCountInString(t.Body) > MessageBodyMax:
			return marquee.Invalid(MessageBodyField(lang), "message.body_invalid")
		}
	}
	for lang := range m.Texts {
		if !slices.Contains(locales, lang) {
			delete(m.Texts, lang)
		}
	}
	return m.Audience.validate()
}

func (a Audience) validate() error {
	ok := false
	switch a.Kind {
	case AudienceAll:
		ok = true
	case AudienceProduct:
		ok = a.ProductID != uuid.Nil
	case AudienceVariant:
		ok = a.VariantID != uuid.Nil
	case AudienceStatus:
		ok = slices.Contains(MessageStatuses, a.Status)
	}
	if !ok {
		return marquee.Invalid("audience", "message.audience_invalid")
	}
	return nil
}

// MessageStatuses are the statuses a message's audience may name.
var MessageStatuses = []Status{StatusPlaced, StatusConfirmed, StatusDispatched, StatusReadyForPickup,
	StatusDelivered, StatusCollected, StatusCancelled}

// cleanText is valid UTF-8 without NUL.
func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

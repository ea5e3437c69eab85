package webhooks

import (
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
)

// SignupData is a sign-up as webhooks (signup.received) and the REST API
// show it.
type SignupData struct {
	ID          uuid.UUID      `json:"id"`
	EventID     uuid.UUID      `json:"event_id"`
	ClientID    uuid.UUID      `json:"client_id"`
	Name        string         `json:"name"`
	Email       string         `json:"email"`
	Answers     map[string]any `json:"answers"`
	Consent     bool           `json:"consent"`
	ConsentText string         `json:"consent_text"`
	Locale      string         `json:"locale"`
	Source      string         `json:"source"` // "web" or "kiosk:<device id>"
	CreatedAt   time.Time      `json:"created_at"`
}

// EventOf is the sign-up's event.
func (s SignupData) EventOf() uuid.UUID { return s.EventID }

// Signup is the representation of s, a sign-up of the event eventID.
func Signup(eventID uuid.UUID, s storefront.Signup) SignupData {
	return SignupData{ID: s.ID, EventID: eventID, ClientID: s.ClientID, Name: s.Name, Email: s.Email,
		Answers: orEmpty(s.Answers), Consent: s.Consent, ConsentText: s.ConsentText, Locale: s.Locale,
		Source: s.Source, CreatedAt: s.CreatedAt}
}

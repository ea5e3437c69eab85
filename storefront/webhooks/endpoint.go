package webhooks

import (
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"marquee"
)

// Endpoint is a URL staff registered to receive messages of some types:
// an event's (TenantID set) or the platform's (TenantID nil: every
// event's messages).
type Endpoint struct {
	ID          uuid.UUID
	TenantID    *uuid.UUID
	URL         string
	Description string
	Types       []string
	Enabled     bool
	// DisabledAt and DisabledReason say when and why it was disabled
	// (DisabledFailing, or DisabledByStaff).
	DisabledAt     *time.Time
	DisabledReason string
	// PreviousSecretUntil is when the secret before the last rotation
	// stops signing (nil: no overlap).
	PreviousSecretUntil *time.Time
	// FailingSince is when its current run of failed attempts began (nil:
	// its last attempt succeeded).
	FailingSince *time.Time
	CreatedBy    *uuid.UUID // the staff member who created it (nil: gone)
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Why an endpoint was disabled.
const (
	DisabledFailing = "failing"  // it kept failing (FailingFor)
	DisabledByStaff = "by_staff" // staff switched it off
)

// EndpointInput is what staff set on an endpoint.
type EndpointInput struct {
	URL         string
	Description string
	Types       []string
	Enabled     bool
}

// The form's fields (an EINVALID error's Field).
const (
	FieldURL         = "url"
	FieldDescription = "description"
	FieldTypes       = "types"
)

// Validate checks the input; allowPrivate (tests, dev) lets an endpoint be
// plain http and on a private or loopback address. A name is not looked
// up here: the delivery's dialer checks the address it connects to.
func (in *EndpointInput) Validate(allowPrivate bool) error {
	in.URL = strings.TrimSpace(in.URL)
	in.Description = strings.TrimSpace(in.Description)
	if err := CheckURL(in.URL, allowPrivate); err != nil {
		return err
	}
	if !utf8.ValidString(in.Description) || utf8.RuneCountInString(in.Description) > 200 || strings.ContainsRune(in.Description, 0) {
		return marquee.Invalid(FieldDescription, "webhook.error.description")
	}
	if len(in.Types) == 0 {
		return marquee.Invalid(FieldTypes, "webhook.error.types_none")
	}
	for _, t := range in.Types {
		if !KnownType(t) {
			return marquee.Invalid(FieldTypes, "webhook.error.type_unknown")
		}
	}
	in.Types = inOrder(in.Types)
	return nil
}

// inOrder is types without duplicates, in Types' order.
func inOrder(types []string) []string {
	var out []string
	for _, t := range Types {
		if slices.Contains(types, t) {
			out = append(out, t)
		}
	}
	return out
}

// CheckURL is the static check of an endpoint's URL: absolute, https
// (http only with allowPrivate), no credentials, and not an IP address
// the delivery's dialer would refuse.
func CheckURL(raw string, allowPrivate bool) error {
	if raw == "" {
		return marquee.Invalid(FieldURL, "webhook.error.url_required")
	}
	if len(raw) > 2000 || !utf8.ValidString(raw) || strings.ContainsAny(raw, "\x00 \t\r\n") {
		return marquee.Invalid(FieldURL, "webhook.error.url_invalid")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" || (u.Scheme != "https" && u.Scheme != "http") {
		return marquee.Invalid(FieldURL, "webhook.error.url_invalid")
	}
	if u.User != nil {
		return marquee.Invalid(FieldURL, "webhook.error.url_credentials")
	}
	if u.Scheme != "https" && !allowPrivate {
		return marquee.Invalid(FieldURL, "webhook.error.url_not_https")
	}
	host := u.Hostname()
	if host == "" {
		return marquee.Invalid(FieldURL, "webhook.error.url_invalid")
	}
	if allowPrivate {
		return nil
	}
	if addr, err := netip.ParseAddr(host); err == nil && !PublicAddr(addr) {
		return marquee.Invalid(FieldURL, "webhook.error.url_private")
	}
	if h := strings.ToLower(strings.TrimSuffix(host, ".")); h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return marquee.Invalid(FieldURL, "webhook.error.url_private")
	}
	return nil
}

// Delivery is one message to one endpoint, with its last attempt.
type Delivery struct {
	ID         uuid.UUID
	TenantID   *uuid.UUID
	MessageID  uuid.UUID
	EndpointID uuid.UUID
	Type       string // the message's
	State      string // DeliveryPending, DeliverySucceeded, DeliveryFailed
	Attempts   int
	// The last attempt: its HTTP status (0: no answer), the start of the
	// answer's body, the error (a refused address, a timeout…), how long
	// it took, and when.
	StatusCode      int
	ResponseExcerpt string
	Error           string
	Duration        time.Duration
	CreatedAt       time.Time
	LastAttemptAt   *time.Time
	NextAttemptAt   *time.Time
}

// The states of a delivery.
const (
	DeliveryPending   = "pending"
	DeliverySucceeded = "succeeded"
	DeliveryFailed    = "failed"
)

// Cursor is where a page of deliveries starts: after the delivery created
// at At with ID (the zero Cursor: the newest).
type Cursor struct {
	At time.Time
	ID uuid.UUID
}

// Next is the cursor after the last of a page of limit deliveries (the
// zero Cursor and false when the page was the last).
func Next(page []Delivery, limit int) (Cursor, bool) {
	if len(page) < limit || len(page) == 0 {
		return Cursor{}, false
	}
	last := page[len(page)-1]
	return Cursor{At: last.CreatedAt, ID: last.ID}, true
}

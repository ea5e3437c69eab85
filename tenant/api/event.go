package api

import (
	"time"

	"marquee/tenant"
)

// Event is an event as the API shows it, and as `marquee tenant show` and
// `marquee tenant list` print it with --json: one shape for both doors
// (docs/api.md, "The event object").
type Event struct {
	ID            string   `json:"id"`
	Slug          string   `json:"slug"`
	Name          string   `json:"name"`
	Status        string   `json:"status"`
	DefaultLocale string   `json:"default_locale"`
	Locales       []string `json:"locales"`
	Currency      string   `json:"currency"`
	StartsOn      string   `json:"starts_on,omitempty"`
	EndsOn        string   `json:"ends_on,omitempty"`
	ClosesAt      string   `json:"closes_at,omitempty"`
	URL           string   `json:"url,omitempty"`
	CreatedAt     string   `json:"created_at"`
}

// EventOf is event t as the API shows it; its url is its subdomain of
// baseDomain, left out when baseDomain is "".
func EventOf(t *tenant.Tenant, baseDomain string) Event {
	e := Event{ID: t.ID.String(), Slug: t.Slug, Name: t.Name, Status: string(t.Status), DefaultLocale: t.DefaultLocale,
		Locales: t.Locales, Currency: t.Currency, CreatedAt: t.CreatedAt.UTC().Format(time.RFC3339)}
	if t.StartsOn != nil {
		e.StartsOn = t.StartsOn.Format(time.DateOnly)
	}
	if t.EndsOn != nil {
		e.EndsOn = t.EndsOn.Format(time.DateOnly)
	}
	e.ClosesAt = instant(t.ClosesAt)
	if baseDomain != "" {
		e.URL = "https://" + t.Slug + "." + baseDomain
	}
	return e
}

// instant is t in UTC as RFC 3339, or "" for none.
func instant(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Package tenant holds what an event (a tenant of the platform) is, how an
// incoming Host becomes an event, and the cache that makes that lookup free
// once warm. It imports no web framework and no database driver: the
// Postgres code lives in db, the Fiber middleware in tenant/web.
package tenant

import (
	"context"
	"slices"
	"sync/atomic"
	"time"

	"github.com/bojanz/currency"
	"github.com/google/uuid"

	"marquee"
)

// Status is where an event is in its life.
type Status string

// The statuses an event moves through.
const (
	StatusActive    Status = "active"    // the storefront is open
	StatusSuspended Status = "suspended" // temporarily closed by ops (503)
	StatusArchived  Status = "archived"  // the event is over; read-only (410)
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	return s == StatusActive || s == StatusSuspended || s == StatusArchived
}

// Tenant is one event on the platform.
type Tenant struct {
	attached *Attachment // beside the event as the resolver caches it (first: in the line a view reads anyway); nil elsewhere

	ID            uuid.UUID
	Slug          string
	Name          string
	Status        Status
	DefaultLocale string
	Locales       []string   // enabled languages, DefaultLocale among them
	Currency      string     // ISO 4217 code of the event's prices; "" means EUR when created
	StartsOn      *time.Time // the event's first day (a date, UTC midnight); nil: not set
	EndsOn        *time.Time // its last day; not before StartsOn
	ClosesAt      *time.Time // when the shop stops taking orders; nil: only when archived
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Attachment is kept beside an event as the resolver caches it, in the
// same allocation, for one other cache (a Memo) to remember where it keeps
// something of that event (the storefront: where its Site is cached):
// from the event a request resolved to, that cache reaches its own entry
// without a lookup (Memo.AgainAttached), which with many events cached
// reads memory no other request brought near the processor. A new event
// value (after a change) comes with an empty one.
type Attachment struct {
	owner atomic.Pointer[byte] // the Memo it belongs to (the first to attach), as an untyped pointer
	entry atomic.Pointer[byte] // that Memo's entry, as an untyped pointer
}

// Attached returns the Attachment of an event the resolver cached, or nil
// for any other Tenant value.
func (t *Tenant) Attached() *Attachment { return t.attached }

// SupportedLocales are the languages the platform has translations for.
var SupportedLocales = []string{"en", "de", "fr", "es"}

// Locale returns the platform's own copy of a supported language's code,
// or code itself. Events loaded from the database keep their languages as
// these copies: a page view compares its language with the cached page's,
// and with every event's codes pointing at the same few bytes that
// comparison reads nothing particular to the event, memory which with
// thousands of events cached is rarely in the processor's cache.
func Locale(code string) string {
	for _, l := range SupportedLocales {
		if l == code {
			return l
		}
	}
	return code
}

// Validate checks a tenant before it is created or changed.
func (t Tenant) Validate() error {
	if err := ValidateSlug(t.Slug); err != nil {
		return err
	}
	if t.Name == "" {
		return marquee.Invalid("name", "tenant.name_required")
	}
	if len(t.Name) > 200 {
		return marquee.Invalid("name", "tenant.name_too_long")
	}
	if !t.Status.Valid() {
		return marquee.Invalid("status", "tenant.status_unknown")
	}
	for _, l := range t.Locales {
		if !slices.Contains(SupportedLocales, l) {
			return marquee.Invalid("locale", "tenant.locale_unsupported")
		}
	}
	if !slices.Contains(t.Locales, t.DefaultLocale) {
		return marquee.Invalid("locale", "tenant.default_locale_not_enabled")
	}
	if t.Currency != "" && !currency.IsValid(t.Currency) {
		return marquee.Invalid("currency", "tenant.currency_unknown")
	}
	if t.StartsOn != nil && t.EndsOn != nil && t.EndsOn.Before(*t.StartsOn) {
		return marquee.Invalid("ends_on", "tenant.dates_order")
	}
	return nil
}

type contextKey struct{}

// NewContext returns a context carrying the tenant a request is for.
func NewContext(ctx context.Context, t *Tenant) *Context {
	c := &Context{Context: ctx, t: t}
	if t != nil {
		c.slug = t.Slug
	}
	return c
}

// Context is a context carrying a tenant (NewContext), as
// context.WithValue would make it but in one allocation with the tenant
// beside it: a host keeps its event's context (tenant/web), and with
// thousands of events cached each allocation a view reads is memory no
// other request brought near the processor.
type Context struct {
	context.Context
	t    *Tenant
	slug string // t.Slug, perhaps in other bytes (SlugFrom)
}

// Value is the tenant for FromContext, and the parent's value of any other
// key.
func (c *Context) Value(key any) any {
	if _, ok := key.(contextKey); ok {
		return c.t
	}
	return c.Context.Value(key)
}

// Tenant is the tenant c carries.
func (c *Context) Tenant() *Tenant { return c.t }

// Slug is the slug of the tenant c carries.
func (c *Context) Slug() string { return c.slug }

// SlugFrom has Slug answer with the first bytes of host when host is the
// tenant's slug, a dot and more (the event's own host): a caller that reads
// host's bytes anyway (the request log, after the host's lookup) then
// does not read the tenant's. Call it before c is shared.
func (c *Context) SlugFrom(host string) {
	if n := len(c.slug); len(host) > n && host[n] == '.' && host[:n] == c.slug {
		c.slug = host[:n]
	}
}

// FromContext returns the request's tenant, or nil outside an event host.
func FromContext(ctx context.Context) *Tenant {
	t, _ := ctx.Value(contextKey{}).(*Tenant)
	return t
}

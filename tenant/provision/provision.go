// Package provision is what ops do with events: create (optionally from a
// template event), rename, suspend, resume, archive and delete them, and
// attach and verify their custom domains. The CLI, the console's platform
// pages and the JSON API all call this one Service, so a rule holds the
// same way everywhere and each refusal carries the same message ID.
package provision

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/branding"
	"marquee/tenant"
	"marquee/tenant/domains"
	"marquee/tenant/staff"
)

// Store is the persistence the service needs; db.DB implements it.
type Store interface {
	CreateTenantFrom(ctx context.Context, t tenant.Tenant, b branding.Branding, template uuid.UUID) (*tenant.Tenant, error)
	TenantBySlug(ctx context.Context, slug string) (*tenant.Tenant, error)
	ListTenants(ctx context.Context, afterSlug string, limit int) ([]tenant.Tenant, error)
	RenameTenant(ctx context.Context, id uuid.UUID, name string) (*tenant.Tenant, error)
	TransitionTenant(ctx context.Context, id uuid.UUID, from []tenant.Status, to tenant.Status, conflict string) (*tenant.Tenant, error)
	DeleteArchivedTenant(ctx context.Context, id uuid.UUID) error
	SetTenantClosesAt(ctx context.Context, id uuid.UUID, at *time.Time) (*tenant.Tenant, error)
	PublishedBranding(ctx context.Context, tenantID uuid.UUID) (branding.Branding, error)
	Domains(ctx context.Context, tenantID uuid.UUID) ([]tenant.Domain, error)
	Domain(ctx context.Context, tenantID uuid.UUID, hostname string) (tenant.Domain, error)
	AddCustomDomain(ctx context.Context, tenantID uuid.UUID, hostname string) (tenant.Domain, error)
	MarkDomainVerified(ctx context.Context, tenantID uuid.UUID, hostname string) (tenant.Domain, error)
	MarkDomainFailed(ctx context.Context, tenantID uuid.UUID, hostname, reason string) (tenant.Domain, error)
	RemoveDomain(ctx context.Context, tenantID uuid.UUID, hostname string) error
	DomainsToRecheck(ctx context.Context, cutoff time.Time, limit int) ([]tenant.Domain, error)
}

// Verifier checks a custom domain's DNS records; *domains.Verifier is one.
type Verifier interface {
	Verify(ctx context.Context, host, token string, t domains.Target) domains.Result
	Points(ctx context.Context, host string, t domains.Target) domains.Result
}

// Service provisions events.
type Service struct {
	Store Store
	// Invite makes an owner invitation to an event and returns the link to
	// accept it; nil refuses owner emails.
	Invite func(ctx context.Context, email string, tenantID uuid.UUID) (string, error)
	// Verifier and Target check custom domains: the TXT proof and that the
	// name points at Target.
	Verifier Verifier
	Target   domains.Target
	// BaseDomain is the platform's own domain: no event may attach it or a
	// name under it.
	BaseDomain string
}

// Inviter makes the one-time link that gives an email a role in an
// event, creating the account if there is none; db.StaffStore is one.
type Inviter interface {
	Invite(ctx context.Context, actorID uuid.NullUUID, email string, tenantID uuid.UUID, role staff.Role, now time.Time) (string, error)
}

// Options are the platform's settings a Service works with.
type Options struct {
	// BaseDomain is the platform's own domain (BASE_DOMAIN).
	BaseDomain string
	// Target is what custom domains must point at (DOMAIN_CNAME,
	// DOMAIN_IPS); its CNAME defaults to edge.BaseDomain.
	Target domains.Target
	// DNSResolver is the host:port custom-domain checks ask (DNS_RESOLVER);
	// "" asks the system's.
	DNSResolver string
	// Invitations invites a new event's owner; nil refuses owner emails.
	Invitations Inviter
	// InviteURL is the console's address of an invitation's token.
	InviteURL func(token string) string
}

// New is the Service on store with the platform's options: custom domains
// checked over DNS (at DNSResolver, with domains.DefaultTimeout), and a
// new event's owner invited by the platform itself as RoleOwner, the link
// to accept it at InviteURL. The server, the ops commands and the tests
// all build the Service with it.
func New(store Store, o Options) *Service {
	if o.Target.CNAME == "" && o.BaseDomain != "" {
		o.Target.CNAME = "edge." + o.BaseDomain
	}
	s := &Service{Store: store, BaseDomain: o.BaseDomain, Target: o.Target,
		Verifier: domains.NewVerifier(o.DNSResolver, domains.DefaultTimeout)}
	if o.Invitations != nil {
		s.Invite = func(ctx context.Context, email string, tenantID uuid.UUID) (string, error) {
			token, err := o.Invitations.Invite(ctx, uuid.NullUUID{}, email, tenantID, staff.RoleOwner, time.Now())
			return o.InviteURL(token), err
		}
	}
	return s
}

// Spec is what a new event starts with.
type Spec struct {
	Slug, Name, DefaultLocale string
	Locales                   []string // default: the DefaultLocale alone
	Currency                  string   // ISO 4217; default EUR
	StartsOn, EndsOn          string   // YYYY-MM-DD, optional
	ClosesAt                  string   // when the shop stops taking orders: YYYY-MM-DDTHH:MM (UTC) or RFC 3339; optional
	OwnerEmail                string   // optional: invited as the event's owner
	Template                  string   // optional: slug of an event whose branding, products and form are copied
}

// Created is a new event and, when an owner was named, the invitation link.
type Created struct {
	Tenant     *tenant.Tenant
	InviteLink string
}

// Create provisions an event. Every input is checked before anything is
// written; each rule has its own message ID on the field it is about.
func (s *Service) Create(ctx context.Context, spec Spec) (Created, error) {
	t := tenant.Tenant{Slug: strings.TrimSpace(spec.Slug), Name: strings.TrimSpace(spec.Name), Status: tenant.StatusActive,
		DefaultLocale: strings.TrimSpace(spec.DefaultLocale), Locales: spec.Locales, Currency: strings.ToUpper(strings.TrimSpace(spec.Currency))}
	if t.DefaultLocale == "" {
		t.DefaultLocale = "en"
	}
	if len(t.Locales) == 0 {
		t.Locales = []string{t.DefaultLocale}
	}
	if t.Currency == "" {
		t.Currency = "EUR"
	}
	var err error
	if t.StartsOn, err = parseDate("starts_on", spec.StartsOn); err != nil {
		return Created{}, err
	}
	if t.EndsOn, err = parseDate("ends_on", spec.EndsOn); err != nil {
		return Created{}, err
	}
	if t.ClosesAt, err = ParseClosesAt(spec.ClosesAt); err != nil {
		return Created{}, err
	}
	if err := t.Validate(); err != nil {
		return Created{}, err
	}
	owner := ""
	if strings.TrimSpace(spec.OwnerEmail) != "" {
		if s.Invite == nil {
			return Created{}, marquee.Invalid("owner", "tenant.owner_unsupported")
		}
		if owner, err = staff.NormaliseEmail(spec.OwnerEmail); err != nil {
			return Created{}, marquee.Invalid("owner", marquee.ErrorMessage(err))
		}
	}
	b := branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{}}
	template := uuid.Nil
	if slug := strings.TrimSpace(spec.Template); slug != "" {
		from, err := s.Store.TenantBySlug(ctx, slug)
		if marquee.ErrorCode(err) == marquee.ENOTFOUND {
			return Created{}, marquee.Invalid("template", "tenant.template_unknown")
		}
		if err != nil {
			return Created{}, err
		}
		if b, err = s.Store.PublishedBranding(ctx, from.ID); err != nil {
			return Created{}, err
		}
		b.Copy = copyWithTitle(copyForLocales(b.Copy, t, from.DefaultLocale), t.Name)
		template = from.ID
	}
	if len(b.Copy) == 0 {
		b.Copy = map[string]branding.Copy{t.DefaultLocale: {Title: t.Name}}
	}
	created, err := s.Store.CreateTenantFrom(ctx, t, b, template)
	if err != nil {
		return Created{}, err
	}
	out := Created{Tenant: created}
	if owner != "" {
		if out.InviteLink, err = s.Invite(ctx, owner, created.ID); err != nil {
			return out, err
		}
	}
	return out, nil
}

// copyWithTitle is a template's copy with the new event's name as its
// title in every language; the rest (welcome text, pick-up notes) stays
// for the organiser to adapt.
func copyWithTitle(c map[string]branding.Copy, name string) map[string]branding.Copy {
	out := make(map[string]branding.Copy, len(c))
	for l, cp := range c {
		cp.Title = name
		out[l] = cp
	}
	return out
}

// copyForLocales keeps a template's copy to the languages the new event
// t offers; when the template has none in t's default language, its copy
// in its own default language (fromDef) stands in, for the organiser to
// translate.
func copyForLocales(c map[string]branding.Copy, t tenant.Tenant, fromDef string) map[string]branding.Copy {
	out := make(map[string]branding.Copy, len(t.Locales))
	for _, l := range t.Locales {
		if cp, ok := c[l]; ok {
			out[l] = cp
		}
	}
	if _, ok := out[t.DefaultLocale]; !ok {
		if cp, ok := c[fromDef]; ok {
			out[t.DefaultLocale] = cp
		}
	}
	return out
}

func parseDate(field, s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, marquee.Invalid(field, "tenant.date_invalid")
	}
	return &d, nil
}

// ParseClosesAt reads a closing time: "YYYY-MM-DDTHH:MM" in UTC (what a
// datetime-local input sends) or RFC 3339 with its offset; "" or "none"
// is no closing time.
func ParseClosesAt(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return nil, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", time.RFC3339} {
		if at, err := time.Parse(layout, s); err == nil {
			at = at.UTC()
			return &at, nil
		}
	}
	return nil, marquee.Invalid("closes_at", "tenant.closes_invalid")
}

// SetClosesAt sets when an event's shop stops taking orders ("" or
// "none": only when it is archived). The suppliers waiting for the
// closing list get it then: the store queues it in the same transaction.
func (s *Service) SetClosesAt(ctx context.Context, slug, at string) (*tenant.Tenant, error) {
	t, err := s.Get(ctx, slug)
	if err != nil {
		return nil, err
	}
	closes, err := ParseClosesAt(at)
	if err != nil {
		return nil, err
	}
	return s.Store.SetTenantClosesAt(ctx, t.ID, closes)
}

// Get returns the event with slug.
func (s *Service) Get(ctx context.Context, slug string) (*tenant.Tenant, error) {
	t, err := s.Store.TenantBySlug(ctx, strings.TrimSpace(slug))
	if marquee.ErrorCode(err) == marquee.ENOTFOUND {
		return nil, marquee.New(marquee.ENOTFOUND, "tenant.not_found")
	}
	return t, err
}

// List returns up to limit events after afterSlug (1 to 1000).
func (s *Service) List(ctx context.Context, afterSlug string, limit int) ([]tenant.Tenant, error) {
	if limit < 1 || limit > 1000 {
		return nil, marquee.Invalid("limit", "tenant.limit_invalid")
	}
	return s.Store.ListTenants(ctx, afterSlug, limit)
}

// Rename changes an event's name (its slug, in every URL, stays).
func (s *Service) Rename(ctx context.Context, slug, name string) (*tenant.Tenant, error) {
	t, err := s.Get(ctx, slug)
	if err != nil {
		return nil, err
	}
	check := *t
	check.Name = strings.TrimSpace(name)
	if err := check.Validate(); err != nil {
		return nil, err
	}
	return s.Store.RenameTenant(ctx, t.ID, check.Name)
}

// Suspend closes an active event's storefront for now (503).
func (s *Service) Suspend(ctx context.Context, slug string) (*tenant.Tenant, error) {
	return s.transition(ctx, slug, []tenant.Status{tenant.StatusActive}, tenant.StatusSuspended, "tenant.suspend_not_active")
}

// Resume opens a suspended or archived event again.
func (s *Service) Resume(ctx context.Context, slug string) (*tenant.Tenant, error) {
	return s.transition(ctx, slug, []tenant.Status{tenant.StatusSuspended, tenant.StatusArchived}, tenant.StatusActive, "tenant.resume_active")
}

// Archive ends an event: its storefront says it has ended and takes no
// orders, and the suppliers waiting for the closing list get it (the
// store queues it in the same transaction).
func (s *Service) Archive(ctx context.Context, slug string) (*tenant.Tenant, error) {
	return s.transition(ctx, slug, []tenant.Status{tenant.StatusActive, tenant.StatusSuspended}, tenant.StatusArchived, "tenant.archive_archived")
}

func (s *Service) transition(ctx context.Context, slug string, from []tenant.Status, to tenant.Status, conflict string) (*tenant.Tenant, error) {
	t, err := s.Get(ctx, slug)
	if err != nil {
		return nil, err
	}
	return s.Store.TransitionTenant(ctx, t.ID, from, to, conflict)
}

// Delete removes an archived event and all its data, personal data
// included. confirm must repeat the slug: deleting is not undone.
func (s *Service) Delete(ctx context.Context, slug, confirm string) error {
	t, err := s.Get(ctx, slug)
	if err != nil {
		return err
	}
	if strings.TrimSpace(confirm) != t.Slug {
		return marquee.Invalid("confirm", "tenant.delete_confirm")
	}
	return s.Store.DeleteArchivedTenant(ctx, t.ID)
}

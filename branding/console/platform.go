package console

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/tenant"
	"marquee/tenant/provision"
	"marquee/themes"
)

// eventsPerPage is how many events the platform list shows at a time.
const eventsPerPage = 50

// requirePlatformAdmin answers everyone else with the 404 of a page that
// does not exist, so the platform pages do not reveal themselves.
func (h *Console) requirePlatformAdmin(c *fiber.Ctx) error {
	if s := current(c); s == nil || !s.staff.PlatformAdmin {
		return marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	return c.Next()
}

// PlatformEventsPage lists every event, a page at a time, with the form
// that provisions a new one.
type PlatformEventsPage struct {
	themes.Page
	CSRF, Problem, ProblemField string
	Events                      []PlatformEventRow
	Next                        string // the slug the next page starts after; "" on the last page
	Form                        map[string]string
	Locales                     []LocaleOption
}

// PlatformEventRow is one event in the platform list.
type PlatformEventRow struct{ Slug, Name, Status, Created string }

// LocaleOption is one language of the new-event form: Default selects it
// as the default language, Enabled ticks its checkbox.
type LocaleOption struct {
	Locale, Language string
	Default, Enabled bool
}

func (h *Console) platformEvents(c *fiber.Ctx) error {
	form := url.Values{"default_locale": {"en"}, "locales": {"en"}, "currency": {"EUR"}}
	return h.renderEvents(c, fiber.StatusOK, nil, form)
}

// renderEvents shows the list from ?after= and the new-event form with
// form's values and, when refused is not nil, its message.
func (h *Console) renderEvents(c *fiber.Ctx, status int, refused error, form url.Values) error {
	list, err := h.Provision.List(c.UserContext(), c.Query("after"), eventsPerPage+1)
	if err != nil {
		return err
	}
	base := h.page(c)
	p := PlatformEventsPage{Page: base, CSRF: h.sessionToken(current(c)), Form: map[string]string{}}
	if refused != nil {
		p.Problem, p.ProblemField = base.T(marquee.ErrorMessage(refused)), marquee.ErrorField(refused)
	}
	if len(list) > eventsPerPage {
		list = list[:eventsPerPage]
		p.Next = list[len(list)-1].Slug
	}
	for _, t := range list {
		p.Events = append(p.Events, PlatformEventRow{Slug: t.Slug, Name: t.Name, Status: statusLabel(base, t.Status),
			Created: consoleTime(base, t.CreatedAt)})
	}
	for k := range form {
		p.Form[k] = form.Get(k)
	}
	for _, l := range tenant.SupportedLocales {
		p.Locales = append(p.Locales, LocaleOption{Locale: l, Language: base.LanguageName(l),
			Default: form.Get("default_locale") == l, Enabled: slices.Contains(form["locales"], l)})
	}
	return h.render(c, status, "console_platform_events", p, base.Lang)
}

// eventStatuses are the message IDs of an event's statuses.
var eventStatuses = map[tenant.Status]string{
	tenant.StatusActive:    "console.platform.status_active",
	tenant.StatusSuspended: "console.platform.status_suspended",
	tenant.StatusArchived:  "console.platform.status_archived",
}

// statusLabel is an event's status in the page's language.
func statusLabel(p themes.Page, s tenant.Status) string { return labelOf(p, eventStatuses, s) }

// createEvent provisions an event from the form. An owner's invitation
// link is a secret shown once: the new event's page is rendered at once
// (201) rather than carried through a redirect's URL.
func (h *Console) createEvent(c *fiber.Ctx, form url.Values) (string, error) {
	created, err := h.Provision.Create(c.UserContext(), specFromForm(form))
	if status := refusalStatus(err); status != 0 {
		return "", h.renderEvents(c, status, err, form)
	}
	if err != nil {
		return "", err
	}
	if created.InviteLink == "" {
		return platformEventLink(created.Tenant, "created"), nil
	}
	p, err := h.eventPage(c, created.Tenant)
	if err != nil {
		return "", err
	}
	p.Shell.Flash, p.InviteLink = p.T("console.platform.created"), created.InviteLink
	return "", h.render(c, fiber.StatusCreated, "console_platform_event", p, p.Lang)
}

// platformEventLink is an event's platform page, with a notice.
func platformEventLink(t *tenant.Tenant, saved string) string {
	return flashed("/platform/events/"+t.Slug, "event_"+saved)
}

func specFromForm(form url.Values) provision.Spec {
	return provision.Spec{Slug: form.Get("slug"), Name: form.Get("name"), DefaultLocale: form.Get("default_locale"),
		Locales: form["locales"], Currency: form.Get("currency"), StartsOn: form.Get("starts_on"), EndsOn: form.Get("ends_on"),
		OwnerEmail: form.Get("owner"), Template: form.Get("template")}
}

// PlatformEventPage is one event as ops see it: every field, its names
// with their certificates, and the forms that change it.
type PlatformEventPage struct {
	themes.Page
	CSRF, Problem, InviteLink         string
	Slug, Name, Status, PublicURL     string
	DefaultLanguage, EventLanguages   string
	Currency, StartsOn, EndsOn        string
	Created, Updated                  string
	Subdomain                         DomainRow // slug.BASE_DOMAIN: always routed, only its certificate varies
	Domains                           []DomainRow
	CanSuspend, CanResume, CanArchive bool
	CanDelete                         bool
	RenameValue, ConfirmValue         string // typed values, kept on a refusal
	ClosesValue                       string // datetime-local, UTC; "" when the shop only closes when archived
}

func (h *Console) platformEvent(c *fiber.Ctx) error {
	t, err := h.Provision.Get(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	p, err := h.eventPage(c, t)
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "console_platform_event", p, p.Lang)
}

func (h *Console) eventPage(c *fiber.Ctx, t *tenant.Tenant) (PlatformEventPage, error) {
	base := h.page(c)
	p := PlatformEventPage{Page: base, CSRF: h.sessionToken(current(c)), Slug: t.Slug, Name: t.Name, RenameValue: t.Name,
		Status: statusLabel(base, t.Status), DefaultLanguage: base.LanguageName(t.DefaultLocale), Currency: t.Currency,
		Created: consoleTime(base, t.CreatedAt), Updated: consoleTime(base, t.UpdatedAt),
		CanSuspend: t.Status == tenant.StatusActive, CanResume: t.Status != tenant.StatusActive,
		CanArchive: t.Status != tenant.StatusArchived, CanDelete: t.Status == tenant.StatusArchived}
	names := make([]string, 0, len(t.Locales))
	for _, l := range t.Locales {
		names = append(names, base.LanguageName(l))
	}
	p.EventLanguages = strings.Join(names, ", ")
	if t.StartsOn != nil {
		p.StartsOn = t.StartsOn.Format("2006-01-02")
	}
	if t.EndsOn != nil {
		p.EndsOn = t.EndsOn.Format("2006-01-02")
	}
	if t.ClosesAt != nil {
		p.ClosesValue = t.ClosesAt.UTC().Format("2006-01-02T15:04")
	}
	if h.EventURL != nil {
		p.PublicURL = h.EventURL(t.Slug)
		if u, err := url.Parse(p.PublicURL); err == nil {
			p.Subdomain = DomainRow{Hostname: u.Hostname(), Certificate: h.certificate(c.UserContext(), base, u.Hostname())}
		}
	}
	list, err := h.Provision.Domains(c.UserContext(), t.Slug)
	if err != nil {
		return p, err
	}
	p.Domains = h.domainRows(c.UserContext(), base, list)
	return p, nil
}

// refuseOnEventPage shows the event's page again with the refusal's
// message, or returns err when it is not a refusal.
func (h *Console) refuseOnEventPage(c *fiber.Ctx, err error, keep func(*PlatformEventPage)) error {
	status := refusalStatus(err)
	if status == 0 {
		return err
	}
	t, gerr := h.Provision.Get(c.UserContext(), c.Params("slug"))
	if gerr != nil {
		return gerr
	}
	p, perr := h.eventPage(c, t)
	if perr != nil {
		return perr
	}
	p.Problem = p.T(marquee.ErrorMessage(err))
	if keep != nil {
		keep(&p)
	}
	return h.render(c, status, "console_platform_event", p, p.Lang)
}

func (h *Console) renameEvent(c *fiber.Ctx, form url.Values) (string, error) {
	t, err := h.Provision.Rename(c.UserContext(), c.Params("slug"), form.Get("name"))
	if err != nil {
		return "", h.refuseOnEventPage(c, err, func(p *PlatformEventPage) { p.RenameValue = form.Get("name") })
	}
	return platformEventLink(t, "renamed"), nil
}

// setClosesAt sets when the event's shop stops taking orders; an empty
// field removes the closing time.
func (h *Console) setClosesAt(c *fiber.Ctx, form url.Values) (string, error) {
	t, err := h.Provision.SetClosesAt(c.UserContext(), c.Params("slug"), form.Get("closes_at"))
	if err != nil {
		return "", h.refuseOnEventPage(c, err, func(p *PlatformEventPage) { p.ClosesValue = form.Get("closes_at") })
	}
	return platformEventLink(t, "closes"), nil
}

// transitionEvent answers the suspend, resume and archive buttons with the
// service's transition; one not allowed from the current status is 409.
func (h *Console) transitionEvent(change func(ctx context.Context, slug string) (*tenant.Tenant, error), notice string) fiber.Handler {
	return h.sessionAction(func(c *fiber.Ctx, _ url.Values) (string, error) {
		t, err := change(c.UserContext(), c.Params("slug"))
		if err != nil {
			return "", h.refuseOnEventPage(c, err, nil)
		}
		return platformEventLink(t, notice), nil
	})
}

// deleteEvent removes an archived event once its slug is typed again.
func (h *Console) deleteEvent(c *fiber.Ctx, form url.Values) (string, error) {
	if err := h.Provision.Delete(c.UserContext(), c.Params("slug"), form.Get("confirm")); err != nil {
		return "", h.refuseOnEventPage(c, err, func(p *PlatformEventPage) { p.ConfirmValue = form.Get("confirm") })
	}
	return flashed("/platform/events", "event_deleted"), nil
}

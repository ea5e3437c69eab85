// Package console is the staff console's Fiber app, served only on
// console.BASE_DOMAIN: never on an event's host, so no event page can read
// a staff cookie. Every route is listed in routes.go, and each resource
// has its own file (orders.go, suppliers.go, supplierform.go, …); this one
// holds what every page shares.
package console

import (
	"bytes"
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/branding"
	"marquee/branding/media"
	"marquee/tenant"
	"marquee/tenant/provision"
	tenantweb "marquee/tenant/web"
	"marquee/themes"
)

// Console holds what the console's pages need.
type Console struct {
	Themes   *themes.Set
	Identity Identity
	Events   Events
	// Brandings, History and Preview serve the branding editor.
	Brandings Brandings
	History   History
	Preview   Preview
	// Previews signs the shareable preview links of drafts; EventURL is an
	// event's public address.
	Previews branding.PreviewLinks
	EventURL func(slug string) string
	// Media keeps uploaded images.
	Media media.Store
	// Orders serves the fulfilment pages; Products the catalogue editor.
	Orders   OrderDesk
	Products CatalogueDesk
	Forms    FormDesk
	// Provision serves the platform pages (events, their domains) and the
	// event owners' domain page; CertState says what the certificate
	// storage holds for a hostname ("none" without TLS).
	Provision *provision.Service
	CertState func(ctx context.Context, name string) string
	// Inbox is dev's inbox, which this process fills when InboxEnabled
	// (no SMTP_URL); EmailPreviews, Suppliers, SupplierLists and Jobs
	// serve the previews of an event's emails, its suppliers and their
	// lists, and the jobs that gave up.
	Inbox         Inbox
	InboxEnabled  bool
	EmailPreviews EmailPreviews
	Suppliers     Suppliers
	SupplierLists SupplierLists
	Jobs          Jobs
	// Audit reads the audit log for owners and platform admins; Backups
	// are the platform's backups (nil: BACKUP_DIR and BACKUP_S3_BUCKET
	// unset, and the backups page says so).
	Audit   AuditTrail
	Backups Backups
	// Privacy erases one attendee's personal data on request.
	Privacy Privacy
	Secret  []byte // signs the console's CSRF tokens
	// SSO is the platform's OpenID provider (nil: none) and SSOSignIns
	// its sign-ins under way; PasswordSignInOff refuses passwords.
	SSO               SingleSignOn
	SSOSignIns        SSOSignIns
	PasswordSignInOff bool
	// Proxies (TRUSTED_PROXIES) are believed when their X-Forwarded-For
	// names the client: sign-in throttling and the audit log key on it.
	Proxies tenantweb.Proxies
	Log     *slog.Logger
	Now     func() time.Time

	// Vouchers are the events' voucher codes.
	Vouchers Vouchers
	// Messages are the events' messages to attendees; MessagePreviews
	// renders them as attendees receive them.
	Messages        Messages
	MessagePreviews MessagePreviews
	// Pickup reads the pick-up tokens of orders' QR codes at the desk
	// (nil: the desk searches by text only).
	Pickup PickupTokens
	// Waitlists are the events' waiting lists.
	Waitlists Waitlists
	// Signups are the sign-up events' sign-ups and their form's settings.
	Signups Signups
	// Webhooks are the events' and the platform's webhook endpoints and
	// their deliveries.
	Webhooks Webhooks
	// Kiosks are the device links of the events' sign-up kiosks.
	Kiosks KioskDevices
}

func (h *Console) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// page returns a console page base in the visitor's language.
func (h *Console) page(c *fiber.Ctx) themes.Page {
	offered := h.Themes.Translations().Locales()
	l := themes.Negotiate(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage), offered, themes.DefaultLocale)
	p := h.Themes.NewPage(l, nil, nil)
	p.Shell = h.shell(c, p)
	return p
}

func (h *Console) render(c *fiber.Ctx, status int, name string, p any, lang string) error {
	var buf bytes.Buffer
	if err := h.Themes.Render(&buf, name, p); err != nil {
		return err
	}
	return tenantweb.SendHTML(c, status, lang, buf.Bytes(), "no-store")
}

// errPageNotFound answers anything a route names that is not there, or
// not the event's: the same 404 either way.
var errPageNotFound = marquee.New(marquee.ENOTFOUND, "error.not_found")

// consoleTime formats a time for the console's tables with its zone
// named: in the event's time zone on a page about one event (p.Zone, see
// zonedPage), in UTC on the platform's pages ("9 Apr 2027, 18:00 CEST",
// "9 Apr 2027, 16:00 UTC").
func consoleTime(p themes.Page, t time.Time) string {
	zone := p.Zone
	if zone == nil {
		zone = time.UTC
	}
	lt := t.In(zone)
	return lt.Format(p.T("format.datetime")) + " " + themes.ZoneAbbreviation(lt)
}

// zonedPage is h.page for a page about event t: the times it shows are in
// the event's time zone (its setting, Europe/Berlin when never chosen).
func (h *Console) zonedPage(c *fiber.Ctx, t *tenant.Tenant) (themes.Page, error) {
	p := h.page(c)
	s, err := h.Products.Settings(c.UserContext(), t.ID)
	if err != nil {
		return p, err
	}
	p.Zone = s.Location()
	return p, nil
}

// formRefusal is a refused form's message and the input it belongs to.
func formRefusal(p themes.Page, err error) (message, field string) {
	if err == nil {
		return "", ""
	}
	return p.T(marquee.ErrorMessage(err)), marquee.ErrorField(err)
}

package console

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// The console's frame: every signed-in page gets a header (who is signed
// in, signing out) and a navigation, rendered by the layout from
// themes.Shell. The navigation lists the sections of the page's event the
// member's role may use, in the order a marketer or a fulfiller works
// through them, and the platform's pages for its admins.

// section is one entry of an event's navigation: where it goes, its
// label, the roles that may open it, and a class the tests and the
// browser walk find it by.
type section struct {
	path, label, class string
	roles              []staff.Role
}

// eventSections are an event's pages, each reachable from the navigation
// of every page of the event.
var eventSections = []section{
	{"dashboard", "console.nav.overview", "nav-overview", dashboardRoles},
	{"branding", "console.nav.branding", "nav-branding", editorRoles},
	{"catalogue", "console.catalogue.link", "nav-catalogue", editorRoles},
	{"vouchers", "console.vouchers.link", "nav-vouchers", voucherRoles},
	{"form", "console.form.link", "nav-form", editorRoles},
	{"orders", "console.orders.link", "nav-orders", orderRoles},
	{"desk", "console.desk.link", "nav-desk", orderRoles},
	{"messages", "console.messages.link", "nav-messages", messageRoles},
	{"signups", "console.signups.link", "nav-signups", signupRoles},
	{"suppliers", "console.suppliers.link", "suppliers-link", supplierRoles},
	{"emails", "console.emails.link", "emails-link", previewRoles},
	{"settings", "console.settings.link", "settings-link", editorRoles},
	{"kiosks", "console.kiosks.link", "nav-kiosks", kioskRoles},
	{"privacy", "console.privacy.link", "nav-privacy", privacyRoles},
	{"domains", "console.domains.link", "nav-domains", domainRoles},
	{"webhooks", "console.webhooks.link", "nav-webhooks", webhookRoles},
	{"audit", "console.audit.link", "nav-audit", auditRoles},
}

// localsEvent keeps the route's event and the member's role on it once
// eventNamed has looked them up, so the frame does not ask again.
const localsEvent = "marquee.console.event"

type routeEvent struct {
	t     *tenant.Tenant
	role  staff.Role // "" for a platform admin who is not a member
	admin bool
}

// shell is the frame of a signed-in page; nil when no one is signed in.
func (h *Console) shell(c *fiber.Ctx, p themes.Page) *themes.Shell {
	s := current(c)
	if s == nil {
		return nil
	}
	route := c.Route().Path
	sh := &themes.Shell{Email: s.staff.Email, PlatformAdmin: s.staff.PlatformAdmin, CSRF: h.sessionToken(s),
		Home: themes.NavLink{Href: "/", Label: p.T("console.home.title"), Class: "nav-home", Current: currentness(route, "/", true)}}
	sh.Flash = flashOf(c, p)
	if ev := h.routeEvent(c); ev != nil {
		sh.Event = themes.ShellEvent{Name: ev.t.Name, Slug: ev.t.Slug, Status: statusLabel(p, ev.t.Status)}
		if h.EventURL != nil {
			sh.Event.URL = h.EventURL(ev.t.Slug)
		}
		for _, sec := range eventSections {
			if !ev.admin && !slices.Contains(sec.roles, ev.role) {
				continue
			}
			pattern := "/events/:slug/" + sec.path
			sh.Nav = append(sh.Nav, themes.NavLink{Href: "/events/" + ev.t.Slug + "/" + sec.path, Label: p.T(sec.label),
				Class: sec.class, Current: currentness(route, pattern, false)})
		}
	}
	if s.staff.PlatformAdmin {
		sh.Platform = append(sh.Platform, themes.NavLink{Href: "/platform/events", Label: p.T("console.nav.platform_events"),
			Class: "platform-link", ID: "platform-link", Current: currentness(route, "/platform/events", false)})
		if h.InboxEnabled {
			sh.Platform = append(sh.Platform, themes.NavLink{Href: "/platform/inbox", Label: p.T("console.inbox.link"),
				ID: "inbox-link", Current: currentness(route, "/platform/inbox", false)})
		}
		sh.Platform = append(sh.Platform, themes.NavLink{Href: "/platform/jobs", Label: p.T("console.jobs.link"),
			ID: "jobs-link", Current: currentness(route, "/platform/jobs", false)})
		sh.Platform = append(sh.Platform, themes.NavLink{Href: "/platform/audit", Label: p.T("console.audit.link"),
			ID: "audit-link", Current: currentness(route, "/platform/audit", false)})
		sh.Platform = append(sh.Platform, themes.NavLink{Href: "/platform/backups", Label: p.T("console.backups.link"),
			ID: "backups-link", Current: currentness(route, "/platform/backups", false)})
		sh.Platform = append(sh.Platform, themes.NavLink{Href: "/platform/webhooks", Label: p.T("console.webhooks.platform_link"),
			ID: "webhooks-link", Current: currentness(route, "/platform/webhooks", false)})
		sh.Platform = append(sh.Platform, themes.NavLink{Href: "/docs/api", Label: p.T("console.apiref.link"),
			ID: "apiref-link", Current: currentness(route, "/docs/api", false)})
	}
	return sh
}

// currentness is a navigation entry's aria-current on the page of route:
// "page" on the entry's own page, "true" on a page inside its section
// (an order inside the orders), else "".
func currentness(route, pattern string, exact bool) string {
	switch {
	case route == pattern:
		return "page"
	case !exact && strings.HasPrefix(route, pattern+"/"):
		return "true"
	}
	return ""
}

// routeEvent is the event the page is about and the member's role on it:
// the one eventNamed checked, else the route's :slug if the member may
// see it at all; nil for a page about no event.
func (h *Console) routeEvent(c *fiber.Ctx) *routeEvent {
	slug := c.Params("slug")
	if slug == "" {
		return nil
	}
	if ev, ok := c.Locals(localsEvent).(*routeEvent); ok && ev.t.Slug == slug {
		return ev
	}
	ev, err := h.memberOf(c, slug)
	if err != nil {
		return nil
	}
	return ev
}

// memberOf is the event of slug and the signed-in member's role on it;
// errPageNotFound when there is no such event or the member has no role
// on it (platform admins may work on every event).
func (h *Console) memberOf(c *fiber.Ctx, slug string) (*routeEvent, error) {
	s := current(c)
	t, err := h.Brandings.TenantBySlug(c.UserContext(), slug)
	if err != nil {
		return nil, errPageNotFound
	}
	ev := &routeEvent{t: t, admin: s.staff.PlatformAdmin}
	members, err := h.Identity.Memberships(c.UserContext(), s.staff.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if m.TenantID == t.ID {
			ev.role = m.Role
		}
	}
	if ev.role == "" && !ev.admin {
		return nil, errPageNotFound
	}
	c.Locals(localsEvent, ev)
	return ev, nil
}

package console

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// Events lists the platform's events; db.DB implements it.
type Events interface {
	ListTenants(ctx context.Context, afterSlug string, limit int) ([]tenant.Tenant, error)
}

// HomePage lists the events a staff member works on.
type HomePage struct {
	themes.Page
	CSRF, Email   string
	PlatformAdmin bool
	Inbox         bool // dev's inbox is on (no SMTP_URL): link to it
	Events        []EventRow
}

// EventRow is one event on the home page; CanBrand says whether the
// member may open its branding editor (the page hides what a role cannot
// use; the routes refuse it anyway).
type EventRow struct {
	Name, Slug, Role, Status string
	CanBrand, CanOrders      bool
	CanDomains               bool // owners and platform admins manage custom domains
}

func (h *Console) home(c *fiber.Ctx) error {
	s := current(c)
	rows, err := h.events(c.UserContext(), s.staff)
	if err != nil {
		return err
	}
	base := h.page(c)
	p := HomePage{Page: base, CSRF: h.sessionToken(s), Email: s.staff.Email, PlatformAdmin: s.staff.PlatformAdmin, Events: rows,
		Inbox: h.InboxEnabled}
	return h.render(c, fiber.StatusOK, "console_home", p, base.Lang)
}

// events lists the member's events; platform admins see every event.
func (h *Console) events(ctx context.Context, st staff.Staff) ([]EventRow, error) {
	members, err := h.Identity.Memberships(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	roles := map[uuid.UUID]staff.Role{}
	for _, m := range members {
		roles[m.TenantID] = m.Role
	}
	var rows []EventRow
	for after := ""; ; {
		page, err := h.Events.ListTenants(ctx, after, 500)
		if err != nil {
			return nil, err
		}
		for _, t := range page {
			role, ok := roles[t.ID]
			if ok || st.PlatformAdmin {
				canBrand := st.PlatformAdmin || role == staff.RoleOwner || role == staff.RoleMarketing
				canOrders := st.PlatformAdmin || role == staff.RoleOwner || role == staff.RoleFulfilment
				rows = append(rows, EventRow{Name: t.Name, Slug: t.Slug, Role: string(role), Status: string(t.Status), CanBrand: canBrand, CanOrders: canOrders,
					CanDomains: st.PlatformAdmin || role == staff.RoleOwner})
			}
		}
		if len(page) < 500 {
			return rows, nil
		}
		after = page[len(page)-1].Slug
	}
}

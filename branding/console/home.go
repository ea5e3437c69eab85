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

// HomePage lists the events a staff member works on, one link each: to
// the event's overview, whose navigation leads to everything else the
// member's role may use.
type HomePage struct {
	themes.Page
	PlatformAdmin bool
	Events        []EventRow
}

// EventRow is one event on the home page.
type EventRow struct {
	Name, Slug, Status, StatusLabel string
	Role                            string // the member's role in the page's language; "" for an admin who is not a member
	Link                            string // the event's overview
}

func (h *Console) home(c *fiber.Ctx) error {
	s := current(c)
	base := h.page(c)
	rows, err := h.events(c.UserContext(), base, s.staff)
	if err != nil {
		return err
	}
	p := HomePage{Page: base, PlatformAdmin: s.staff.PlatformAdmin, Events: rows}
	return h.render(c, fiber.StatusOK, "console_home", p, base.Lang)
}

// events lists the member's events; platform admins see every event.
func (h *Console) events(ctx context.Context, p themes.Page, st staff.Staff) ([]EventRow, error) {
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
				row := EventRow{Name: t.Name, Slug: t.Slug, Status: string(t.Status),
					StatusLabel: statusLabel(p, t.Status), Link: "/events/" + t.Slug + "/dashboard"}
				if role != "" {
					row.Role = p.T("console.role." + string(role))
				}
				rows = append(rows, row)
			}
		}
		if len(page) < 500 {
			return rows, nil
		}
		after = page[len(page)-1].Slug
	}
}

package console

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/storefront/suppliers"
	"marquee/themes"
)

// historyActors names who made each change of an order's history, as
// staff read it: "by you", a colleague's name (else their email), the
// attendee, the supplier by name, or the system; an actor it cannot read
// stays as written. Each staff member and the event's suppliers are looked
// up once per page.
type historyActors struct {
	h         *Console
	c         *fiber.Ctx
	base      themes.Page
	tenantID  uuid.UUID
	staff     map[uuid.UUID]string
	suppliers []suppliers.Supplier
	loaded    bool // suppliers were looked up
}

func (h *Console) historyActors(c *fiber.Ctx, base themes.Page, tenantID uuid.UUID) *historyActors {
	return &historyActors{h: h, c: c, base: base, tenantID: tenantID, staff: map[uuid.UUID]string{}}
}

// name is the phrase for actor ("by Ann", "automatically" …).
func (a *historyActors) name(actor string) string {
	switch {
	case actor == "attendee":
		return a.base.T("console.history.by_attendee")
	case actor == "system":
		return a.base.T("console.history.by_system")
	case strings.HasPrefix(actor, "staff:"):
		id, err := uuid.Parse(strings.TrimPrefix(actor, "staff:"))
		if err != nil {
			return actor
		}
		if id == current(a.c).staff.ID {
			return a.base.T("console.history.by_you")
		}
		who, ok := a.staff[id]
		if !ok {
			who = a.staffName(id)
			a.staff[id] = who
		}
		if who == "" {
			return a.base.T("console.history.by_colleague")
		}
		return a.base.T("console.history.by", "Who", who)
	case strings.HasPrefix(actor, "supplier:"):
		id, err := uuid.Parse(strings.TrimPrefix(actor, "supplier:"))
		if err != nil {
			return actor
		}
		for _, s := range a.eventSuppliers() {
			if s.ID == id {
				return a.base.T("console.history.by_supplier", "Who", s.Name)
			}
		}
		return a.base.T("console.history.by_a_supplier")
	}
	return actor
}

// staffName is a colleague's name, else email; "" when the account is
// gone.
func (a *historyActors) staffName(id uuid.UUID) string {
	st, err := a.h.Identity.StaffByID(a.c.UserContext(), id)
	switch {
	case err != nil:
		return ""
	case st.Name != "":
		return st.Name
	}
	return st.Email
}

// eventSuppliers are the event's suppliers, looked up on first need (none
// when the console has no supplier store or the lookup fails: the history
// still shows, naming no one).
func (a *historyActors) eventSuppliers() []suppliers.Supplier {
	if !a.loaded && a.h.Suppliers != nil {
		a.suppliers, _ = a.h.Suppliers.Suppliers(a.c.UserContext(), a.tenantID)
	}
	a.loaded = true
	return a.suppliers
}

package console

import (
	"context"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// Privacy erases one attendee's personal data on request; db.DB
// implements it.
type Privacy interface {
	// PersonData is what erasing the person with email would empty: the
	// numbers of the event's orders they placed that still hold personal
	// data, and their places on the waiting lists.
	PersonData(ctx context.Context, tenantID uuid.UUID, email string) (storefront.Erasure, error)
	// ErasePerson erases them, recording actor in the audit log.
	ErasePerson(ctx context.Context, tenantID uuid.UUID, email string, actor uuid.UUID) (storefront.Erasure, error)
}

// privacyRoles may erase an attendee's data: the event's owners, who
// answer for its personal data.
var privacyRoles = []staff.Role{staff.RoleOwner}

// PrivacyPage is the form that finds an attendee's orders by email, before
// the erasure is asked about.
type PrivacyPage struct {
	themes.Page
	Event, Slug, Email, Problem, ProblemField string
	RetentionDays                             int
}

// privacyPage shows the erasure form.
func (h *Console) privacyPage(c *fiber.Ctx) error {
	t, err := h.event(c, privacyRoles)
	if err != nil {
		return err
	}
	return h.renderPrivacy(c, t, fiber.StatusOK, "", nil)
}

func (h *Console) renderPrivacy(c *fiber.Ctx, t *tenant.Tenant, status int, email string, refused error) error {
	s, err := h.Products.Settings(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	base := h.page(c)
	p := PrivacyPage{Page: base, Event: t.Name, Slug: t.Slug, Email: email, RetentionDays: s.RetentionDays}
	p.Problem, p.ProblemField = formRefusal(base, refused)
	return h.render(c, status, "console_privacy", p, base.Lang)
}

// askErasePerson is the GET of the erasure (the form sends the email
// here): it lists the orders that would be emptied and the waiting-list
// places that would go, and asks, or shows the
// form again with the refusal (a malformed email, no such order).
func (h *Console) askErasePerson(c *fiber.Ctx) error {
	t, err := h.event(c, privacyRoles)
	if err != nil {
		return err
	}
	q, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return h.renderPrivacy(c, t, fiber.StatusBadRequest, "", marquee.Invalid("email", "privacy.email_invalid"))
	}
	email := strings.TrimSpace(q.Get("email"))
	found, err := h.Privacy.PersonData(c.UserContext(), t.ID, email)
	if err == nil && found.Empty() {
		err = marquee.Invalid("email", "privacy.no_orders")
	}
	if marquee.ErrorCode(err) == marquee.EINVALID {
		return h.renderPrivacy(c, t, fiber.StatusUnprocessableEntity, email, err)
	}
	if err != nil {
		return err
	}
	base := h.page(c)
	items := make([]string, 0, len(found.Orders)+1)
	for _, n := range found.Orders {
		items = append(items, base.T("console.confirm.erase_item", "Number", n))
	}
	if found.WaitlistEntries > 0 {
		items = append(items, base.T("console.confirm.erase_waitlist", "Count", found.WaitlistEntries))
	}
	if found.Signups > 0 {
		items = append(items, base.T("console.confirm.erase_signups", "Count", found.Signups))
	}
	return h.renderConfirm(c, base, confirmation{heading: base.T("console.confirm.erase_heading", "Email", email),
		effects: []string{base.T("console.confirm.erase_effect"), base.T("console.confirm.erase_audit")}, items: items,
		fields: []HiddenField{{"email", email}}, button: base.T("console.privacy.erase"), danger: true,
		cancel: "/events/" + t.Slug + "/privacy"})
}

// erasePerson is the confirmed erasure.
func (h *Console) erasePerson(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	email := strings.TrimSpace(form.Get("email"))
	_, err := h.Privacy.ErasePerson(c.UserContext(), t.ID, email, current(c).staff.ID)
	if marquee.ErrorCode(err) == marquee.EINVALID {
		return "", h.renderPrivacy(c, t, fiber.StatusUnprocessableEntity, email, err)
	}
	if err != nil {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/privacy", "erased"), nil
}

package console

import (
	"context"
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/pickupqr"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// KioskDevices are the device links of an event's sign-up kiosks; db.DB
// implements it.
type KioskDevices interface {
	KioskDevices(ctx context.Context, tenantID uuid.UUID) ([]storefront.KioskDevice, error)
	KioskDevice(ctx context.Context, tenantID, id uuid.UUID) (storefront.KioskDevice, error)
	// IssueKioskDevice returns the new device with its link's secret,
	// which nothing keeps: the page shows it once.
	IssueKioskDevice(ctx context.Context, tenantID uuid.UUID, by staff.Staff, name string) (storefront.KioskDevice, string, error)
	RevokeKioskDevice(ctx context.Context, tenantID uuid.UUID, by staff.Staff, id uuid.UUID) (storefront.KioskDevice, error)
}

// kioskRoles may issue and revoke an event's kiosk links: the owner, and
// marketing, who runs the stands where people sign up.
var kioskRoles = []staff.Role{staff.RoleOwner, staff.RoleMarketing}

// KiosksPage lists an event's kiosk devices and issues new ones; Issued
// is the link just issued, shown on this answer only.
type KiosksPage struct {
	themes.Page
	CSRF, Event, Slug, Name string
	Problem, ProblemField   string
	NameMax                 int
	Issued                  *IssuedKiosk
	Devices                 []KioskRow
}

// IssuedKiosk is a new device's link, as text and as a QR code the
// tablet's camera opens.
type IssuedKiosk struct {
	Name, Link string
	QR         pickupqr.Code
}

// KioskRow is one device on the list.
type KioskRow struct {
	ID, Name, CreatedBy, Created, LastSeen, State, Revoke string
	Revoked                                               bool
}

func kiosksLink(t *tenant.Tenant) string { return "/events/" + t.Slug + "/kiosks" }

func (h *Console) kiosks(c *fiber.Ctx) error {
	t, err := h.event(c, kioskRoles)
	if err != nil {
		return err
	}
	return h.renderKiosks(c, t, fiber.StatusOK, nil, "", nil)
}

// renderKiosks is the page with the form's refusal (and the name as
// typed) or the device just issued.
func (h *Console) renderKiosks(c *fiber.Ctx, t *tenant.Tenant, status int, refused error, name string, issued *IssuedKiosk) error {
	list, err := h.Kiosks.KioskDevices(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	p := KiosksPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Name: name,
		NameMax: storefront.KioskNameMax, Issued: issued}
	p.Problem, p.ProblemField = formRefusal(base, refused)
	for _, d := range list {
		row := KioskRow{ID: d.ID.String(), Name: d.Name, CreatedBy: d.CreatedBy, Created: consoleTime(base, d.CreatedAt),
			LastSeen: base.T("console.kiosks.never"), State: base.T("console.kiosks.active"), Revoked: d.Revoked()}
		if d.LastSeenAt != nil {
			row.LastSeen = consoleTime(base, *d.LastSeenAt)
		}
		if d.Revoked() {
			row.State = base.T("console.kiosks.revoked_at", "At", consoleTime(base, *d.RevokedAt))
		} else {
			row.Revoke = kiosksLink(t) + "/" + d.ID.String() + "/revoke"
		}
		p.Devices = append(p.Devices, row)
	}
	return h.render(c, status, "console_kiosks", p, base.Lang)
}

// issueKiosk makes a device link and shows it, once, on the page it
// answers with (no redirect: nothing could show the secret again).
func (h *Console) issueKiosk(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	name, err := storefront.KioskName(form.Get("name"))
	if err == nil {
		var d storefront.KioskDevice
		var secret string
		if d, secret, err = h.Kiosks.IssueKioskDevice(c.UserContext(), t.ID, current(c).staff, name); err == nil {
			link := h.EventURL(t.Slug) + "/kiosk/" + secret
			qr, err := pickupqr.Encode(link)
			if err != nil {
				return "", err
			}
			return "", h.renderKiosks(c, t, fiber.StatusCreated, nil, "", &IssuedKiosk{Name: d.Name, Link: link, QR: qr})
		}
	}
	if status := refusalStatus(err); status != 0 {
		return "", h.renderKiosks(c, t, status, err, form.Get("name"), nil)
	}
	return "", err
}

// kioskParam is the route's device, one of the event's.
func (h *Console) kioskParam(c *fiber.Ctx, t *tenant.Tenant) (storefront.KioskDevice, error) {
	id, err := uuid.Parse(c.Params("device"))
	if err != nil {
		return storefront.KioskDevice{}, errPageNotFound
	}
	d, err := h.Kiosks.KioskDevice(c.UserContext(), t.ID, id)
	return d, notFoundAsPage(err)
}

// askRevokeKiosk: the route's device, one of the event's.
func (h *Console) askRevokeKiosk(c *fiber.Ctx, t *tenant.Tenant, p themes.Page) (confirmation, error) {
	d, err := h.kioskParam(c, t)
	if err != nil {
		return confirmation{}, err
	}
	return confirmation{heading: p.T("console.kiosks.revoke_heading", "Name", d.Name),
		effects: []string{p.T("console.kiosks.revoke_effect")}, button: p.T("console.kiosks.revoke"), danger: true,
		cancel: kiosksLink(t)}, nil
}

// revokeKiosk ends the route's device's link.
func (h *Console) revokeKiosk(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	d, err := h.kioskParam(c, t)
	if err != nil {
		return "", err
	}
	if _, err := h.Kiosks.RevokeKioskDevice(c.UserContext(), t.ID, current(c).staff, d.ID); err != nil {
		return "", notFoundAsPage(err)
	}
	return flashed(kiosksLink(t), "kiosk_revoked"), nil
}

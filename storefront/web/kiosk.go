package web

import (
	"bytes"
	"context"
	"net/url"
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/tenant"
	tenantweb "marquee/tenant/web"
)

// Kiosk mode: a tablet at a stand shows an event's sign-up form full
// screen behind a device link the console issued (/kiosk/SECRET). The
// link is the credential: no session, no cookie; a revoked link shows a
// page that says so. With JavaScript (themes/static/kiosk.js) the form
// never leaves the page: each sign-up is queued on the device with its
// client id and sent as JSON until the server has it; without, the form
// posts as the storefront's does and a thank-you page leads back.

// Kiosks finds the device of a kiosk link (db.DB).
type Kiosks interface {
	// KioskDeviceByToken is the event's device whose link carries
	// secret, revoked or not; another event's or none is not found.
	KioskDeviceByToken(ctx context.Context, tenantID uuid.UUID, secret string) (storefront.KioskDevice, error)
}

// kioskResetSeconds is how long the thank-you stays before the form is
// empty again; kioskIdleSeconds how long a half-filled form waits for
// the next touch before it is emptied for the next person.
const (
	kioskResetSeconds = 5
	kioskIdleSeconds  = 90
)

// maxKioskBody is the largest sign-up a kiosk sends as JSON.
const maxKioskBody = 64 << 10

// KioskPage is the kiosk's one page: the form ("form"), the thank-you
// after a sign-up posted without JavaScript ("thanks"), or the notice
// that the link has ended ("revoked").
type KioskPage struct {
	SignupPage
	Link, Endpoint, Thanks string
	ResetSeconds           int
	IdleSeconds            int
}

// kioskDevice is the route's device on the request's event, with the
// event's site; a link that is not one of the event's is a 404.
func (h *Handler) kioskDevice(c *fiber.Ctx) (*storefront.Site, storefront.KioskDevice, error) {
	t := tenant.FromContext(c.UserContext())
	if t == nil || h.Kiosks == nil {
		return nil, storefront.KioskDevice{}, tenant.ErrUnknownHost
	}
	site, err := h.Sites.Get(c.UserContext(), t)
	if err != nil {
		return nil, storefront.KioskDevice{}, err
	}
	d, err := h.Kiosks.KioskDeviceByToken(c.UserContext(), t.ID, c.Params("token"))
	if err != nil {
		return nil, d, err
	}
	return site, d, nil
}

// kioskLink is the device's page (the secret as the route had it).
func kioskLink(c *fiber.Ctx) string { return "/kiosk/" + url.PathEscape(c.Params("token")) }

// kiosk is the kiosk's page: the sign-up form, or the notice that the
// link was revoked (410). A suspended or ended event shows its closed
// page; a shop (no sign-ups) is a 404.
func (h *Handler) kiosk(c *fiber.Ctx) error {
	site, d, err := h.kioskDevice(c)
	if err != nil {
		return err
	}
	l := siteLang(c, site)
	if d.Revoked() {
		return h.renderKiosk(c, site, fiber.StatusGone, "revoked", l, nil, nil)
	}
	if _, ok, err := h.site(c); !ok {
		return err
	}
	if !site.Settings.IsSignup() {
		return marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	return h.renderKiosk(c, site, fiber.StatusOK, "form", l, url.Values{}, form.Errors{})
}

// kioskThanks is the thank-you after a sign-up posted without
// JavaScript, with the way back to an empty form.
func (h *Handler) kioskThanks(c *fiber.Ctx) error {
	site, d, err := h.kioskDevice(c)
	if err != nil {
		return err
	}
	l := siteLang(c, site)
	if d.Revoked() {
		return h.renderKiosk(c, site, fiber.StatusGone, "revoked", l, nil, nil)
	}
	if !site.Settings.IsSignup() {
		return marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	return h.renderKiosk(c, site, fiber.StatusOK, "thanks", l, nil, nil)
}

// kioskSubmit takes the kiosk's form posted without JavaScript: the
// storefront's sign-up with the device as its source, then the
// thank-you page; a mistake re-renders the form with every value kept.
// The link is the credential, so the form carries no CSRF token, but a
// post from another site (its Origin) is refused.
func (h *Handler) kioskSubmit(c *fiber.Ctx) error {
	values, err := formValues(c)
	if err != nil {
		return err
	}
	if err := sameOrigin(c); err != nil {
		return err
	}
	site, d, err := h.kioskDevice(c)
	if err != nil {
		return err
	}
	l := siteLang(c, site)
	if d.Revoked() {
		return h.renderKiosk(c, site, fiber.StatusGone, "revoked", l, nil, nil)
	}
	_, errs, err := h.kioskSignup(c, site, d, values, nil, l)
	if err != nil {
		return err
	}
	if !errs.Empty() {
		return h.renderKiosk(c, site, kioskRefusal(errs), "form", l, values, errs)
	}
	return c.Redirect(kioskLink(c)+"/thanks?lang="+url.QueryEscape(l), fiber.StatusSeeOther)
}

// kioskSignup stores one sign-up from values (a posted form) or body (the
// script's JSON); created is false for a client id stored before.
func (h *Handler) kioskSignup(c *fiber.Ctx, site *storefront.Site, d storefront.KioskDevice, values url.Values, body []byte, l string) (bool, form.Errors, error) {
	store, err := h.signups()
	if err != nil || !site.Settings.IsSignup() {
		return false, nil, marquee.New(marquee.ENOTFOUND, "error.not_found")
	}
	if t := site.Tenant; t.Status != tenant.StatusActive {
		return false, form.Errors{"form": storefront.MsgSignupClosed}, nil
	}
	if site.Settings.OrdersClosed(h.nowOf(c)) {
		return false, form.Errors{"form": storefront.MsgSignupTimeClosed}, nil
	}
	var created bool
	var errs form.Errors
	if body != nil {
		_, created, errs, err = storefront.SubmitSignupJSON(c.UserContext(), store, site, body, l, d.Source())
	} else {
		_, created, errs, err = storefront.SubmitSignup(c.UserContext(), store, site, values, l, d.Source())
	}
	return created, errs, err
}

// kioskRefusal is the status of a refused sign-up: 409 once sign-ups
// have closed, else 422.
func kioskRefusal(errs form.Errors) int {
	if errs["form"] != "" {
		return fiber.StatusConflict
	}
	return fiber.StatusUnprocessableEntity
}

// kioskSignupJSON takes one queued sign-up from the kiosk's script:
// 201 when stored, 200 when its client id was stored before (a retry
// whose first answer was lost), 422 with the refused inputs, 410 once
// the link is revoked. Every answer is JSON.
func (h *Handler) kioskSignupJSON(c *fiber.Ctx) error {
	if err := sameOrigin(c); err != nil {
		return kioskJSONError(c, fiber.StatusForbidden, "forbidden", "", nil)
	}
	if len(c.Body()) > maxKioskBody {
		return kioskJSONError(c, fiber.StatusRequestEntityTooLarge, "invalid", "body", nil)
	}
	site, d, err := h.kioskDevice(c)
	if err != nil {
		status := marquee.HTTPStatus(err)
		return kioskJSONError(c, status, marquee.ErrorCode(err), "", nil)
	}
	if d.Revoked() {
		return kioskJSONError(c, fiber.StatusGone, "gone", "", nil)
	}
	l := siteLang(c, site)
	created, errs, err := h.kioskSignup(c, site, d, nil, bytes.Clone(c.Body()), l)
	if err != nil {
		return kioskJSONError(c, marquee.HTTPStatus(err), marquee.ErrorCode(err), "", nil)
	}
	if !errs.Empty() {
		base := h.basePage(site, l)
		fields := map[string]string{}
		for name, id := range errs {
			fields[name] = tr(base, id)
		}
		return kioskJSONError(c, kioskRefusal(errs), "invalid", firstField(errs), fields)
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(fiber.Map{"created": created})
}

// kioskJSONError answers the script in the API's one error shape, with
// every refused input's message in fields.
func kioskJSONError(c *fiber.Ctx, status int, code, field string, fields map[string]string) error {
	body := fiber.Map{"code": code}
	if field != "" {
		body["field"] = field
	}
	if len(fields) > 0 {
		body["message"] = fields[field]
		body["fields"] = fields
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(fiber.Map{"error": body})
}

// firstField is the refused input a summary names first: the form's
// own refusal, then the inputs in the form's order of its own ones, then
// the rest by name.
func firstField(errs form.Errors) string {
	for _, name := range []string{"form", "body", storefront.SignupInputClientID, storefront.SignupInputName, storefront.SignupInputEmail} {
		if errs[name] != "" {
			return name
		}
	}
	names := make([]string, 0, len(errs))
	for name := range errs {
		names = append(names, name)
	}
	slices.Sort(names)
	return names[0]
}

// sameOrigin refuses a request whose Origin is another site's, or
// "null": the kiosk's own page sends its host.
func sameOrigin(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return nil
	}
	forbidden := marquee.New(marquee.EFORBIDDEN, "error.csrf")
	u, err := url.Parse(origin)
	if err != nil || origin == "null" {
		return forbidden
	}
	if host, err := tenant.NormalizeHost(u.Host); err != nil || host != tenantweb.HostFromCtx(c) {
		return forbidden
	}
	return nil
}

// renderKiosk draws the kiosk's page in mode with the form's values and
// errors.
func (h *Handler) renderKiosk(c *fiber.Ctx, site *storefront.Site, status int, mode, l string, values url.Values, errs form.Errors) error {
	link := kioskLink(c)
	p := KioskPage{SignupPage: h.signupPage(site, l, mode), Link: link, Endpoint: link + "/signups",
		ResetSeconds: kioskResetSeconds, IdleSeconds: kioskIdleSeconds}
	p.Thanks = site.Settings.SignupThanks.In(l, site.Tenant.DefaultLocale)
	if p.Thanks == "" {
		p.Thanks = p.T("signup.thanks_default")
	}
	if mode == "form" {
		p.Form = SignupForm(site, p.Page, values, errs)
		p.Form.Action = link
	}
	var buf bytes.Buffer
	if err := h.Themes.Render(&buf, "kiosk", p); err != nil {
		return err
	}
	c.Set(fiber.HeaderReferrerPolicy, "same-origin") // the link's secret never goes to another site (and "no-referrer" would make its own form's Origin "null")
	return h.send(c, status, l, buf.Bytes(), "no-store")
}

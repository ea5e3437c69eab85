// Package console is the staff console's Fiber app, served only on
// console.BASE_DOMAIN: never on an event's host, so no event page can read
// a staff cookie. Every route is listed in routes.go, and each resource
// has its own file (orders.go, suppliers.go, supplierform.go, …); this one
// holds signing in and out and the list of the events a staff member
// works on.
package console

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/branding"
	"marquee/branding/media"
	"marquee/tenant"
	"marquee/tenant/provision"
	"marquee/tenant/staff"
	tenantweb "marquee/tenant/web"
	"marquee/themes"
)

// Identity signs staff in and out; db.StaffStore implements it.
type Identity interface {
	Login(ctx context.Context, email, password, ip, userAgent string, now time.Time) (string, staff.Staff, error)
	Session(ctx context.Context, token string, now time.Time) (staff.Staff, staff.Session, error)
	Logout(ctx context.Context, token string) error
	UseLoginLink(ctx context.Context, token, ip, userAgent string, now time.Time) (string, staff.Staff, error)
	Memberships(ctx context.Context, staffID uuid.UUID) ([]staff.Membership, error)
}

// Events lists the platform's events; db.DB implements it.
type Events interface {
	ListTenants(ctx context.Context, afterSlug string, limit int) ([]tenant.Tenant, error)
}

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
	Secret        []byte // signs the console's CSRF tokens
	// Proxies (TRUSTED_PROXIES) are believed when their X-Forwarded-For
	// names the client: sign-in throttling and the audit log key on it.
	Proxies tenantweb.Proxies
	Log     *slog.Logger
	Now     func() time.Time
}

func (h *Console) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// sessionCookie is __Host- prefixed over HTTPS; browsers refuse that
// prefix over plain HTTP (dev).
func sessionCookie(c *fiber.Ctx) string {
	if c.Protocol() == "https" {
		return "__Host-marquee_session"
	}
	return "marquee_session"
}

func preSessionCookie(c *fiber.Ctx) string {
	if c.Protocol() == "https" {
		return "__Host-console_csrf"
	}
	return "console_csrf"
}

func (h *Console) setSession(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie(c), Value: token, Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: c.Protocol() == "https"})
}

func (h *Console) clearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie(c), Value: "", Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: c.Protocol() == "https", Expires: time.Unix(1, 0)})
}

// mac binds a CSRF token to a value: the session's id once signed in, a
// random pre-session cookie on the login form.
func (h *Console) mac(purpose, value string) string {
	return tenantweb.FormTokens{Key: h.Secret}.Token("console-"+purpose, value)
}

func (h *Console) preSessionToken(c *fiber.Ctx) string {
	value := c.Cookies(preSessionCookie(c))
	if len(value) < 32 {
		var b [32]byte
		_, _ = rand.Read(b[:])
		value = base64.RawURLEncoding.EncodeToString(b[:])
		c.Cookie(&fiber.Cookie{Name: preSessionCookie(c), Value: value, Path: "/", HTTPOnly: true, SameSite: "Lax",
			Secure: c.Protocol() == "https"})
	}
	return h.mac("login", value)
}

var errCSRF = marquee.New(marquee.EFORBIDDEN, "error.csrf")

func checkToken(form url.Values, want string) error {
	if got := form.Get("csrf"); got == "" || !hmac.Equal([]byte(got), []byte(want)) {
		return errCSRF
	}
	return nil
}

// page returns a console page base in the visitor's language.
func (h *Console) page(c *fiber.Ctx) themes.Page {
	offered := h.Themes.Translations().Locales()
	l := themes.Negotiate(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage), offered, themes.DefaultLocale)
	return h.Themes.NewPage(l, nil, nil)
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

// consoleTime formats a time for the console's tables, always in UTC.
func consoleTime(p themes.Page, t time.Time) string {
	return t.UTC().Format(p.T("format.datetime")) + " UTC"
}

// formRefusal is a refused form's message and the input it belongs to.
func formRefusal(p themes.Page, err error) (message, field string) {
	if err == nil {
		return "", ""
	}
	return p.T(marquee.ErrorMessage(err)), marquee.ErrorField(err)
}

// LoginPage is the sign-in form.
type LoginPage struct {
	themes.Page
	CSRF, Email, Problem, Notice string
}

// loginNotices are the messages other pages may send to the sign-in page.
var loginNotices = map[string]string{
	"password_reset":  "console.login.password_reset",
	"invite_accepted": "console.login.invite_accepted",
}

func (h *Console) loginPage(c *fiber.Ctx) error {
	base := h.page(c)
	p := LoginPage{Page: base, CSRF: h.preSessionToken(c)}
	if id, ok := loginNotices[c.Query("notice")]; ok {
		p.Notice = base.T(id)
	}
	return h.render(c, fiber.StatusOK, "console_login", p, base.Lang)
}

// login signs a staff member in with a new session token, whatever cookie
// the browser brought (no session fixation).
func (h *Console) login(c *fiber.Ctx) error {
	form, err := tenantweb.FormValues(c, 0)
	if err != nil {
		return err
	}
	if err := checkToken(form, h.mac("login", c.Cookies(preSessionCookie(c)))); err != nil {
		return err
	}
	token, _, err := h.Identity.Login(c.UserContext(), form.Get("email"), form.Get("password"), h.clientIP(c), c.Get(fiber.HeaderUserAgent), h.now())
	if err != nil {
		return h.loginFailed(c, form, err)
	}
	h.setSession(c, token)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// clientIP is the address of the browser behind the request, as sign-in
// throttling counts it (tenantweb.ClientAddr).
func (h *Console) clientIP(c *fiber.Ctx) string {
	return tenantweb.ClientAddr(c, h.Proxies).String()
}

func (h *Console) loginFailed(c *fiber.Ctx, form url.Values, err error) error {
	code := marquee.ErrorCode(err)
	if code != marquee.EFORBIDDEN && code != marquee.EINVALID {
		return err
	}
	status := fiber.StatusUnauthorized
	if errors.Is(err, staff.ErrLoginThrottled) {
		status = fiber.StatusTooManyRequests
		c.Set(fiber.HeaderRetryAfter, "900")
	}
	base := h.page(c)
	p := LoginPage{Page: base, CSRF: h.preSessionToken(c), Email: form.Get("email"), Problem: base.T(marquee.ErrorMessage(err))}
	return h.render(c, status, "console_login", p, base.Lang)
}

// loginLink signs in with a one-time link (printed by marquee dev and
// marquee user create).
func (h *Console) loginLink(c *fiber.Ctx) error {
	token, _, err := h.Identity.UseLoginLink(c.UserContext(), c.Params("token"), h.clientIP(c), c.Get(fiber.HeaderUserAgent), h.now())
	if err != nil {
		return err
	}
	h.setSession(c, token)
	return c.Redirect("/", fiber.StatusSeeOther)
}

type signedIn struct {
	staff   staff.Staff
	session staff.Session
	token   string
}

const localsSignedIn = "marquee.console.staff"

// requireSession sends visitors without a live session to the sign-in
// page; everything after it knows who is signed in.
func (h *Console) requireSession(c *fiber.Ctx) error {
	token := c.Cookies(sessionCookie(c))
	if token == "" {
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	st, sess, err := h.Identity.Session(c.UserContext(), token, h.now())
	if marquee.ErrorCode(err) == marquee.ENOTFOUND {
		h.clearSession(c)
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	c.Locals(localsSignedIn, &signedIn{staff: st, session: sess, token: token})
	return c.Next()
}

func current(c *fiber.Ctx) *signedIn {
	s, _ := c.Locals(localsSignedIn).(*signedIn)
	return s
}

// sessionToken is the CSRF token of the signed-in session's forms.
func (h *Console) sessionToken(s *signedIn) string { return h.mac("session", s.session.ID.String()) }

// logout revokes the session server-side, then forgets the cookie.
func (h *Console) logout(c *fiber.Ctx, _ url.Values) (string, error) {
	if err := h.Identity.Logout(c.UserContext(), current(c).token); err != nil {
		return "", err
	}
	h.clearSession(c)
	return "/login", nil
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

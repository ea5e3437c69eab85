package console

import (
	"context"
	"crypto/hmac"
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee"
	"marquee/tenant/staff"
	tenantweb "marquee/tenant/web"
	"marquee/themes"
)

// Signing in and out, the session every page after it needs, and the
// tokens of its forms.

// Identity signs staff in and out; db.StaffStore implements it.
type Identity interface {
	Login(ctx context.Context, email, password, ip, userAgent string, now time.Time) (string, staff.Staff, error)
	Session(ctx context.Context, token string, now time.Time) (staff.Staff, staff.Session, error)
	Logout(ctx context.Context, token string) error
	UseLoginLink(ctx context.Context, token, ip, userAgent string, now time.Time) (string, staff.Staff, error)
	Memberships(ctx context.Context, staffID uuid.UUID) ([]staff.Membership, error)
	// StaffByID is a colleague's account (the desk names who collected).
	StaffByID(ctx context.Context, id uuid.UUID) (staff.Staff, error)
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
	return h.mac("login", tenantweb.FormCookie(c, preSessionCookie(c), time.Time{}))
}

var errCSRF = marquee.New(marquee.EFORBIDDEN, "error.csrf")

func checkToken(form url.Values, want string) error {
	if got := form.Get("csrf"); got == "" || !hmac.Equal([]byte(got), []byte(want)) {
		return errCSRF
	}
	return nil
}

// LoginPage is the sign-in form: the password's unless it is off, and the
// platform's provider's button when there is one.
type LoginPage struct {
	themes.Page
	CSRF, Email, Problem, Notice string
	Password                     bool   // the password form is shown
	SSOName                      string // "Sign in with SSOName"; "" without a provider
}

// loginPageOf is the sign-in page as this platform offers it.
func (h *Console) loginPageOf(c *fiber.Ctx, base themes.Page) LoginPage {
	p := LoginPage{Page: base, CSRF: h.preSessionToken(c), Password: !h.PasswordSignInOff}
	if h.SSO != nil {
		p.SSOName = h.SSO.Config().Name
	}
	return p
}

var errPasswordOff = marquee.New(marquee.EFORBIDDEN, "staff.password_signin_off")

// passwordSignIn refuses what only a password sign-in needs (the form,
// resetting a password) while the platform has it off: the sign-in page
// says so, with the provider's button.
func (h *Console) passwordSignIn(next fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !h.PasswordSignInOff {
			return next(c)
		}
		base := h.page(c)
		p := h.loginPageOf(c, base)
		p.Problem = base.T(marquee.ErrorMessage(errPasswordOff))
		return h.render(c, fiber.StatusForbidden, "console_login", p, base.Lang)
	}
}

// loginNotices are the messages other pages may send to the sign-in page.
var loginNotices = map[string]string{
	"password_reset":      "console.login.password_reset",
	"invite_accepted":     "console.login.invite_accepted",
	"invite_accepted_sso": "console.login.invite_accepted_sso",
}

func (h *Console) loginPage(c *fiber.Ctx) error {
	base := h.page(c)
	p := h.loginPageOf(c, base)
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
	p := h.loginPageOf(c, base)
	p.Email, p.Problem = form.Get("email"), base.T(marquee.ErrorMessage(err))
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
	c.Locals(themes.ShellLocal, themes.ShellFunc(func(p themes.Page) *themes.Shell { return h.shell(c, p) }))
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

package console

import (
	"context"
	"crypto/hmac"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/tenant/staff"
	"marquee/tenant/staff/sso"
)

// Signing in with the platform's OpenID provider: the button on the
// sign-in page leads to /login/oidc, which sends the browser to the
// provider; the provider sends it back to /login/oidc/callback.

// SingleSignOn is the platform's provider; *sso.Client implements it.
type SingleSignOn interface {
	Config() sso.Config
	AuthURL(ctx context.Context, a sso.Attempt) (string, error)
	Finish(ctx context.Context, code string, a sso.Attempt) (sso.Identity, error)
}

// SSOSignIns keeps sign-ins under way and starts the session at their
// end; db.StaffStore implements it.
type SSOSignIns interface {
	BeginSSO(ctx context.Context, state, nonce, verifier string, now time.Time) error
	UseSSO(ctx context.Context, state string, now time.Time) (nonce, verifier string, err error)
	SignInSSO(ctx context.Context, email, name, subject, ip, userAgent string, now time.Time) (string, staff.Staff, bool, error)
}

// ssoCookie carries the state of the sign-in under way: the callback's
// state must be this browser's, so nobody can finish a sign-in they
// started in someone else's browser. SameSite=Lax: the provider's
// redirect back is a top-level GET from another site.
func ssoCookie(c *fiber.Ctx) string {
	if c.Protocol() == "https" {
		return "__Host-marquee_sso"
	}
	return "marquee_sso"
}

func (h *Console) setSSOCookie(c *fiber.Ctx, state string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: ssoCookie(c), Value: state, Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: c.Protocol() == "https", Expires: expires})
}

var errSSOExpired = marquee.New(marquee.EFORBIDDEN, "staff.sso_expired")

// ssoStart begins a sign-in: fresh state, nonce and PKCE verifier kept in
// the database for ten minutes, the state in this browser's cookie.
func (h *Console) ssoStart(c *fiber.Ctx) error {
	if h.SSO == nil {
		return errPageNotFound
	}
	a := sso.NewAttempt()
	to, err := h.SSO.AuthURL(c.UserContext(), a)
	if err != nil {
		return h.ssoRefused(c, err)
	}
	now := h.now()
	if err := h.SSOSignIns.BeginSSO(c.UserContext(), a.State, a.Nonce, a.Verifier, now); err != nil {
		return err
	}
	h.setSSOCookie(c, a.State, now.Add(10*time.Minute))
	return c.Redirect(to, fiber.StatusSeeOther)
}

// ssoCallback finishes a sign-in: the state must be this browser's and
// unspent (it is spent now, whatever follows), the provider's answer must
// hold (sso.Client.Finish), then the account of the email signs in, made
// on its first sign-in.
func (h *Console) ssoCallback(c *fiber.Ctx) error {
	if h.SSO == nil {
		return errPageNotFound
	}
	state, mine := c.Query("state"), c.Cookies(ssoCookie(c))
	h.setSSOCookie(c, "", time.Unix(1, 0))
	if state == "" || mine == "" || !hmac.Equal([]byte(state), []byte(mine)) {
		return h.ssoRefused(c, errSSOExpired)
	}
	ctx := c.UserContext()
	nonce, verifier, err := h.SSOSignIns.UseSSO(ctx, state, h.now())
	if err != nil {
		return h.ssoRefused(c, err)
	}
	if e := c.Query("error"); e != "" {
		h.Log.Warn("sso: the provider refused the sign-in", "error", e, "description", c.Query("error_description"))
		return h.ssoRefused(c, sso.Failed(nil))
	}
	who, err := h.SSO.Finish(ctx, c.Query("code"), sso.Attempt{State: state, Nonce: nonce, Verifier: verifier})
	if err != nil {
		return h.ssoRefused(c, err)
	}
	token, _, _, err := h.SSOSignIns.SignInSSO(ctx, who.Email, who.Name, who.Subject, h.clientIP(c), c.Get(fiber.HeaderUserAgent), h.now())
	if err != nil {
		return err
	}
	h.setSession(c, token)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// ssoRefused shows the sign-in page with why; what is not a refusal (the
// provider away, the database) is the error page's.
func (h *Console) ssoRefused(c *fiber.Ctx, err error) error {
	code := marquee.ErrorCode(err)
	if code != marquee.EFORBIDDEN && code != marquee.EUNAVAILABLE {
		return err
	}
	if code == marquee.EFORBIDDEN {
		h.Log.Info("sso: sign-in refused", "err", err)
	}
	base := h.page(c)
	p := h.loginPageOf(c, base)
	p.Problem = base.T(marquee.ErrorMessage(err))
	return h.render(c, marquee.HTTPStatus(err), "console_login", p, base.Lang)
}

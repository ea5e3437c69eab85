package console

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/tenant/staff"
	tenantweb "marquee/tenant/web"
	"marquee/themes"
)

// Accounts is what signed-out visitors need besides Identity: accepting an
// invitation and resetting a forgotten password. db.StaffStore implements
// it; the console finds it on its Identity (see accounts).
type Accounts interface {
	AcceptInvite(ctx context.Context, plainToken, name, password string, now time.Time) (staff.Staff, error)
	RequestReset(ctx context.Context, email string, now time.Time) (string, error)
	ResetPassword(ctx context.Context, plainToken, password string, now time.Time) error
}

// Where the sign-in page goes after a completed reset or an invitation
// accepted by an account that keeps its own password.
const (
	loginAfterReset  = "/login?notice=password_reset"
	loginAfterInvite = "/login?notice=invite_accepted"
)

// accounts is the Accounts side of the console's Identity. Console keeps
// the one narrower field, so a wiring whose Identity lacks Accounts gets
// an internal error on these pages; cmd/marquee proves at compile time
// that db.StaffStore has it.
func (h *Console) accounts() (Accounts, error) {
	a, ok := h.Identity.(Accounts)
	if !ok {
		return nil, marquee.Internal(fmt.Errorf("console: identity %T cannot accept invitations or reset passwords", h.Identity))
	}
	return a, nil
}

func errLinkInvalid() error { return marquee.New(marquee.ENOTFOUND, "staff.link_invalid") }

// linkToken is the route's one-time token, refused before any page is
// shown when it cannot be one of ours. Whether it is unspent is only known
// when the form is posted: the store has no way to look at a link without
// spending it.
func linkToken(c *fiber.Ctx) (string, error) {
	token := c.Params("token")
	if staff.HashToken(token) == nil {
		return "", errLinkInvalid()
	}
	return token, nil
}

// linkForm checks a form posted to a one-time link (an invitation, a
// password reset): the link's token, the accounts that spend it, and the
// form with its pre-session token.
func (h *Console) linkForm(c *fiber.Ctx) (string, Accounts, url.Values, error) {
	token, err := linkToken(c)
	if err != nil {
		return "", nil, nil, err
	}
	accounts, err := h.accounts()
	if err != nil {
		return "", nil, nil, err
	}
	form, err := h.preSessionForm(c)
	if err != nil {
		return "", nil, nil, err
	}
	return token, accounts, form, nil
}

// preSessionForm reads a signed-out visitor's form: urlencoded, carrying
// the token of the pre-session cookie, as the sign-in form does.
func (h *Console) preSessionForm(c *fiber.Ctx) (url.Values, error) {
	form, err := tenantweb.FormValues(c, 0)
	if err != nil {
		return nil, err
	}
	cookie := c.Cookies(preSessionCookie(c))
	if cookie == "" {
		return nil, errCSRF
	}
	if err := checkToken(form, h.mac("login", cookie)); err != nil {
		return nil, err
	}
	return form, nil
}

// FieldErrors are a form's problems by input name, translated: each is
// shown next to its input.
type FieldErrors map[string]string

// add records err next to its input if it is a validation error of one,
// and reports whether it was; any other error is the caller's to return.
func (fe FieldErrors) add(p themes.Page, err error) bool {
	field := marquee.ErrorField(err)
	if marquee.ErrorCode(err) != marquee.EINVALID || field == "" {
		return false
	}
	if _, taken := fe[field]; !taken {
		fe[field] = p.T(marquee.ErrorMessage(err))
	}
	return true
}

// checkNewPassword checks a new password typed twice into the fields
// password and password_confirm.
func checkNewPassword(form url.Values) error {
	pw := form.Get("password")
	if err := staff.ValidatePassword(pw); err != nil {
		return err
	}
	if form.Get("password_confirm") != pw {
		return marquee.Invalid("password_confirm", "staff.password_mismatch")
	}
	return nil
}

// InvitePage accepts an invitation: the new member's name and first
// password, or only the name on a platform with password sign-in off
// (Password false), whose staff sign in with the provider afterwards.
type InvitePage struct {
	themes.Page
	CSRF, Action, Name string
	Password           bool
	Errors             FieldErrors
}

// loginAfterInviteSSO is where an invitation accepted without a password
// goes: the sign-in page with the provider's button.
const loginAfterInviteSSO = "/login?notice=invite_accepted_sso"

func (h *Console) invitePage(c *fiber.Ctx) error {
	token, err := linkToken(c)
	if err != nil {
		return err
	}
	base := h.page(c)
	p := InvitePage{Page: base, CSRF: h.preSessionToken(c), Action: "/invite/" + token, Password: !h.PasswordSignInOff}
	return h.render(c, fiber.StatusOK, "console_invite", p, base.Lang)
}

// acceptInvite checks the whole form before spending the link, so that a
// mistake costs nothing, then signs the new member in with the password
// just chosen: a password login, audited as one, with no extra link. With
// password sign-in off the form has only the name: the account gets no
// password, and the new member signs in with the provider.
func (h *Console) acceptInvite(c *fiber.Ctx) error {
	token, accounts, form, err := h.linkForm(c)
	if err != nil {
		return err
	}
	base, problems := h.page(c), FieldErrors{}
	problems.add(base, staff.ValidateName(form.Get("name")))
	password := ""
	if !h.PasswordSignInOff {
		problems.add(base, checkNewPassword(form))
		password = form.Get("password")
	}
	if len(problems) > 0 {
		return h.inviteFailed(c, base, token, form, problems)
	}
	st, err := accounts.AcceptInvite(c.UserContext(), token, form.Get("name"), password, h.now())
	if problems.add(base, err) {
		return h.inviteFailed(c, base, token, form, problems)
	}
	if err != nil {
		return err
	}
	if h.PasswordSignInOff {
		return c.Redirect(loginAfterInviteSSO, fiber.StatusSeeOther)
	}
	return h.signInInvited(c, st, password)
}

// signInInvited starts the session of someone who just accepted an
// invitation. An account that had a password before keeps it (the typed
// one was ignored), so unless it was typed again here the login fails:
// such a member signs in as usual, now with one more event.
func (h *Console) signInInvited(c *fiber.Ctx, st staff.Staff, password string) error {
	session, _, err := h.Identity.Login(c.UserContext(), st.Email, password, h.clientIP(c), c.Get(fiber.HeaderUserAgent), h.now())
	if marquee.ErrorCode(err) == marquee.EFORBIDDEN {
		return c.Redirect(loginAfterInvite, fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	h.setSession(c, session)
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (h *Console) inviteFailed(c *fiber.Ctx, base themes.Page, token string, form url.Values, problems FieldErrors) error {
	p := InvitePage{Page: base, CSRF: h.preSessionToken(c), Action: "/invite/" + token, Name: form.Get("name"), Password: !h.PasswordSignInOff, Errors: problems}
	return h.render(c, fiber.StatusUnprocessableEntity, "console_invite", p, base.Lang)
}

// ResetRequestPage asks for the email address of an account whose
// password is forgotten, then (Sent) says that a link is on its way,
// whether or not there is such an account.
type ResetRequestPage struct {
	themes.Page
	CSRF, Email string
	Errors      FieldErrors
	Sent        bool
}

func (h *Console) resetRequestPage(c *fiber.Ctx) error {
	base := h.page(c)
	return h.render(c, fiber.StatusOK, "console_reset_request", ResetRequestPage{Page: base, CSRF: h.preSessionToken(c)}, base.Lang)
}

// requestReset answers every well-formed address with the same page, so
// that the form cannot tell who has an account.
func (h *Console) requestReset(c *fiber.Ctx) error {
	accounts, err := h.accounts()
	if err != nil {
		return err
	}
	form, err := h.preSessionForm(c)
	if err != nil {
		return err
	}
	base, problems := h.page(c), FieldErrors{}
	email, err := staff.NormaliseEmail(form.Get("email"))
	if problems.add(base, err) {
		p := ResetRequestPage{Page: base, CSRF: h.preSessionToken(c), Email: form.Get("email"), Errors: problems}
		return h.render(c, fiber.StatusUnprocessableEntity, "console_reset_request", p, base.Lang)
	}
	token, err := accounts.RequestReset(c.UserContext(), email, h.now())
	if err != nil {
		return err
	}
	if token != "" {
		h.sendResetLink(c.UserContext(), email, token)
	}
	return h.render(c, fiber.StatusOK, "console_reset_request", ResetRequestPage{Page: base, Sent: true}, base.Lang)
}

// sendResetLink hands a reset link to its account's owner.
//
// There is no email yet: until there is, the link goes to the log, where
// a developer reads it. The log line carries a live credential, so it must
// go when the email does. The email job will be enqueued here, or better
// in RequestReset's own transaction (as orders enqueue theirs), with the
// address built from the configured console host (cmd/marquee's
// consoleURL), never from this request's Host or X-Forwarded-Host, which a
// visitor chooses.
func (h *Console) sendResetLink(ctx context.Context, email, token string) {
	log := h.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "password reset link (no email yet)", "email", email, "path", "/reset/"+token)
}

// ResetPage sets a new password with a reset link.
type ResetPage struct {
	themes.Page
	CSRF, Action string
	Errors       FieldErrors
}

func (h *Console) resetPage(c *fiber.Ctx) error {
	token, err := linkToken(c)
	if err != nil {
		return err
	}
	base := h.page(c)
	return h.render(c, fiber.StatusOK, "console_reset", ResetPage{Page: base, CSRF: h.preSessionToken(c), Action: "/reset/" + token}, base.Lang)
}

// resetPassword sets the new password, which signs the account out
// everywhere, this browser included, then sends it to the sign-in page.
func (h *Console) resetPassword(c *fiber.Ctx) error {
	token, accounts, form, err := h.linkForm(c)
	if err != nil {
		return err
	}
	err = checkNewPassword(form)
	if err == nil {
		err = accounts.ResetPassword(c.UserContext(), token, form.Get("password"), h.now())
	}
	base, problems := h.page(c), FieldErrors{}
	if problems.add(base, err) {
		p := ResetPage{Page: base, CSRF: h.preSessionToken(c), Action: "/reset/" + token, Errors: problems}
		return h.render(c, fiber.StatusUnprocessableEntity, "console_reset", p, base.Lang)
	}
	if err != nil {
		return err
	}
	h.clearSession(c)
	return c.Redirect(loginAfterReset, fiber.StatusSeeOther)
}

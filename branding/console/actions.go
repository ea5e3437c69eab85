package console

import (
	"net/url"
	"slices"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/tenant"
	"marquee/tenant/staff"
	tenantweb "marquee/tenant/web"
)

// How a console form is checked and answered. Most forms change one thing
// and send the browser back to a page: eventAction and sessionAction do
// the checks and the answer, so a form's handler holds only what it does.

// eventAct is what a form about one event does once the request is
// checked: it changes something and says where the browser goes next. An
// empty next with no error means it has answered already (the form shown
// again with the service's refusal).
type eventAct func(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (next string, err error)

// sessionAct is what a signed-in form not about one event does (the
// platform pages, signing out).
type sessionAct func(c *fiber.Ctx, form url.Values) (next string, err error)

// eventAction is the handler of a form about one event: the member's role
// on the event and the session's token are checked (eventPost), then act
// runs, then the browser goes on to the page act names.
func (h *Console) eventAction(roles []staff.Role, act eventAct) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, form, err := h.eventPost(c, roles)
		if err != nil {
			return err
		}
		next, err := act(c, t, form)
		return seeOther(c, next, err)
	}
}

// sessionAction is the handler of a signed-in form that is not about one
// event: the session's token is checked (sessionForm), then act runs,
// then the browser goes on to the page act names.
func (h *Console) sessionAction(act sessionAct) fiber.Handler {
	return func(c *fiber.Ctx) error {
		form, err := h.sessionForm(c)
		if err != nil {
			return err
		}
		next, err := act(c, form)
		return seeOther(c, next, err)
	}
}

// seeOther answers a form once its action has run: the action's error if
// it failed; else the page at next, with 303 See Other so that reloading
// does not post the form again; nothing more when the action has answered
// already (next is "").
func seeOther(c *fiber.Ctx, next string, err error) error {
	if err != nil || next == "" {
		return err
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// event is the event of the route, if the signed-in member may work on it
// with one of roles; anyone else gets the same 404 as for no event at all.
func (h *Console) event(c *fiber.Ctx, roles []staff.Role) (*tenant.Tenant, error) {
	return h.eventNamed(c, c.Params("slug"), roles)
}

// eventNamed is the event of slug, if the signed-in member may work on it
// with one of roles: platform admins may work on every event.
func (h *Console) eventNamed(c *fiber.Ctx, slug string, roles []staff.Role) (*tenant.Tenant, error) {
	ev, err := h.memberOf(c, slug)
	if err != nil {
		return nil, err
	}
	if !ev.admin && !slices.Contains(roles, ev.role) {
		return nil, errPageNotFound
	}
	return ev.t, nil
}

// eventPost checks a state-changing request on an event's page: the
// member's role on the event (else 404), an urlencoded body, and the
// session's CSRF token (else 403).
func (h *Console) eventPost(c *fiber.Ctx, roles []staff.Role) (*tenant.Tenant, url.Values, error) {
	t, err := h.event(c, roles)
	if err != nil {
		return nil, nil, err
	}
	form, err := h.sessionForm(c)
	if err != nil {
		return nil, nil, err
	}
	return t, form, nil
}

// sessionForm checks a state-changing request of a signed-in page: an
// urlencoded body carrying the session's CSRF token.
func (h *Console) sessionForm(c *fiber.Ctx) (url.Values, error) {
	form, err := tenantweb.FormValues(c, 0)
	if err != nil {
		return nil, err
	}
	if err := checkToken(form, h.sessionToken(current(c))); err != nil {
		return nil, err
	}
	return form, nil
}

// refusalStatus is the status a form answers a service's refusal with: 422
// for input to fix, 409 for a clash with what exists; 0 for any other
// error, which becomes an error page.
func refusalStatus(err error) int {
	switch marquee.ErrorCode(err) {
	case marquee.EINVALID:
		return fiber.StatusUnprocessableEntity
	case marquee.ECONFLICT:
		return fiber.StatusConflict
	}
	return 0
}

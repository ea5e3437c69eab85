package web

import (
	"bytes"
	"errors"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/tenant"
	tenantweb "marquee/tenant/web"
	"marquee/themes"
)

// ErrorPage shows what went wrong, in the visitor's language, branded when
// the request was for a known event.
type ErrorPage struct {
	themes.Page
	Status    int
	Heading   string
	Message   string
	RequestID string
}

// retryAfterSeconds is how long a 503 for a dependency that is away (the
// database restarting, say) asks clients and crawlers to wait.
const retryAfterSeconds = "5"

// ErrorHandler is Fiber's error handler: it maps err to a status through
// marquee's one table, leaves the cause of server errors for the request
// log (one line per request, see tenantweb.NoteFailure), and renders the
// themed error page. Users never see an internal message.
func (h *Handler) ErrorHandler(c *fiber.Ctx, err error) error {
	status, err := fromFiber(err)
	rid := tenantweb.RequestIDOf(c)
	if status >= 500 {
		tenantweb.NoteFailure(c, err)
	}
	if marquee.ErrorCode(err) == marquee.EUNAVAILABLE {
		c.Set(fiber.HeaderRetryAfter, retryAfterSeconds)
	}
	base := h.errorBase(c)
	p := ErrorPage{Page: base, Status: status, RequestID: rid,
		Heading: base.T("error.heading." + marquee.ErrorCode(err)), Message: base.T(marquee.ErrorMessage(err), "Field", marquee.ErrorField(err))}
	var buf bytes.Buffer
	if rerr := h.Themes.Render(&buf, "error", p); rerr != nil {
		h.Log.Error("render error page", "request_id", rid, "err", rerr)
		return c.Status(status).SendString(p.Heading)
	}
	return h.send(c, status, base.Lang, buf.Bytes(), "no-store")
}

// errorBase is the event's branded base page when the request resolved to an
// event whose branding loads, else the plain platform page.
func (h *Handler) errorBase(c *fiber.Ctx) themes.Page {
	if t := tenant.FromContext(c.UserContext()); t != nil {
		if site, err := h.Sites.Get(c.UserContext(), t); err == nil {
			return h.basePage(site, lang(c, t))
		}
	}
	offered := h.Themes.Translations().Locales()
	l := themes.Negotiate(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage), offered, themes.DefaultLocale)
	p := h.Themes.NewPage(l, nil, nil)
	if frame, ok := c.Locals(themes.ShellLocal).(themes.ShellFunc); ok {
		p.Shell = frame(p) // a signed-in console page: the console's frame around the error
	}
	return p
}

// fromFiber maps Fiber's own errors (no route, body too large, …) into
// marquee's vocabulary, keeping their precise status; any other error gets
// the status of its code.
func fromFiber(err error) (int, error) {
	var fe *fiber.Error
	if !errors.As(err, &fe) {
		return marquee.HTTPStatus(err), err
	}
	switch {
	case fe.Code == fiber.StatusNotFound:
		err = marquee.Wrap(marquee.ENOTFOUND, "error.not_found", err)
	case fe.Code == fiber.StatusForbidden:
		err = marquee.Wrap(marquee.EFORBIDDEN, "error.forbidden", err)
	case fe.Code >= 500:
		err = marquee.Internal(err)
	default:
		err = marquee.Wrap(marquee.EINVALID, "error.bad_request", err)
	}
	return fe.Code, err
}

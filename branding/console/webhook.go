package console

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/storefront/webhooks"
	"marquee/themes"
)

// One webhook endpoint: its settings, state and the actions on it (send
// a test, rotate its secret, enable it again, delete it), for an event's
// endpoints and the platform's alike.

// EndpointPage is one endpoint with its form and actions; Secret is its
// signing secret, only on the answer that made it.
type EndpointPage struct {
	themes.Page
	CSRF, Path, Link, List, ListTitle string
	URL, Description, State, Created  string
	Secret                            string
	Disabled                          bool
	Problem, ProblemField             string
	Form                              WebhookForm
}

// endpointShown is how an endpoint's page is answered: its status, a
// refusal of its form (with the form's values), a new secret, a notice.
type endpointShown struct {
	status  int
	refused error
	form    url.Values
	secret  string
	flash   string // a message ID
}

// webhookParam is the route's endpoint, if it is one of the scope's;
// anything else (another event's, the platform's on an event's page) is
// the same 404 as no endpoint at all.
func (h *Console) webhookParam(c *fiber.Ctx, sc hookScope) (webhooks.Endpoint, error) {
	id, err := uuid.Parse(c.Params("webhook"))
	if err != nil {
		return webhooks.Endpoint{}, errPageNotFound
	}
	e, err := h.Webhooks.WebhookEndpoint(c.UserContext(), sc.tenantID(), id)
	return e, notFoundAsPage(err)
}

func (h *Console) webhookPage(c *fiber.Ctx) error {
	sc, base, err := h.hookScopeOf(c)
	if err != nil {
		return err
	}
	e, err := h.webhookParam(c, sc)
	if err != nil {
		return err
	}
	return h.renderEndpoint(c, sc, base, e, endpointShown{status: fiber.StatusOK})
}

func (h *Console) renderEndpoint(c *fiber.Ctx, sc hookScope, base themes.Page, e webhooks.Endpoint, shown endpointShown) error {
	form := shown.form
	if form == nil {
		form = endpointValues(e)
	}
	link := sc.endpointPath(e.ID)
	p := EndpointPage{Page: base, CSRF: h.sessionToken(current(c)), Path: sc.path, Link: link, List: sc.path,
		URL: e.URL, Description: e.Description, State: endpointState(base, e), Disabled: !e.Enabled, Secret: shown.secret,
		Form: webhookForm(base, form, link, base.T("console.webhooks.save"))}
	p.ListTitle = base.T("console.webhooks.platform_title")
	if sc.t != nil {
		p.ListTitle = base.T("console.webhooks.title", "Event", sc.t.Name)
	}
	if !e.CreatedAt.IsZero() {
		p.Created = consoleTime(base, e.CreatedAt)
	}
	p.Problem, p.ProblemField = formRefusal(base, shown.refused)
	if shown.flash != "" && p.Shell != nil {
		p.Shell.Flash = base.T(shown.flash)
	}
	return h.render(c, shown.status, "console_webhook", p, base.Lang)
}

// updateWebhook saves the endpoint's address and types; a refused form
// comes back with what was typed.
func (h *Console) updateWebhook(c *fiber.Ctx, sc hookScope, base themes.Page, form url.Values) (string, error) {
	saved, err := h.webhookParam(c, sc)
	if err != nil {
		return "", err
	}
	_, err = h.Webhooks.UpdateWebhookEndpoint(c.UserContext(), sc.tenantID(), current(c).staff.ID, saved.ID, endpointInput(form, saved.Enabled))
	if status := refusalStatus(err); status != 0 {
		return "", h.renderEndpoint(c, sc, base, saved, endpointShown{status: status, refused: err, form: form})
	}
	return flashed(sc.endpointPath(saved.ID), "webhook_saved"), notFoundAsPage(err)
}

// setWebhookEnabled enables an endpoint again (form "enabled" = "true"),
// new messages going to it from now on, or disables it: nothing is sent
// to it until it is enabled again.
func (h *Console) setWebhookEnabled(c *fiber.Ctx, sc hookScope, _ themes.Page, form url.Values) (string, error) {
	e, err := h.webhookParam(c, sc)
	if err != nil {
		return "", err
	}
	enabled := form.Get("enabled") == "true"
	key := "webhook_disabled"
	if enabled {
		key = "webhook_enabled"
	}
	_, err = h.Webhooks.UpdateWebhookEndpoint(c.UserContext(), sc.tenantID(), current(c).staff.ID, e.ID, endpointInput(endpointValues(e), enabled))
	return flashed(sc.endpointPath(e.ID), key), notFoundAsPage(err)
}

// sendTestWebhook queues a test message to the endpoint; its delivery
// shows in the log, where the browser goes.
func (h *Console) sendTestWebhook(c *fiber.Ctx, sc hookScope, _ themes.Page, _ url.Values) (string, error) {
	e, err := h.webhookParam(c, sc)
	if err != nil {
		return "", err
	}
	_, err = h.Webhooks.SendTestWebhook(c.UserContext(), sc.tenantID(), e.ID)
	return flashed(sc.endpointPath(e.ID)+"/deliveries", "webhook_test_sent"), notFoundAsPage(err)
}

// rotateWebhook makes the endpoint a new secret and shows it once, on
// the endpoint's page rendered at once.
func (h *Console) rotateWebhook(c *fiber.Ctx, sc hookScope, base themes.Page, _ url.Values) (string, error) {
	e, err := h.webhookParam(c, sc)
	if err != nil {
		return "", err
	}
	secret, e, err := h.Webhooks.RotateWebhookSecret(c.UserContext(), sc.tenantID(), current(c).staff.ID, e.ID)
	if err != nil {
		return "", notFoundAsPage(err)
	}
	return "", h.renderEndpoint(c, sc, base, e, endpointShown{status: fiber.StatusOK, secret: secret, flash: "console.webhooks.rotated"})
}

// deleteWebhook deletes the endpoint with its delivery log.
func (h *Console) deleteWebhook(c *fiber.Ctx, sc hookScope, _ themes.Page, _ url.Values) (string, error) {
	e, err := h.webhookParam(c, sc)
	if err != nil {
		return "", err
	}
	err = h.Webhooks.DeleteWebhookEndpoint(c.UserContext(), sc.tenantID(), current(c).staff.ID, e.ID)
	return flashed(sc.path, "webhook_deleted"), notFoundAsPage(err)
}

// askHook describes a change to one of the scope's endpoints.
type askHook func(c *fiber.Ctx, sc hookScope, p themes.Page) (confirmation, error)

// confirmHook is the GET of a change to an endpoint: the scope is
// checked as the POST checks it, then the page asks.
func (h *Console) confirmHook(ask askHook) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sc, base, err := h.hookScopeOf(c)
		if err != nil {
			return err
		}
		q, err := ask(c, sc, base)
		if err != nil {
			return err
		}
		return h.renderConfirm(c, base, q)
	}
}

// askDeleteWebhook: the route's endpoint, one of the scope's.
func (h *Console) askDeleteWebhook(c *fiber.Ctx, sc hookScope, p themes.Page) (confirmation, error) {
	e, err := h.webhookParam(c, sc)
	if err != nil {
		return confirmation{}, err
	}
	return confirmation{heading: p.T("console.confirm.webhook_delete_heading", "URL", e.URL),
		effects: []string{p.T("console.confirm.webhook_delete_effect")}, button: p.T("console.webhooks.delete"), danger: true,
		cancel: sc.endpointPath(e.ID)}, nil
}

// askRotateWebhook: the route's endpoint, one of the scope's.
func (h *Console) askRotateWebhook(c *fiber.Ctx, sc hookScope, p themes.Page) (confirmation, error) {
	e, err := h.webhookParam(c, sc)
	if err != nil {
		return confirmation{}, err
	}
	return confirmation{heading: p.T("console.confirm.webhook_rotate_heading", "URL", e.URL),
		effects: []string{p.T("console.confirm.webhook_rotate_effect")}, button: p.T("console.webhooks.rotate"),
		cancel: sc.endpointPath(e.ID)}, nil
}
